// The connection slot every transport shares: the in-flight ring, the close rules, timers and failure context. Its
// sockets' event handlers live in socket-events.ts, which also makes the plain sockets.

import type { Socket } from 'node:net';
import type { ErrorCode } from '../../errors.js';
import { ResponseParser } from '../../http/response-parser.js';
import type { FailurePhase } from '../../measurements.js';
import type { FailureContext } from '../../metrics/recorder.js';
import type { ConnectionOwner } from './transport.js';

export type { ConnectionOwner, Transport } from './transport.js';

/** How a run opens its connections' sockets (ConnectionOwner.dial), as the connection module sees it. */
export type Dialer = (conn: ClientConnection) => Socket;

/**
 * What the handlers keep on every socket of a slot, plain or TLS: the slot, and who closed first, kept per socket
 * because a slot's old socket may still be closing while its next one carries requests. Reset by open().
 */
export type SlotSocket = Socket & {
  conn: ClientConnection;
  /** The server's FIN was read before our own FIN went out. */
  serverEnded: boolean;
  /** Our FIN went out (shutdown completed, or we destroyed the socket) before the server's. */
  clientEnded: boolean;
  /** An RST ended it (an ECONNRESET/EPIPE on this socket, or our own reset). */
  reset: boolean;
  /** Its last response announced the close: the server owes its FIN (RFC 9112 §9.6). */
  announced: boolean;
  /** Detached from its slot after its last response, waiting for the server's FIN (see LINGER_MS). */
  lingering: boolean;
  /** Bounds the wait for the server's FIN once this socket no longer carries requests (reused, see LINGER_MS). */
  lingerTimer: NodeJS.Timeout | null;
  /** Can be connected again after its close (a plain net.Socket); a TLS socket cannot. */
  readonly reusable: boolean;
};

/**
 * How long a socket whose server announced `close` may wait for that server's FIN once the slot has moved on to a
 * new connection. It never holds the slot; a server later than this is closed by us, counted as a client close and
 * in `serverCloseLate`.
 */
export const LINGER_MS = 250;
/**
 * Most sockets one slot keeps waiting for their FIN at once (bounds descriptors against a server that never closes);
 * the oldest beyond it is closed by us and counted in `serverCloseLate` like one past LINGER_MS.
 */
export const LINGER_MAX = 8;

/**
 * A slot that carries requests over successive sockets; all per-request state lives in typed arrays here. It is
 * also the FailureContext of its failures: the recorder asks it why and where only when it keeps a sample.
 *
 * Close rules (RFC 9112 §9.3.2, §9.6), the same whatever framed the last response:
 * - a response that announced the end of the connection (`Connection: close`, an HTTP/1.0 answer without keep-alive,
 *   a body delimited by the close) completes at its framing; the slot stops using the socket and reconnects at once,
 *   and requests written behind it, which the server did not process, are sent again on the new connection;
 * - a connection that closes without such an announcement (an idle close racing the next request, a silent FIN):
 *   a response cut off mid-message fails (H1B_PREMATURE_CLOSE), so does the oldest request after an RST or on a
 *   connection that never answered anything; every other unanswered request is sent again (idempotent methods only),
 *   the first one alone until it is answered (no pipelining right after such a retry, §9.3.2);
 * - while the phase is stopping, unanswered requests are abandoned (counted apart), never failed.
 */
export class ClientConnection implements FailureContext {
  readonly owner: ConnectionOwner;
  readonly parser: ResponseParser;
  /** requestSlices[k]: k of this connection's requests back to back (index 0 unused); usually the owner's. */
  readonly requestSlices: readonly Buffer[];
  /** The socket while a connection is open or opening; null between connections. */
  socket: Socket | null = null;
  /** Closed plain sockets of this slot, reconnected by the next open() (so a 1.0 run builds no stream per request). */
  readonly spares: SlotSocket[] = [];
  /** Sockets detached after their last response, oldest first, waiting (bounded) for the server's FIN. */
  private readonly lingerers: SlotSocket[] = [];
  /** Ring of in-flight requests: actual start and intended (open-loop) time, in µs. */
  readonly starts: Float64Array;
  readonly intended: Float64Array;
  head = 0;
  inflight = 0;
  /** Requests at the end of the ring not yet written: held back until the first answer after a retry (§9.3.2). */
  held = 0;
  connected = false;
  /**
   * The current socket completed its TCP handshake (stays true after its close, unlike `connected`, which over TLS
   * waits for the TLS handshake too: requests go out only then).
   */
  handshaken = false;
  connectStartUs = 0;
  /** When requests could first go out: the TCP connect, or over TLS the end of the TLS handshake. */
  connectedUs = 0;
  /** Responses completed on the current socket: a connection that answered once is a reused one (close rules). */
  answered = 0;
  /** The current socket's server FIN cut a response off mid-message. */
  cut = false;
  /** Write only the first request at connect: a retry after an unannounced close (RFC 9112 §9.3.2). */
  private retryFirstAlone = false;
  errorCode: ErrorCode | null = null;
  /** The socket's or the parser's own words for the failure being counted (see failureReason). */
  errorReason: string | null = null;
  /** `address:port` of this end, kept when a failure is seen while the socket still has it. */
  private local: string | null = null;
  timedOut = false;
  /** In the open-loop free list (owned by the engine). */
  free = false;
  backoffMs = 0;
  backoffTimer: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** `requestSlices`: this connection's own request bytes (a heartbeat client's id); default: the owner's. */
  constructor(owner: ConnectionOwner, head: boolean, requestSlices: readonly Buffer[] | undefined = owner.requestSlices) {
    if (requestSlices === undefined) throw new TypeError('a ClientConnection needs request bytes: its own or its owner\'s requestSlices');
    this.owner = owner;
    this.requestSlices = requestSlices;
    this.parser = new ResponseParser({ head });
    const depth = owner.transport.depth;
    this.starts = new Float64Array(depth);
    this.intended = new Float64Array(depth);
  }

  /** Open a new connection for this slot with the run's dialer (plain TCP unless the owner chose TLS). */
  open(): void {
    const owner = this.owner;
    this.connected = false;
    this.handshaken = false;
    this.answered = 0;
    this.cut = false;
    this.held = 0;
    this.retryFirstAlone = false;
    this.errorCode = null;
    this.errorReason = null;
    this.local = null;
    this.timedOut = false;
    this.parser.reset();
    owner.liveSockets++;
    this.connectStartUs = owner.clock.nowUs();
    const socket = owner.dial(this) as SlotSocket;
    socket.serverEnded = false;
    socket.clientEnded = false;
    socket.reset = false;
    socket.announced = false;
    socket.lingering = false;
    socket.lingerTimer ??= null;
    this.socket = socket;
  }

  /** Queue `count` requests in the ring and write them in one call. */
  write(count: number, startUs: number, intendedUs: number): void {
    const depth = this.starts.length;
    for (let k = 0; k < count; k++) {
      const slot = (this.head + this.inflight) % depth;
      this.starts[slot] = startUs;
      this.intended[slot] = intendedUs;
      this.inflight++;
    }
    this.owner.inflight += count;
    // Before the handshake completes the ring is the queue: onConnect writes it in one go (cheaper than letting
    // net.Socket buffer the write behind a once('connect') closure). `sent` counts requests put on the wire.
    if (!this.connected) {
      // Queued behind the handshake.
    } else if (this.held > 0) this.held += count;
    else {
      const bytes = this.requestSlices[count]!;
      this.owner.recorder.requestsSent(count, bytes.length);
      this.socket!.write(bytes);
    }
    this.armTimer();
  }

  /** Write the requests held back after a retry (the retried one has been answered). */
  flushHeld(): void {
    const count = this.held;
    this.held = 0;
    const bytes = this.requestSlices[count]!;
    this.owner.recorder.requestsSent(count, bytes.length);
    this.socket!.write(bytes);
  }

  /**
   * Send the requests still in the ring again on a new socket (written at connect), keeping their times. After a
   * close the server did not announce, only the first goes out until it is answered (RFC 9112 §9.3.2).
   */
  resendInflight(unannounced: boolean): void {
    this.owner.resent += this.inflight;
    this.open();
    this.retryFirstAlone = unannounced && this.inflight > 1;
    this.armTimer();
  }

  /**
   * Stop using the current socket after its last response, and reconnect at once if requests wait (the caller asks
   * the owner for more). `serverCloses`: the response announced the close (RFC 9112 §9.6), so the old socket waits in
   * the background for the server's FIN (the server closes first, as it should); otherwise the server would keep it
   * open and we half-close it ourselves (a client close). Either way the wait is bounded by LINGER_MS or the slot's
   * next retirement, and never holds the slot.
   */
  retire(serverCloses: boolean, nowUs: number): void {
    const socket = this.socket as SlotSocket;
    this.socket = null;
    this.connected = false;
    if (!socket.serverEnded) {
      // Its FIN is not in yet (a close-delimited body ended with it: nothing to wait for).
      socket.announced = serverCloses;
      if (!serverCloses) socket.end();
      socket.lingering = true;
      this.lingerers.push(socket);
      if (this.lingerers.length > LINGER_MAX) this.closeLingering(this.lingerers[0]!, true);
      if (socket.lingerTimer === null) socket.lingerTimer = setTimeout(onLingerTimeout, LINGER_MS, socket).unref();
      else socket.lingerTimer.refresh();
    }
    if (this.inflight === 0) return;
    // Written behind a response that ended the connection: the server did not process them (RFC 9112 §9.6).
    if (this.owner.stopping) this.abandon(nowUs);
    else this.resendInflight(false);
  }

  /** End our side first (counted as a client close once the shutdown is done, unless the server's FIN came first). */
  endSocket(): void {
    if (this.socket === null) return;
    this.socket.end();
  }

  /** Close now (timeouts, protocol errors, interrupts). */
  destroySocket(): void {
    const socket = this.socket as SlotSocket | null;
    if (socket === null) return;
    if (!socket.serverEnded) socket.clientEnded = true;
    socket.destroy();
  }

  /** Abort with an RST instead of a FIN (SO_LINGER 0, `resetAndDestroy`): counted as a reset, not a client close. */
  resetSocket(): void {
    const socket = this.socket as SlotSocket | null;
    if (socket === null) return;
    if (!socket.serverEnded) socket.clientEnded = true;
    socket.reset = true;
    this.errorCode ??= 'H1B_CONNECT_RESET';
    socket.resetAndDestroy();
  }

  /**
   * Close a socket still waiting for its server's FIN: we close first (a client close). `late`: the server announced
   * its close and has not made it in time (LINGER_MS, or too many waiting), counted in `serverCloseLate`; otherwise
   * the run is ending.
   */
  closeLingering(socket: SlotSocket, late: boolean): void {
    this.unlinger(socket);
    if (!socket.serverEnded) {
      if (late && socket.announced) this.owner.recorder.serverClosedLate();
      socket.clientEnded = true;
    }
    socket.destroy();
  }

  /** Interrupt or end of the close grace: destroy the current socket and those still waiting for a FIN. */
  destroyAll(): void {
    this.destroySocket();
    while (this.lingerers.length > 0) this.closeLingering(this.lingerers[0]!, false);
  }

  /**
   * The oldest request waited too long: fail every request in flight as H1B_TIMEOUT and close (the connection may be
   * wedged). The per-request timer ends here; so does an owner that keeps its own deadlines (owner `timeoutMs` 0).
   */
  expire(nowUs: number): void {
    if (this.inflight === 0 || this.socket === null) return;
    this.timedOut = true;
    this.failInflight(nowUs, 'H1B_TIMEOUT');
    this.destroySocket();
  }

  /** Count every in-flight request as failed with `code`. */
  failInflight(nowUs: number, code: ErrorCode): void {
    const count = this.inflight;
    if (count === 0) return;
    this.inflight = 0;
    this.head = 0;
    this.held = 0;
    this.owner.inflight -= count;
    this.owner.recorder.error(nowUs, code, count, this);
    this.owner.finished(count, nowUs);
  }

  /** Count the oldest in-flight request as failed with `code`. */
  failHead(nowUs: number, code: ErrorCode): void {
    this.head = this.head + 1 === this.starts.length ? 0 : this.head + 1;
    this.inflight--;
    if (this.held > this.inflight) this.held = this.inflight;
    this.owner.inflight--;
    this.owner.recorder.error(nowUs, code, 1, this);
    this.owner.finished(1, nowUs);
  }

  /** Forget in-flight requests without counting them (interrupt, end of phase); returns how many there were. */
  abandonInflight(): number {
    const count = this.inflight;
    this.inflight = 0;
    this.head = 0;
    this.held = 0;
    this.owner.inflight -= count;
    return count;
  }

  /** The phase is stopping: unanswered requests are abandoned (counted by the owner), not failed nor resent. */
  private abandon(nowUs: number): void {
    this.owner.abandoned += this.abandonInflight();
    this.owner.finished(0, nowUs);
  }

  /** The oldest in-flight request got its complete response. */
  completeHead(nowUs: number, status: number): void {
    const slot = this.head;
    const start = this.starts[slot]!;
    this.head = slot + 1 === this.starts.length ? 0 : slot + 1;
    this.inflight--;
    this.answered++;
    this.owner.inflight--;
    this.owner.recorder.response(nowUs, status, nowUs - this.intended[slot]!, nowUs - start);
    this.owner.finished(1, nowUs);
    if (this.inflight > 0) this.armTimer();
  }

  /** The current socket closed with requests in flight: apply the close rules (see the class comment). */
  settleClosed(nowUs: number): void {
    const code = this.errorCode;
    // A cut response, an RST (its data may be gone, §9.6) or a socket error, or a new connection that closed without
    // answering anything (not an idle-close race: sending it again could loop): the oldest request failed.
    if (this.cut || code !== null || this.answered === 0) this.failHead(nowUs, code ?? 'H1B_PREMATURE_CLOSE');
    if (this.inflight === 0) return;
    if (this.owner.stopping) this.abandon(nowUs);
    else if (!this.owner.retryUnanswered) this.failInflight(nowUs, code ?? 'H1B_PREMATURE_CLOSE');
    else this.resendInflight(true);
  }

  failureReason(): string {
    if (this.errorReason !== null) return this.errorReason;
    if (this.timedOut) {
      const ms = this.owner.timeoutMs;
      return ms > 0 ? `no complete response within ${ms} ms` : "no complete response before its owner's deadline";
    }
    if (!this.handshaken) return 'the connection closed before its handshake completed';
    if (this.cut) return 'the server closed the connection (FIN) in the middle of a response';
    return 'the server closed a new connection (FIN) without answering';
  }

  failurePhase(): FailurePhase {
    if (!this.handshaken || this.errorCode === 'H1B_TLS_VERIFY' || this.errorCode === 'H1B_TLS_HANDSHAKE') return 'connect';
    return this.parser.awaitingFirstByte || this.parser.inHead ? 'head' : 'body';
  }

  localEndpoint(): string | null {
    return this.local ?? endpoint(this.socket?.localAddress, this.socket?.localPort);
  }

  remoteEndpoint(): string | null {
    return endpoint(this.owner.host, this.owner.port);
  }

  /** Keep this end's address while the socket still knows it (a failure is being counted after its close). */
  noteLocal(): void {
    this.local ??= endpoint(this.socket?.localAddress, this.socket?.localPort);
  }

  clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.backoffTimer !== null) clearTimeout(this.backoffTimer);
    this.timer = null;
    this.backoffTimer = null;
  }

  /** Write what waited for the handshake (TCP, or TLS): every queued request, or only the first after an unannounced close. */
  writeQueued(socket: Socket): void {
    let count = this.inflight;
    if (this.retryFirstAlone) {
      this.retryFirstAlone = false;
      this.held = count - 1;
      count = 1;
    }
    const bytes = this.requestSlices[count]!;
    this.owner.recorder.requestsSent(count, bytes.length);
    socket.write(bytes);
  }

  /**
   * A socket of this slot closed: the next open() reconnects it. Its linger timer is kept (refreshed when it lingers
   * again): if it fires meanwhile it finds the socket no longer lingering and does nothing.
   */
  recycle(socket: SlotSocket): void {
    this.unlinger(socket);
    if (socket.reusable && this.spares.length <= LINGER_MAX) this.spares.push(socket);
  }

  private unlinger(socket: SlotSocket): void {
    if (!socket.lingering) return;
    socket.lingering = false;
    const at = this.lingerers.indexOf(socket);
    if (at >= 0) this.lingerers.splice(at, 1);
  }

  /**
   * Per-request timeout, one reused timer: re-armed on every send and completion, so it fires only when nothing
   * progressed for `timeoutMs` while requests were in flight; then every one of them is at least that old.
   */
  private armTimer(): void {
    const ms = this.owner.timeoutMs;
    if (ms <= 0) return;
    if (this.timer === null) this.timer = setTimeout(onTimeout, ms, this).unref();
    else this.timer.refresh();
  }
}

/** `127.0.0.1:8080`, `[::1]:8080`; null while the socket has no address. */
export function endpoint(address: string | undefined, port: number | undefined): string | null {
  if (address === undefined || address === '' || port === undefined) return null;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function onTimeout(conn: ClientConnection): void {
  conn.expire(conn.owner.clock.nowUs());
}

/** The server announced its close but has not sent its FIN within LINGER_MS: close the socket ourselves. */
function onLingerTimeout(socket: SlotSocket): void {
  // Only a socket still lingering is closed here: the timer outlives sockets that have closed (and reconnected) since.
  if (socket.lingering) socket.conn.closeLingering(socket, true);
}

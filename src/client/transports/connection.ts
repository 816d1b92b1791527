// The connection-state object every transport shares, and the module-level socket handlers attached once per socket.

import { Socket, type SocketConstructorOpts } from 'node:net';
import { classifySocketError, type ErrorCode } from '../../errors.js';
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
};

/** One read buffer for every socket: `onread` parses synchronously, so no read outlives its callback. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
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

/** A plain net.Socket of a slot (SlotSocket), so handlers are plain module functions (no closure per socket). */
class ConnSocket extends Socket implements SlotSocket {
  readonly conn: ClientConnection;
  serverEnded = false;
  clientEnded = false;
  reset = false;
  announced = false;
  lingering = false;
  lingerTimer: NodeJS.Timeout | null = null;

  constructor(conn: ClientConnection) {
    // `onread` is honoured by the Socket constructor (net.connect passes its options there) but @types/node 20 only
    // declares it on connect options. allowHalfOpen: onEnd closes the socket itself, skipping Node's shutdown step,
    // and a socket we half-close still reads the server's FIN, so who closed first stays known.
    super({ allowHalfOpen: true, onread: { buffer: READ_BUFFER, callback: onRead } } as SocketConstructorOpts);
    this.conn = conn;
    this.on('connect', onConnect);
    this.on('end', onEnd);
    this.on('finish', onFinish);
    this.on('error', onError);
    this.on('close', onClose);
  }
}

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
  private readonly spares: ConnSocket[] = [];
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
    const socket = (owner.dial ?? dialPlain)(this) as SlotSocket;
    socket.serverEnded = false;
    socket.clientEnded = false;
    socket.reset = false;
    socket.announced = false;
    socket.lingering = false;
    socket.lingerTimer ??= null;
    this.socket = socket;
  }

  /**
   * A plain TCP socket of this slot: made once, with its listeners, and reconnected after its 'close' (net.Socket
   * #connect supports exactly that); a second one exists only while an old one is still closing. A TLS socket cannot
   * be reconnected: the TLS dialer makes one per connection.
   */
  reusablePlainSocket(): Socket {
    return this.spares.pop() ?? new ConnSocket(this);
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
    if (socket instanceof ConnSocket && this.spares.length <= LINGER_MAX) this.spares.push(socket);
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

/** The default dialer: connect a reusable net.Socket of this slot to the run's address. */
export function dialPlain(conn: ClientConnection): Socket {
  const owner = conn.owner;
  const socket = conn.reusablePlainSocket();
  if (owner.transport.noDelay) socket.setNoDelay(true);
  // --source: bind(2) to the chosen local address first; each address has its own ephemeral port range.
  const localAddress = owner.nextLocalAddress?.() ?? null;
  if (localAddress === null) socket.connect(owner.port, owner.host);
  else socket.connect({ port: owner.port, host: owner.host, localAddress });
  return socket;
}

function onConnect(this: ConnSocket): void {
  const conn = this.conn;
  const owner = conn.owner;
  const now = owner.clock.nowUs();
  conn.connected = true;
  conn.handshaken = true;
  conn.connectedUs = now;
  conn.backoffMs = 0;
  owner.recorder.socketOpened(now, now - conn.connectStartUs);
  owner.connected(conn, now);
  if (conn.inflight > 0) conn.writeQueued(this);
}

function onRead(this: ConnSocket, nread: number, buf: Buffer): boolean {
  return readResponses(this, nread, buf);
}

/** Parse `nread` bytes of `buf` read by `socket` as responses of its slot (the plain and the TLS socket's onread). */
export function readResponses(socket: SlotSocket, nread: number, buf: Buffer): boolean {
  const conn = socket.conn;
  const owner = conn.owner;
  owner.recorder.bytes(nread);
  // A socket the slot has moved on from: what it still reads answers nothing we wait for.
  if (conn.socket !== socket) return true;
  const parser = conn.parser;
  const now = owner.clock.nowUs();
  let offset = 0;
  while (offset < nread) {
    if (parser.awaitingFirstByte && conn.inflight > 0) {
      // TTFB from when the request reached the wire: its start, or the connect if it was queued behind the handshake.
      const start = conn.starts[conn.head]!;
      owner.recorder.firstByte(now - (start > conn.connectedUs ? start : conn.connectedUs));
    }
    offset = parser.execute(buf, offset, nread);
    if (offset < 0) return protocolError(conn, now, parser.error ?? 'invalid response');
    if (parser.complete) {
      // A response nobody asked for: the stream is out of step, nothing after it can be attributed.
      if (conn.inflight === 0) return protocolError(conn, now, `a ${parser.statusCode} response arrived with no request in flight`);
      conn.completeHead(now, parser.statusCode);
      if (!owner.transport.keeps(parser.keepAlive, parser.keepAliveAnnounced)) {
        // RFC 9112 §9.6: the response is complete at its framing; stop using this connection now.
        conn.retire(!parser.keepAlive, now);
        if (!owner.stopping) owner.ready(conn, now);
        return true;
      }
      if (conn.held > 0) conn.flushHeld();
    }
  }
  if (conn.inflight < owner.transport.depth && !owner.stopping) owner.ready(conn, now);
  return true;
}

/** `127.0.0.1:8080`, `[::1]:8080`; null while the socket has no address. */
function endpoint(address: string | undefined, port: number | undefined): string | null {
  if (address === undefined || address === '' || port === undefined) return null;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function protocolError(conn: ClientConnection, now: number, reason: string): boolean {
  conn.errorReason = reason;
  conn.noteLocal();
  conn.failInflight(now, 'H1B_PARSE_ERROR');
  conn.destroySocket();
  return false;
}

/** The server's FIN: it closed first unless we already had; a close-delimited body ends here. */
export function onEnd(this: SlotSocket): void {
  if (!this.clientEnded) this.serverEnded = true;
  const conn = this.conn;
  if (conn.socket === this) {
    const r = conn.parser.finish();
    if (r === 1 && conn.inflight > 0) {
      // RFC 9112 §6.3 rule 8: the body ran until the close, so the connection ends with this response, as announced.
      const owner = conn.owner;
      const now = owner.clock.nowUs();
      conn.completeHead(now, conn.parser.statusCode);
      conn.retire(true, now);
      if (!owner.stopping) owner.ready(conn, now);
    } else if (r === -1) {
      conn.cut = true;
      conn.errorCode ??= 'H1B_PREMATURE_CLOSE';
      conn.noteLocal();
    }
  }
  // Half-open is allowed only so this close needs no separate shutdown(2): the peer is done, close both ways now.
  this.destroy();
}

/** Our shutdown(2) went out: if the server's FIN had not been read by then, we closed first. */
export function onFinish(this: SlotSocket): void {
  if (!this.serverEnded) this.clientEnded = true;
}

function onError(this: ConnSocket, err: Error): void {
  const code = classifySocketError(err);
  if (code === 'H1B_CONNECT_RESET') this.reset = true;
  const conn = this.conn;
  if (conn.socket !== this || conn.errorCode !== null) return;
  conn.errorCode = code;
  conn.errorReason = err.message;
  conn.noteLocal();
}

export function onClose(this: SlotSocket): void {
  const conn = this.conn;
  const owner = conn.owner;
  owner.socketGone();
  if (conn.socket !== this) {
    // A detached socket: it carried its last response already; only who closed first is left to count.
    owner.recorder.socketClosed(this.reset ? 'reset' : this.serverEnded ? 'server' : 'client');
    conn.recycle(this);
    return;
  }
  const now = owner.clock.nowUs();
  conn.socket = null;
  conn.recycle(this);
  if (!conn.connected) {
    // TLS only: the TCP connection opened (and was counted) but its TLS handshake never completed.
    if (conn.handshaken) owner.recorder.socketClosed(this.reset || conn.errorReason?.startsWith('ECONNRESET') === true ? 'reset' : this.serverEnded ? 'server' : 'client');
    // Never connected: refused, unreachable, out of ports, or destroyed while connecting (timeout, stop).
    if (conn.timedOut || owner.stopping) {
      conn.abandonInflight();
      if (!owner.stopping) owner.ready(conn, now);
      return;
    }
    conn.failInflight(now, conn.errorCode ?? 'H1B_SOCKET_ERROR');
    owner.connectFailed(conn, now);
    return;
  }
  conn.connected = false;
  owner.recorder.socketClosed(this.reset || conn.errorCode === 'H1B_CONNECT_RESET' ? 'reset' : this.serverEnded ? 'server' : 'client');
  if (conn.inflight > 0) conn.settleClosed(now);
  if (!owner.stopping) owner.ready(conn, now);
}

function onTimeout(conn: ClientConnection): void {
  conn.expire(conn.owner.clock.nowUs());
}

/** The server announced its close but has not sent its FIN within LINGER_MS: close the socket ourselves. */
function onLingerTimeout(socket: SlotSocket): void {
  // Only a socket still lingering is closed here: the timer outlives sockets that have closed (and reconnected) since.
  if (socket.lingering) socket.conn.closeLingering(socket, true);
}

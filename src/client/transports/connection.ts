// The connection-state object every transport shares, and the module-level socket handlers attached once per socket.

import { Socket, type SocketConstructorOpts } from 'node:net';
import { classifySocketError, type ErrorCode } from '../../errors.js';
import { ResponseParser } from '../../http/response-parser.js';
import type { FailurePhase } from '../../measurements.js';
import type { FailureContext } from '../../metrics/recorder.js';
import type { ConnectionOwner } from './transport.js';

export type { ConnectionOwner, Transport } from './transport.js';

/** One read buffer for every socket: `onread` parses synchronously, so no read outlives its callback. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** A server that announced `close` but never closes is closed by us after this long. */
const RETIRE_GRACE_MS = 1000;

/** A net.Socket that knows its connection object, so handlers are plain module functions (no closure per socket). */
class ConnSocket extends Socket {
  readonly conn: ClientConnection;
  constructor(conn: ClientConnection) {
    // `onread` is honoured by the Socket constructor (net.connect passes its options there) but @types/node 20 only
    // declares it on connect options. allowHalfOpen: onEnd closes the socket itself, skipping Node's shutdown step.
    super({ allowHalfOpen: true, onread: { buffer: READ_BUFFER, callback: onRead } } as SocketConstructorOpts);
    this.conn = conn;
    this.on('connect', onConnect);
    this.on('end', onEnd);
    this.on('error', onError);
    this.on('close', onClose);
  }
}

/**
 * A slot that carries requests over successive sockets; all per-request state lives in typed arrays here. It is
 * also the FailureContext of its failures: the recorder asks it why and where only when it keeps a sample.
 */
export class ClientConnection implements FailureContext {
  readonly owner: ConnectionOwner;
  readonly parser: ResponseParser;
  /** requestSlices[k]: k of this connection's requests back to back (index 0 unused); usually the owner's. */
  readonly requestSlices: readonly Buffer[];
  /** The socket while a connection is open or opening; null between connections. */
  socket: Socket | null = null;
  private reusable: ConnSocket | null = null;
  /** Ring of in-flight requests: actual start and intended (open-loop) time, in µs. */
  readonly starts: Float64Array;
  readonly intended: Float64Array;
  head = 0;
  inflight = 0;
  connected = false;
  /** The current socket completed its handshake (stays true after its close, unlike `connected`). */
  handshaken = false;
  connectStartUs = 0;
  connectedUs = 0;
  serverEnded = false;
  clientEnded = false;
  errorCode: ErrorCode | null = null;
  /** The socket's or the parser's own words for the failure being counted (see failureReason). */
  errorReason: string | null = null;
  /** `address:port` of this end, kept when a failure is seen while the socket still has it. */
  private local: string | null = null;
  /** No more requests go on this socket; it is closing. */
  retiring = false;
  timedOut = false;
  /** In the open-loop free list (owned by the engine). */
  free = false;
  backoffMs = 0;
  backoffTimer: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retireTimer: NodeJS.Timeout | null = null;

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

  /**
   * Open a new TCP connection for this slot. The Socket object (and its listeners) is created once per slot and
   * reconnected after each 'close' (net.Socket#connect supports exactly that), so a 1.0 run does not build a stream
   * object per request.
   */
  open(): void {
    const owner = this.owner;
    if (this.reusable === null) this.reusable = new ConnSocket(this);
    const socket = this.reusable;
    if (owner.transport.noDelay) socket.setNoDelay(true);
    this.socket = socket;
    this.connected = false;
    this.handshaken = false;
    this.serverEnded = false;
    this.clientEnded = false;
    this.errorCode = null;
    this.errorReason = null;
    this.local = null;
    this.retiring = false;
    this.timedOut = false;
    this.parser.reset();
    owner.liveSockets++;
    this.connectStartUs = owner.clock.nowUs();
    socket.connect(owner.port, owner.host);
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
    if (this.connected) {
      const bytes = this.requestSlices[count]!;
      this.owner.recorder.requestsSent(count, bytes.length);
      this.socket!.write(bytes);
    }
    this.armTimer();
  }

  /** Send the requests still in the ring again on a new socket (written at connect), keeping their times. */
  resendInflight(): void {
    const count = this.inflight;
    this.owner.resent += count;
    this.open();
    this.armTimer();
  }

  /** End our side first (counted as a client close). */
  endSocket(): void {
    if (this.socket === null) return;
    if (!this.serverEnded) this.clientEnded = true;
    this.socket.end();
  }

  /** Close now (timeouts, protocol errors, interrupts). */
  destroySocket(): void {
    if (this.socket === null) return;
    if (!this.serverEnded) this.clientEnded = true;
    this.socket.destroy();
  }

  /** Abort with an RST instead of a FIN (SO_LINGER 0, `resetAndDestroy`): counted as a reset, not a client close. */
  resetSocket(): void {
    if (this.socket === null) return;
    if (!this.serverEnded) this.clientEnded = true;
    this.errorCode ??= 'H1B_CONNECT_RESET';
    this.socket.resetAndDestroy();
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

  /** Stop using this socket; wait for the server's FIN (bounded), which it announced. */
  retire(): void {
    this.retiring = true;
    if (this.retireTimer === null) this.retireTimer = setTimeout(onRetireTimeout, RETIRE_GRACE_MS, this).unref();
    else this.retireTimer.refresh();
  }

  /** Count every in-flight request as failed with `code`. */
  failInflight(nowUs: number, code: ErrorCode): void {
    const count = this.inflight;
    if (count === 0) return;
    this.inflight = 0;
    this.head = 0;
    this.owner.inflight -= count;
    this.owner.recorder.error(nowUs, code, count, this);
    this.owner.finished(count, nowUs);
  }

  /** Forget in-flight requests without counting them (interrupt); returns how many there were. */
  abandonInflight(): number {
    const count = this.inflight;
    this.inflight = 0;
    this.head = 0;
    this.owner.inflight -= count;
    return count;
  }

  /** The oldest in-flight request got its complete response. */
  completeHead(nowUs: number, status: number): void {
    const slot = this.head;
    const start = this.starts[slot]!;
    this.head = slot + 1 === this.starts.length ? 0 : slot + 1;
    this.inflight--;
    this.owner.inflight--;
    this.owner.recorder.response(nowUs, status, nowUs - this.intended[slot]!, nowUs - start);
    this.owner.finished(1, nowUs);
    if (this.inflight > 0) this.armTimer();
  }

  failureReason(): string {
    if (this.errorReason !== null) return this.errorReason;
    if (this.timedOut) {
      const ms = this.owner.timeoutMs;
      return ms > 0 ? `no complete response within ${ms} ms` : "no complete response before its owner's deadline";
    }
    return this.handshaken ? 'the server closed the connection (FIN) before a complete response' : 'the connection closed before its handshake completed';
  }

  failurePhase(): FailurePhase {
    if (!this.handshaken) return 'connect';
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
    if (this.retireTimer !== null) clearTimeout(this.retireTimer);
    if (this.backoffTimer !== null) clearTimeout(this.backoffTimer);
    this.timer = null;
    this.retireTimer = null;
    this.backoffTimer = null;
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
  if (conn.inflight > 0) {
    const bytes = conn.requestSlices[conn.inflight]!;
    owner.recorder.requestsSent(conn.inflight, bytes.length);
    this.write(bytes);
  }
}

function onRead(this: ConnSocket, nread: number, buf: Buffer): boolean {
  const conn = this.conn;
  const owner = conn.owner;
  const parser = conn.parser;
  const now = owner.clock.nowUs();
  owner.recorder.bytes(nread);
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
      if (!owner.transport.afterResponse(conn, parser.keepAlive)) {
        conn.retire();
        return true;
      }
    }
  }
  if (!conn.retiring && conn.inflight < owner.transport.depth && !owner.stopping) owner.ready(conn, now);
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
function onEnd(this: ConnSocket): void {
  const conn = this.conn;
  if (!conn.clientEnded) conn.serverEnded = true;
  const r = conn.parser.finish();
  if (r === 1 && conn.inflight > 0) conn.completeHead(conn.owner.clock.nowUs(), conn.parser.statusCode);
  else if (r === -1 && conn.errorCode === null) {
    conn.errorCode = 'H1B_PREMATURE_CLOSE';
    conn.noteLocal();
  }
  // Half-open is allowed only so this close needs no separate shutdown(2): the peer is done, close both ways now.
  this.destroy();
}

function onError(this: ConnSocket, err: Error): void {
  const conn = this.conn;
  if (conn.errorCode !== null) return;
  conn.errorCode = classifySocketError(err);
  conn.errorReason = err.message;
  conn.noteLocal();
}

function onClose(this: ConnSocket): void {
  const conn = this.conn;
  if (conn.socket !== this) return;
  const owner = conn.owner;
  const now = owner.clock.nowUs();
  conn.socket = null;
  owner.socketGone();
  if (!conn.connected) {
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
  const reset = conn.errorCode === 'H1B_CONNECT_RESET';
  owner.recorder.socketClosed(reset ? 'reset' : conn.serverEnded ? 'server' : 'client');
  const wasRetiring = conn.retiring;
  conn.retiring = false;
  if (conn.inflight > 0) {
    if (wasRetiring && owner.transport.resendAfterClose && !owner.stopping) {
      // RFC 9112 §9.3.2: requests pipelined after a `close` response were not processed; send them again.
      conn.resendInflight();
    } else {
      conn.failInflight(now, conn.errorCode ?? 'H1B_PREMATURE_CLOSE');
    }
  }
  if (!owner.stopping) owner.ready(conn, now);
}

function onTimeout(conn: ClientConnection): void {
  conn.expire(conn.owner.clock.nowUs());
}

function onRetireTimeout(conn: ClientConnection): void {
  if (conn.retiring && conn.socket !== null) conn.destroySocket();
}

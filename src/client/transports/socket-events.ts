// The socket side of a connection slot: the plain socket class, the plain dialer, and the module-level event
// handlers attached once per socket (plain and TLS), which parse responses and apply the slot's close rules.

import { Socket, type SocketConstructorOpts } from 'node:net';
import { classifySocketError } from '../../errors.js';
import type { ClientConnection, SlotSocket } from './connection.js';

/** One read buffer for every socket: `onread` parses synchronously, so no read outlives its callback. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A plain net.Socket of a slot (SlotSocket), so handlers are plain module functions (no closure per socket). */
class ConnSocket extends Socket implements SlotSocket {
  readonly conn: ClientConnection;
  serverEnded = false;
  clientEnded = false;
  reset = false;
  announced = false;
  lingering = false;
  lingerTimer: NodeJS.Timeout | null = null;
  readonly reusable = true;

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

/** The default dialer: connect a reusable net.Socket of this slot to the run's address. */
export function dialPlain(conn: ClientConnection): Socket {
  const owner = conn.owner;
  // Made once per slot with its listeners and reconnected after each 'close' (net.Socket#connect supports exactly
  // that); a second one exists only while an old one is still closing. A TLS socket cannot be reconnected.
  const socket = conn.spares.pop() ?? new ConnSocket(conn);
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


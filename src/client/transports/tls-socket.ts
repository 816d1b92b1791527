// HTTPS for the native transports: a TLSSocket per connection (a TLS socket cannot be reconnected like the plain
// one), its listeners attached once per socket as module-level functions, TCP and TLS handshakes timed and counted.

import type { Socket } from 'node:net';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { classifySocketError, classifyTlsError } from '../../errors.js';
import type { LoadTls } from '../engine.js';
import { clientSecureContext, sessionInfo, tlsConnectOptions } from '../tls-context.js';
import { onClose, onEnd, readResponses, type ClientConnection, type Dialer } from './connection.js';

/**
 * The TLS side of one load: the connect options every connection shares (one SecureContext, SNI, ALPN,
 * verification) and, with resumption on, the most recent session any connection of the load received.
 *
 * Resumption rule, as a browser does it: a connection offers the latest session (TLS 1.2 ticket, TLS 1.3 PSK
 * ticket) the load holds when it starts connecting; a load starts with none. Tickets are reused, not spent once:
 * servers that issue stateless tickets (nginx, node, OpenSSL's default) accept a ticket again, and every resumed
 * TLS 1.3 handshake brings new ones, so the latest is always fresh.
 */
export class TlsDialer {
  /** Shared by every tls.connect of the load; `session` is set before each call (tls.connect copies its options). */
  private readonly options: ConnectionOptions & { host: string; port: number; session?: Buffer };
  readonly resume: boolean;
  session: Buffer | null = null;

  constructor(tls: LoadTls, host: string, port: number) {
    this.options = { ...tlsConnectOptions(tls, clientSecureContext(tls)), host, port };
    this.resume = tls.resume;
  }

  /** The connect options of the next connection. */
  next(): ConnectionOptions {
    const options = this.options;
    if (this.session !== null) options.session = this.session;
    return options;
  }
}

type TlsConnSocket = TLSSocket & { conn: ClientConnection; dialer: TlsDialer };

/** A Dialer for `dialer`'s load: one new TLSSocket per connection. */
export function tlsDial(dialer: TlsDialer): Dialer {
  return function dialTls(conn: ClientConnection): Socket {
    const socket = connect(dialer.next()) as TlsConnSocket;
    socket.conn = conn;
    socket.dialer = dialer;
    // Always: the client Finished and the first request are separate writes, Nagle would hold the request back.
    socket.setNoDelay(true);
    socket.on('connect', onTcpConnect);
    socket.on('secureConnect', onSecureConnect);
    if (dialer.resume) socket.on('session', onSession);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onTlsError);
    socket.on('close', onClose);
    return socket;
  };
}

/** TCP handshake done: counted and timed like a plain connect; requests wait for the TLS handshake. */
function onTcpConnect(this: TlsConnSocket): void {
  const conn = this.conn;
  const owner = conn.owner;
  const now = owner.clock.nowUs();
  conn.handshaken = true;
  conn.connectedUs = now;
  owner.recorder.socketOpened(now, now - conn.connectStartUs);
}

/** TLS handshake done: timed from the TCP connect, counted full or resumed; the queued requests go out in one write. */
function onSecureConnect(this: TlsConnSocket): void {
  const conn = this.conn;
  const owner = conn.owner;
  const recorder = owner.recorder;
  const now = owner.clock.nowUs();
  recorder.tlsSecured(now - conn.connectedUs, this.isSessionReused());
  if (recorder.wantsTlsSession) recorder.noteTlsSession(sessionInfo(this));
  conn.connected = true;
  conn.connectedUs = now;
  conn.backoffMs = 0;
  owner.connected(now);
  if (conn.inflight > 0) {
    recorder.requestsSent(conn.inflight);
    this.write(owner.requestSlices[conn.inflight]!);
  }
}

function onSession(this: TlsConnSocket, session: Buffer): void {
  this.dialer.session = session;
}

function onData(this: TlsConnSocket, chunk: Buffer): void {
  readResponses(this.conn, chunk.length, chunk);
}

/**
 * Before the TCP connect: a socket error (refused, unreachable). Between the TCP connect and the end of the TLS
 * handshake: a TLS failure, H1B_TLS_VERIFY for a certificate we refused, else H1B_TLS_HANDSHAKE; the reason keeps
 * the TLS stack's code (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_SSL_…). After: as on a plain socket.
 */
function onTlsError(this: TlsConnSocket, err: NodeJS.ErrnoException): void {
  const conn = this.conn;
  if (conn.errorCode !== null) return;
  const inHandshake = conn.handshaken && !conn.connected;
  conn.errorCode = inHandshake ? classifyTlsError(err) : classifySocketError(err);
  conn.errorReason = inHandshake && err.code !== undefined ? `${err.code}: ${err.message}` : err.message;
  conn.noteLocal();
}

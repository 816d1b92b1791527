// HTTPS for the native transports: a TLSSocket per connection (a TLS socket cannot be reconnected like the plain
// one), its listeners attached once per socket as module-level functions, TCP and TLS handshakes timed and counted.

import type { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity as tlsCheck, connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { classifySocketError, classifyTlsError } from '../../errors.js';
import type { LoadTls } from '../engine.js';
import { clientSecureContext, sessionInfo, tlsConnectOptions } from '../tls-context.js';
import type { ClientConnection, Dialer, SlotSocket } from './connection.js';
import { onClose, onEnd, onFinish, readResponses } from './socket-events.js';

/** One read buffer for every TLS socket of the process: onread parses synchronously, so no read outlives its call. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A kept session older than this is replaced by the next connection's (tickets live minutes: nginx 5, OpenSSL 120). */
const SESSION_REFRESH_US = 60_000_000;

/**
 * The TLS side of one load: the connect options every connection shares (one SecureContext, SNI, ALPN,
 * verification) and, with resumption on, the session the load keeps.
 *
 * Resumption rule, as a browser does it: a connection offers the session the load keeps (a TLS 1.2 ticket or
 * session ID, a TLS 1.3 PSK ticket) when it starts connecting; a load starts with none. The kept session is the
 * latest one received by a connection that listens for sessions: every connection while none is kept, while the
 * kept one is more than 60 s old, or while the server speaks TLS 1.2 (its ticket comes inside the handshake); over
 * TLS 1.3 also every connection whose handshake was full after all (its ticket was refused). A TLS 1.3 connection
 * that resumed does not listen: node serialises every ticket it receives for a listener (two per connection from
 * OpenSSL servers), a tenth of a resumed connection's CPU, and the kept ticket is still good. Tickets are reused,
 * not spent once: servers that issue stateless tickets (nginx, node, OpenSSL's default) accept a ticket again.
 * So in 1.0 mode with -c N: exactly N full handshakes (the first connections, opened before any ticket arrived),
 * then every connection resumes while the server accepts the ticket.
 */
export class TlsDialer {
  /** Shared by every tls.connect of the load (tls.connect copies its options). */
  readonly options: ConnectionOptions & { host: string; port: number; localAddress?: string };
  readonly resume: boolean;
  session: Buffer | null = null;
  /** When the kept session arrived (µs, the load's clock). */
  sessionAtUs = 0;
  /** The last handshake of the load negotiated TLS 1.3 (post-handshake tickets); false until one did. */
  tls13 = false;

  constructor(tls: LoadTls, host: string, port: number) {
    this.options = {
      ...tlsConnectOptions(tls, clientSecureContext(tls)),
      host,
      port,
      checkServerIdentity: identityCheck(tls.verifyName),
      // Decrypted bytes go straight to the parser, as on the plain socket: no Buffer and no 'data' event per read
      // (tls.connect documents `onread` like net.Socket's).
      onread: { buffer: READ_BUFFER, callback: onTlsRead },
    } as ConnectionOptions & { host: string; port: number };
    this.resume = tls.resume;
  }

  /** A connection starting at `nowUs` listens for sessions from its start (see the rule above). */
  listensFromStart(nowUs: number): boolean {
    return this.resume && (this.session === null || !this.tls13 || nowUs - this.sessionAtUs > SESSION_REFRESH_US);
  }
}

/**
 * Our state on the socket; `setSession` is documented (tlsSocket.setSession) but missing from @types/node 20.
 * `listening`: a 'session' listener is attached (node enables its session callbacks only for a listener).
 */
type TlsConnSocket = TLSSocket & SlotSocket & { dialer: TlsDialer; listening: boolean; setSession(session: Buffer): void };

/** A Dialer for `dialer`'s load: one new TLSSocket per connection. */
export function tlsDial(dialer: TlsDialer): Dialer {
  return function dialTls(conn: ClientConnection): Socket {
    // --source: this connection's local address (tls.connect copies its options, so setting it here is per call).
    const options = dialer.options;
    const localAddress = conn.owner.nextLocalAddress?.() ?? null;
    if (localAddress !== null) options.localAddress = localAddress;
    const socket = connect(options) as TlsConnSocket;
    // The session is set here rather than passed as `session`: given as an option, node parses it twice (in
    // TLSSocket._init and again in tls.connect), and d2i_SSL_SESSION was a fifth of a resumed connection's CPU.
    // The ClientHello is built only once the TCP connect completes, so it still offers the session.
    if (dialer.session !== null) socket.setSession(dialer.session);
    socket.conn = conn;
    socket.dialer = dialer;
    socket.getPeerCertificate = peerCertificateForIdentity as TLSSocket['getPeerCertificate'];
    // Always: the client Finished and the first request are separate writes, Nagle would hold the request back.
    socket.setNoDelay(true);
    socket.on('connect', onTcpConnect);
    socket.on('secureConnect', onSecureConnect);
    socket.listening = dialer.listensFromStart(conn.connectStartUs);
    if (socket.listening) socket.on('session', onSession);
    socket.on('end', onEnd);
    // Who closed first is kept per socket (see ClientConnection.retire): our half-close counts once it went out.
    socket.on('finish', onFinish);
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
  const reused = this.isSessionReused();
  recorder.tlsSecured(now - conn.connectedUs, reused);
  if (recorder.wantsTlsSession) recorder.noteTlsSession(sessionInfo(this));
  const dialer = this.dialer;
  dialer.tls13 = this.getProtocol() === 'TLSv1.3';
  // TLS 1.3 tickets come after the handshake: a full handshake over a kept ticket (refused) still gets a new one.
  if (dialer.resume && !this.listening && !reused) {
    this.listening = true;
    this.on('session', onSession);
  }
  conn.connected = true;
  conn.connectedUs = now;
  conn.backoffMs = 0;
  owner.connected(conn, now);
  if (conn.inflight > 0) conn.writeQueued(this);
}

function onSession(this: TlsConnSocket, session: Buffer): void {
  const dialer = this.dialer;
  dialer.session = session;
  dialer.sessionAtUs = this.conn.owner.clock.nowUs();
}

function onTlsRead(this: TlsConnSocket, nread: number, buf: Buffer): boolean {
  return readResponses(this, nread, buf);
}

/**
 * Before the TCP connect: a socket error (refused, unreachable). Between the TCP connect and the end of the TLS
 * handshake: a TLS failure, H1B_TLS_VERIFY for a certificate we refused, else H1B_TLS_HANDSHAKE; the reason keeps
 * the TLS stack's code (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_SSL_…). After: as on a plain socket.
 */
function onTlsError(this: TlsConnSocket, err: NodeJS.ErrnoException): void {
  const conn = this.conn;
  if (classifySocketError(err) === 'H1B_CONNECT_RESET') this.reset = true;
  // A socket the slot has moved on from (closing after its last response) fails nothing of the slot's.
  if (conn.socket !== this || conn.errorCode !== null) return;
  const inHandshake = conn.handshaken && !conn.connected;
  conn.errorCode = inHandshake ? classifyTlsError(err) : classifySocketError(err);
  conn.errorReason = inHandshake && err.code !== undefined ? `${err.code}: ${err.message}` : err.message;
  conn.noteLocal();
}

/**
 * The server's identity, checked by OpenSSL (X509_check_host / X509_check_ip through X509Certificate.checkHost and
 * checkIP: RFC 6125 matching, subject CN only without DNS names, wildcards in the left-most label) instead of by
 * tls.checkServerIdentity on the object getPeerCertificate(true) builds. node calls `this.getPeerCertificate(true)`
 * after every full handshake only to hand it to checkServerIdentity (_tls_wrap.js onConnectSecure), and turning
 * the whole chain into JS objects was a quarter of the native engine's CPU in a 1.0 run over TLS. So each socket
 * answers that call with a stand-in carrying the peer's X509Certificate, and this check reads it. Anything else
 * (a node that passes a real PeerCertificate) falls back to node's own check. Resumed sessions are not checked
 * again, as node does not: their identity was checked when the session was made.
 */
function identityCheck(name: string): (host: string, cert: PeerCertificate) => Error | undefined {
  const ip = isIP(name) !== 0;
  return (_host, cert) => {
    const x509 = (cert as Partial<IdentityStandIn>).x509;
    if (x509 === undefined) return tlsCheck(name, cert);
    const matched = ip ? x509.checkIP(name) : x509.checkHost(name);
    if (matched !== undefined) return undefined;
    const error = new Error(`Hostname/IP does not match certificate's altnames: ${ip ? 'IP' : 'Host'}: ${name} is not in the cert's altnames: ${x509.subjectAltName ?? 'none'}`) as NodeJS.ErrnoException;
    error.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
    return error;
  };
}

interface IdentityStandIn {
  readonly x509: X509Certificate;
}

/** Installed on each native TLS socket: see identityCheck. */
function peerCertificateForIdentity(this: TLSSocket): PeerCertificate {
  const x509 = this.getPeerX509Certificate();
  return (x509 === undefined ? {} : { x509 }) as unknown as PeerCertificate;
}

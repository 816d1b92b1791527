// HTTPS: the same Connection over node:tls; counts TCP accepts and handshakes (full, resumed, failed), bounds handshakes.
//
// Every accepted TCP socket ends in exactly one of two node:tls events: 'secureConnection' (the handshake completed:
// counted full or resumed, then served by a Connection like a plain socket) or 'tlsClientError' (failed, timed out,
// or closed before completing: counted failed, destroyed). node emits the latter at most once per socket and never
// after the former (_tls_wrap.js: kErrorEmitted, _controlReleased).

import { constants } from 'node:crypto';
import type { Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { H1Error } from '../errors.js';
import type { ServerTlsConfig } from '../types.js';
import { Connection } from './connection.js';
import type { ServerContext } from './context.js';
import type { TlsIdentity } from './tls-identity.js';

/** RFC 7301: the one protocol we speak (HTTP/1.0 has no ALPN id; 1.0 clients simply send no ALPN). */
const ALPN_PROTOCOLS = ['http/1.1'];
/** Ticket lifetime in seconds: nginx's default `ssl_session_timeout 5m`, also OpenSSL's default. */
const SESSION_TIMEOUT_S = 300;

const kServer = Symbol('h1bench.tlsServer');

/** A node:tls server carrying our context and the TCP sockets it has accepted and not yet seen close. */
export interface TlsServer extends Server {
  ctx: ServerContext;
  readonly tcpSockets: Set<Socket>;
}

type TcpSocket = Socket & { [kServer]: TlsServer };

// Listeners: module-level functions attached once per server or per socket; state lives on the server and socket.
function onTcpAccept(this: TlsServer, socket: Socket): void {
  // Runs after node:tls's own 'connection' listener has wrapped the socket in a TLSSocket (registered first).
  const ctx = this.ctx;
  ctx.stats.accepted++;
  if (ctx.events.wants.accepted) ctx.events.emit('accepted');
  ctx.stats.open++;
  if (ctx.config.tcpKeepAliveMs > 0) socket.setKeepAlive(true, ctx.config.tcpKeepAliveMs);
  (socket as TcpSocket)[kServer] = this;
  this.tcpSockets.add(socket);
  socket.on('close', onTcpClose);
}

function onTcpClose(this: TcpSocket): void {
  this[kServer].tcpSockets.delete(this);
}

function onSecureConnection(this: TlsServer, socket: TLSSocket): void {
  const ctx = this.ctx;
  const tls = ctx.stats.tls!;
  if (socket.isSessionReused()) tls.resumed++;
  else tls.full++;
  // Half-open from here on, as on the plain server: a client's FIN must not cut off answers to what it sent. Set
  // now (node reads the property when 'end' comes) rather than on the server, so that a FIN in mid-handshake
  // ends the socket and fails the handshake at once instead of leaving it half-open until the deadline.
  socket.allowHalfOpen = true;
  const conn = new Connection(socket, ctx);
  ctx.connections.add(conn);
  // Completed during a graceful shutdown: idle, so closed like every connection that was idle when it began.
  if (ctx.shuttingDown) conn.closeIfIdle();
}

function onTlsClientError(this: TlsServer, err: NodeJS.ErrnoException, socket: TLSSocket): void {
  const ctx = this.ctx;
  ctx.stats.open--;
  const code = err.code ?? 'unknown';
  ctx.stats.tls!.countFailure(code);
  if (ctx.events.wants.tlsFailed) ctx.events.emit('tlsFailed', code);
  ctx.events.afterClose(ctx.stats.open);
  // node destroys the socket on protocol errors but not on ERR_TLS_HANDSHAKE_TIMEOUT; destroy() is idempotent.
  socket.destroy();
}

/**
 * A node:tls server whose sockets become Connections once their handshake completes.
 *
 * - TLS 1.2 and 1.3 (`minVersion: 'TLSv1.2'`), ALPN `http/1.1` (RFC 7301); node answers a client that offers
 *   ALPN protocols but not http/1.1 with a fatal `no_application_protocol` alert (counted failed).
 * - Resumption, as nginx by default: session tickets on (stateless, keys random per process, 300 s lifetime), no
 *   session-ID cache (nginx `ssl_session_cache none`; node's server cache is external-only and we register no
 *   `newSession`/`resumeSession` listener). `tls.sessionTickets = false` sets SSL_OP_NO_TICKET: no TLS 1.2 ticket is
 *   issued, and TLS 1.3 tickets become stateful ones that no cache can resolve, so every handshake is full in both
 *   versions (OpenSSL still sends those TLS 1.3 tickets; node exposes no SSL_CTX_set_num_tickets).
 * - Handshake deadline: `headersTimeoutMs` from accept (node's `handshakeTimeout`; a fixed timer, not extended by
 *   bytes that trickle in), then `tlsClientError` ERR_TLS_HANDSHAKE_TIMEOUT. The Connection's own headers deadline
 *   starts when the handshake completes.
 * - TCP_NODELAY always: a TLS connection carries several writes even in close mode (TLS 1.3 sends its tickets just
 *   before the first response), and Nagle would hold the response behind them until the peer's delayed ACK.
 *
 * @throws H1Error H1B_TLS_CONFIG when node:tls refuses the certificate or key (e.g. a key type OpenSSL cannot use).
 */
export function createTlsServer(ctx: ServerContext, identity: TlsIdentity, config: ServerTlsConfig): TlsServer {
  let server: Server;
  try {
    server = createServer({
      allowHalfOpen: false, // until the handshake completes (onSecureConnection)
      noDelay: true,
      cert: identity.certificatePem,
      key: identity.keyPem,
      minVersion: 'TLSv1.2',
      ALPNProtocols: ALPN_PROTOCOLS,
      secureOptions: config.sessionTickets ? 0 : constants.SSL_OP_NO_TICKET,
      sessionTimeout: SESSION_TIMEOUT_S,
      // node treats 0 as "default" (120 s); the plain server's 0 means "at once", the nearest is 1 ms.
      handshakeTimeout: Math.max(1, ctx.config.headersTimeoutMs),
    });
  } catch (error) {
    throw new H1Error('H1B_TLS_CONFIG', `node:tls refused the certificate or key ${identity.origin} (${(error as Error).message})`, { cause: error });
  }
  const tlsServer = Object.assign(server, { ctx, tcpSockets: new Set<Socket>() });
  tlsServer.on('connection', onTcpAccept);
  tlsServer.on('secureConnection', onSecureConnection);
  tlsServer.on('tlsClientError', onTlsClientError);
  return tlsServer;
}

/** Shutdown grace expired: drop the TCP sockets still open, including those still in their handshake. */
export function dropTlsSockets(server: TlsServer): void {
  for (const socket of server.tcpSockets) socket.destroy();
}

// The embedded HTTP/1.x target: listen on raw node:net (or node:tls) sockets, hand each to a Connection, shut down gracefully.

import { createServer, type Server, type Socket } from 'node:net';
import { monotonicClock, systemTimers, type Clock, type IntervalHandle, type Timers } from '../clock.js';
import { H1Error } from '../errors.js';
import { DateCache } from '../http/date-cache.js';
import { ConnectionHeaders, StaticResponse } from '../http/response-writer.js';
import type { ServerStats } from '../measurements.js';
import type { ServerConfig } from '../types.js';
import { Connection } from './connection.js';
import type { ServerContext } from './context.js';
import { startDeadlineSweep } from './deadlines.js';
import { DEFAULT_WAIT_MS, ServerEvents, type ServerEventMap, type ServerEventName, type ServerListener } from './events.js';
import { PLUGINS, type PluginFactory, type ServerPlugin } from './plugins.js';
import { RouteTable } from './routes.js';
import { StatsCounters } from './stats.js';
import { loadTlsIdentity, type TlsCertificateInfo } from './tls-identity.js';
import { createTlsServer, dropTlsSockets, type TlsServer } from './tls-listener.js';

export type { ServerContext } from './context.js';
export type { Connection } from './connection.js';
export type { ServerConnection } from './contracts.js';
export type { Route, RouteHandler } from './routes.js';
export type { ServerPlugin, PluginFactory } from './plugins.js';
export type { CloseKind } from '../metrics/counters.js';
export type { TlsCertificateInfo } from './tls-identity.js';
export type { ServerEventMap, ServerEventName, ServerListener } from './events.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234/, or https://127.0.0.1:41234/ with TLS */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The served certificate (PEM, fingerprint) when serving HTTPS; null for plain HTTP. */
  readonly tls: TlsCertificateInfo | null;
  stats(): ServerStats;
  /**
   * Listen to what the server does: `connection`, `data`, `request`, `response`, `closed` (with who closed first),
   * `idle` (no connection open) and `liveness` (see ServerEventMap). Listeners run synchronously on the server's
   * path and must not throw; with none attached an event costs one branch.
   */
  on<K extends ServerEventName>(event: K, listener: ServerListener<K>): void;
  off<K extends ServerEventName>(event: K, listener: ServerListener<K>): void;
  /**
   * The arguments of the next `event` that `predicate` accepts (the predicate sees each one, so it may count);
   * rejects with H1B_TIMEOUT after `timeoutMs` (default 10 s) so a test fails instead of hanging. Attach it before
   * causing the event.
   */
  waitFor<K extends ServerEventName>(event: K, predicate?: (...args: ServerEventMap[K]) => boolean, timeoutMs?: number): Promise<ServerEventMap[K]>;
  /** Resolves once no connection is open (at once if none is); rejects with H1B_TIMEOUT after `timeoutMs`. */
  whenIdle(timeoutMs?: number): Promise<void>;
  /** Stop accepting, close idle connections, let in-flight answers finish for up to graceMs, then drop the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Test seams; production callers pass only the config. */
export interface StartOptions {
  readonly clock?: Clock;
  /** Timers of the deadline sweep; pass ManualTimers over the same ManualClock to drive timeouts by hand. */
  readonly timers?: Timers;
  /** Route modules loaded after the built-in ones, so their exact paths replace built-in ones (a cluster worker's /stats). */
  readonly plugins?: readonly PluginFactory[];
}

/** The text of `/` for a body of `size` bytes: "Hello, World!" repeated and cut to size. */
function rootBody(size: number): Buffer {
  const unit = 'Hello, World!';
  return Buffer.from(unit.repeat(Math.ceil(size / unit.length) || 0).slice(0, size), 'latin1');
}

function onConnection(this: Server & { ctx: ServerContext }, socket: Socket): void {
  const ctx = this.ctx;
  ctx.stats.accepted++;
  if (ctx.events.wants.accepted) ctx.events.emit('accepted');
  ctx.stats.open++;
  if (ctx.config.tcpKeepAliveMs > 0) socket.setKeepAlive(true, ctx.config.tcpKeepAliveMs);
  ctx.connections.add(new Connection(socket, ctx));
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Start the embedded server on `config.host:config.port` (0 = a free port).
 * With `config.tls`, the certificate is loaded or generated (and `certOut` written) before listening, and the
 * server speaks HTTPS (see tls-listener.ts); the choice is made here, once, so the plain path is unchanged.
 *
 * @throws H1Error H1B_LISTEN_FAILED when the address cannot be bound; H1B_TLS_CONFIG for unusable TLS files.
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const identity = config.tls ? await loadTlsIdentity(config.tls) : null;
  const dates = new DateCache();
  dates.get(Date.now());
  const connectionHeaders = new ConnectionHeaders(config.keepAliveTimeoutMs);
  const notFound = new StaticResponse(404, 'text/plain', Buffer.from('Not Found\n', 'latin1'), connectionHeaders, dates);
  const ctx: ServerContext = {
    config,
    clock: options.clock ?? monotonicClock,
    timers: options.timers ?? systemTimers,
    events: new ServerEvents(),
    stats: new StatsCounters(identity !== null),
    dates,
    connectionHeaders,
    // Anything no route matches: one handler per server, reading nothing per request but the response.
    routes: new RouteTable((conn) => conn.sendStatic(notFound)),
    connections: new Set(),
    closeHooks: [],
    root: new StaticResponse(200, 'text/plain', rootBody(config.bodySize), connectionHeaders, dates),
    notFound,
    shuttingDown: false,
  };
  const plugins: ServerPlugin[] = [...PLUGINS, ...(options.plugins ?? [])].map((factory) => factory(ctx));
  for (const plugin of plugins) {
    for (const route of plugin.routes ?? []) ctx.routes.add(route);
    if (plugin.onConnectionClose) ctx.closeHooks.push(plugin.onConnectionClose.bind(plugin));
  }

  // allowHalfOpen: a client's FIN must not cut off answers to requests it already sent (we end after them).
  // noDelay only where a connection carries several writes (pipelined batches must not wait on Nagle + delayed
  // ACK); in close mode each connection sees one write then FIN, so the setsockopt per accept is saved. TLS sets
  // both itself (tls-listener.ts). Plain or TLS is decided here, once: the per-socket and per-request paths are shared.
  let server: Server;
  let tlsServer: TlsServer | null = null;
  if (identity !== null && config.tls) {
    server = tlsServer = createTlsServer(ctx, identity, config.tls);
  } else {
    const plain = createServer({ allowHalfOpen: true, noDelay: config.mode !== 'close' }) as Server & { ctx: ServerContext };
    plain.ctx = ctx;
    plain.on('connection', onConnection);
    server = plain;
  }
  await new Promise<void>((resolve, reject) => {
    const onListenError = (err: NodeJS.ErrnoException): void => {
      reject(new H1Error('H1B_LISTEN_FAILED', `cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`, { cause: err }));
    };
    server.once('error', onListenError);
    server.listen({ host: config.host, port: config.port, backlog: 4096 }, () => {
      server.off('error', onListenError);
      resolve();
    });
  });
  // After listening, accept errors (EMFILE, ENFILE) must not crash the process; the kernel retries the backlog.
  server.on('error', () => {
    ctx.stats.acceptErrors++;
  });
  const sweep = startDeadlineSweep(ctx);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  let closing: Promise<void> | null = null;

  return {
    url: `${tlsServer === null ? 'http' : 'https'}://${urlHost(config.host)}:${port}/`,
    port,
    host: config.host,
    tls:
      identity === null
        ? null
        : { certificatePem: identity.certificatePem, fingerprint256: identity.fingerprint256, origin: identity.origin, selfSigned: identity.selfSigned },
    stats: () => ctx.stats.snapshot(),
    on: (event, listener) => ctx.events.on(event, listener),
    off: (event, listener) => ctx.events.off(event, listener),
    waitFor: (event, predicate, timeoutMs) => ctx.events.waitFor(event, predicate, timeoutMs),
    async whenIdle(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
      if (ctx.stats.open > 0) await ctx.events.waitFor('idle', undefined, timeoutMs);
    },
    close(graceMs = config.shutdownGraceMs): Promise<void> {
      closing ??= shutdown(server, tlsServer, ctx, sweep, plugins, graceMs);
      return closing;
    },
  };
}

async function shutdown(
  server: Server,
  tlsServer: TlsServer | null,
  ctx: ServerContext,
  sweep: IntervalHandle,
  plugins: ServerPlugin[],
  graceMs: number,
): Promise<void> {
  ctx.shuttingDown = true;
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const conn of ctx.connections) conn.closeIfIdle();
  // Bounded wait for in-flight answers; then drop whatever is left so close() always settles.
  // A TLS socket still in its handshake is no Connection yet: it completes (and is closed as idle), fails, or is
  // dropped here with the rest.
  const grace = setTimeout(() => {
    for (const conn of ctx.connections) conn.destroy();
    if (tlsServer !== null) dropTlsSockets(tlsServer);
  }, graceMs);
  await stopped;
  // net.Server reports 'close' from the sockets' _destroy, a tick before their 'close' events update our counters:
  // wait for the close that leaves none open. Unbounded on purpose: the grace timer destroys every socket, and a
  // destroyed socket always emits 'close'.
  if (ctx.stats.open > 0) await new Promise<void>((resolve) => ctx.events.once('idle', resolve));
  clearTimeout(grace);
  ctx.timers.clearInterval(sweep);
  for (const plugin of plugins) plugin.close?.();
}

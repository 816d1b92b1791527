// The embedded HTTP/1.x target: listen on raw node:net sockets, hand each to a Connection, shut down gracefully.

import { createServer, type Server, type Socket } from 'node:net';
import { monotonicClock, type Clock } from '../clock.js';
import { H1Error } from '../errors.js';
import { DateCache } from '../http/date-cache.js';
import { ConnectionHeaders, StaticResponse } from '../http/response-writer.js';
import type { ServerStats } from '../measurements.js';
import type { ServerConfig } from '../types.js';
import { notFound } from './builtin-routes.js';
import { Connection } from './connection.js';
import type { ServerContext } from './context.js';
import { startDeadlineSweep } from './deadlines.js';
import { PLUGINS, type ServerPlugin } from './plugins.js';
import { RouteTable } from './routes.js';
import { StatsCounters } from './stats.js';

export type { ServerContext } from './context.js';
export type { Connection } from './connection.js';
export type { Route, RouteHandler } from './routes.js';
export type { ServerPlugin, PluginFactory } from './plugins.js';
export type { CloseKind } from './stats.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  stats(): ServerStats;
  /** Stop accepting, close idle connections, let in-flight answers finish for up to graceMs, then drop the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Test seams; production callers pass only the config. */
export interface StartOptions {
  readonly clock?: Clock;
}

/** The text of `/` for a body of `size` bytes: "Hello, World!" repeated and cut to size. */
function rootBody(size: number): Buffer {
  const unit = 'Hello, World!';
  return Buffer.from(unit.repeat(Math.ceil(size / unit.length) || 0).slice(0, size), 'latin1');
}

function onConnection(this: Server & { ctx: ServerContext }, socket: Socket): void {
  const ctx = this.ctx;
  ctx.stats.accepted++;
  ctx.stats.open++;
  if (ctx.config.tcpKeepAliveMs > 0) socket.setKeepAlive(true, ctx.config.tcpKeepAliveMs);
  ctx.connections.add(new Connection(socket, ctx));
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const dates = new DateCache();
  dates.get(Date.now());
  const connectionHeaders = new ConnectionHeaders(config.keepAliveTimeoutMs);
  const ctx: ServerContext = {
    config,
    clock: options.clock ?? monotonicClock,
    stats: new StatsCounters(),
    dates,
    connectionHeaders,
    routes: new RouteTable(notFound),
    connections: new Set(),
    closeHooks: [],
    root: new StaticResponse(200, 'text/plain', rootBody(config.bodySize), connectionHeaders, dates),
    notFound: new StaticResponse(404, 'text/plain', Buffer.from('Not Found\n', 'latin1'), connectionHeaders, dates),
    shuttingDown: false,
  };
  const plugins: ServerPlugin[] = PLUGINS.map((factory) => factory(ctx));
  for (const plugin of plugins) {
    for (const route of plugin.routes ?? []) ctx.routes.add(route);
    if (plugin.onConnectionClose) ctx.closeHooks.push(plugin.onConnectionClose.bind(plugin));
  }

  // allowHalfOpen: a client's FIN must not cut off answers to requests it already sent (we end after them).
  // noDelay only where a connection carries several writes (pipelined batches must not wait on Nagle + delayed
  // ACK); in close mode each connection sees one write then FIN, so the setsockopt per accept is saved.
  const noDelay = config.mode !== 'close';
  const server = createServer({ allowHalfOpen: true, noDelay }) as Server & { ctx: ServerContext };
  server.ctx = ctx;
  server.on('connection', onConnection);
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
    url: `http://${urlHost(config.host)}:${port}/`,
    port,
    host: config.host,
    stats: () => ctx.stats.snapshot(),
    close(graceMs = config.shutdownGraceMs): Promise<void> {
      closing ??= shutdown(server, ctx, sweep, plugins, graceMs);
      return closing;
    },
  };
}

async function shutdown(server: Server, ctx: ServerContext, sweep: NodeJS.Timeout, plugins: ServerPlugin[], graceMs: number): Promise<void> {
  ctx.shuttingDown = true;
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const conn of ctx.connections) conn.closeIfIdle();
  // Bounded wait for in-flight answers; then drop whatever is left so close() always settles.
  const grace = setTimeout(() => {
    for (const conn of ctx.connections) conn.destroy();
  }, graceMs);
  await stopped;
  // net.Server reports 'close' from the sockets' _destroy, a tick before their 'close' events update our counters.
  while (ctx.connections.size > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  clearTimeout(grace);
  clearInterval(sweep);
  for (const plugin of plugins) plugin.close?.();
}

// The route modules every server instance loads; a new feature adds one module and one line here.

import { builtinRoutes } from './builtin-routes.js';
import { heartbeatRoutes } from './heartbeat-routes.js';
import type { ServerContext } from './context.js';
import type { Connection } from './connection.js';
import type { Route } from './routes.js';
import type { CloseKind } from './stats.js';

/** What a module contributes to one server instance. */
export interface ServerPlugin {
  readonly routes?: readonly Route[];
  /** A connection has closed: 'server' (we sent FIN first), 'client' (its FIN came first) or 'reset' (RST). */
  onConnectionClose?(conn: Connection, kind: CloseKind): void;
  /** The server is shutting down (clear timers, flush logs). */
  close?(): void;
}

/** Called once per server instance, so a plugin keeps its state per server, not per process. */
export type PluginFactory = (ctx: ServerContext) => ServerPlugin;

export const PLUGINS: readonly PluginFactory[] = [builtinRoutes, heartbeatRoutes];

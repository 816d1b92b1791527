// The route modules every server instance loads; a new feature adds one module and one line here.

import { builtinRoutes } from './builtin-routes.js';
import { heartbeatRoutes } from './heartbeat-routes.js';
import type { ServerContext } from './context.js';
import type { ServerPlugin } from './contracts.js';

export type { ServerPlugin } from './contracts.js';

/** Called once per server instance, so a plugin keeps its state per server, not per process. */
export type PluginFactory = (ctx: ServerContext) => ServerPlugin;

export const PLUGINS: readonly PluginFactory[] = [builtinRoutes, heartbeatRoutes];

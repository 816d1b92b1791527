// Per-server shared state handed to connections and routes: config, clock, counters, pre-serialized responses.

import type { Clock, Timers } from '../clock.js';
import type { DateCache } from '../http/date-cache.js';
import type { ConnectionHeaders, StaticResponse } from '../http/response-writer.js';
import type { ServerConfig } from '../types.js';
import type { CloseKind } from '../metrics/counters.js';
import type { ServerConnection } from './contracts.js';
import type { ServerEvents } from './events.js';
import type { RouteTable } from './routes.js';
import type { StatsCounters } from './stats.js';

export interface ServerContext {
  readonly config: ServerConfig;
  readonly clock: Clock;
  /** Drives the deadline sweep (injectable with the clock, so timeout tests move time by hand). */
  readonly timers: Timers;
  /** Listeners for what happens (see events.ts); emitting sites check `events.wants.<event>` first. */
  readonly events: ServerEvents;
  readonly stats: StatsCounters;
  readonly dates: DateCache;
  readonly connectionHeaders: ConnectionHeaders;
  readonly routes: RouteTable;
  /** Open connections (the timeout sweep and graceful shutdown walk it). */
  readonly connections: Set<ServerConnection>;
  /** Called once per connection when its socket has closed, with who closed it first. */
  readonly closeHooks: Array<(conn: ServerConnection, kind: CloseKind) => void>;
  /** The fixed `/` response (body of config.bodySize bytes). */
  readonly root: StaticResponse;
  readonly notFound: StaticResponse;
  /** Set by close(): every further response carries `Connection: close`. */
  shuttingDown: boolean;
}

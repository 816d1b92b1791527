// Opens a run's target: the given --url or an embedded server child started in the mode the run needs, resolved
// once and probed (runner/resolve.ts) before any load, so every engine connects to the one address that accepted.

import { isIP } from 'node:net';
import type { LoadTarget } from '../client/engine.js';
import type { ResolvedTarget } from '../report/build.js';
import type { ClientMode, ResolvePin, RunConfig, ServerMode } from '../types.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server.js';
import { locateTarget, systemLookup, type Located, type LookupAll } from './resolve.js';
import { StatsProbe } from './stats-probe.js';

/** What to load: a URL, or the embedded server in a mode with extra `bench serve` flags. */
export interface TargetSpec {
  /** Absolute URL of a running server; null = start the embedded one. */
  readonly url: string | null;
  /** Embedded server mode (ignored with a URL). */
  readonly serverMode: ServerMode;
  /** Extra `bench serve` flags for the embedded server (e.g. `--heartbeat-timeout 3000ms`). */
  readonly serverArgs?: readonly string[];
  /** Start the embedded server over HTTPS (`--tls`) and trust its certificate (ignored with a URL). */
  readonly tls?: boolean;
  /** `--resolve` pins for the URL's host. */
  readonly resolve?: readonly ResolvePin[];
  /** When no address accepts the probe: fail (default), or load the first anyway (`bench trace` draws the refusal). */
  readonly unreachable?: 'throw' | 'first';
  /** `--source` binds connections to addresses of this family: only the target's addresses of that family are probed. */
  readonly family?: 4 | 6;
}

/** How a target is reached; the resolver is injectable so tests can answer ::1 before 127.0.0.1. */
export interface OpenOptions {
  readonly lookup?: LookupAll;
}

export interface ActiveTarget {
  readonly url: URL;
  /** Port whose TIME_WAIT sockets are counted. */
  readonly port: number;
  /** The resolution and the address that accepted the probe: what every engine connects to. */
  readonly located: Located;
  /** PEM certificate to trust in addition to --ca (the embedded TLS server's own); null otherwise. */
  readonly ca: string | null;
  readonly serverMode: ServerMode | null;
  /** The child we started (null for --url targets); its PID gives server CPU and RSS. */
  readonly server: EmbeddedServer | null;
  /** /stats reader for the embedded server; null for other servers (their stats are unknown). */
  readonly probe: StatsProbe | null;
  /** Stop the probe connection and the child; idempotent. */
  release(): Promise<void>;
}

/** `close` for HTTP/1.0 (the server must close to delimit), keep-alive otherwise. */
export function defaultServerMode(mode: ClientMode): ServerMode {
  return mode === '1.0' ? 'close' : 'keep-alive';
}

/** The default port of the URL's scheme when it names none. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** The target a run config asks for (a 1.0 run asking for keep-alive gets a server that can grant it). */
export function targetSpecFor(config: RunConfig): TargetSpec {
  const serverWorkers = config.serverWorkers ?? 1;
  return {
    url: config.url,
    serverMode: config.serverMode ?? (config.keepAlive ? 'keep-alive' : defaultServerMode(config.mode)),
    // --server-workers: the embedded server runs as a cluster (server/cluster.ts); /stats still sums every worker.
    ...(serverWorkers > 1 ? { serverArgs: ['--workers', String(serverWorkers)] } : {}),
    tls: config.url === null && config.tls !== null,
    resolve: config.resolve,
    ...(config.source?.[0] !== undefined ? { family: isIP(config.source[0]) === 6 ? (6 as const) : (4 as const) } : {}),
  };
}

/**
 * The location of a target whose URL names an IP literal, without a probe: for a server another process started and
 * reported as up (an emulated path's far end, path-child-main.ts).
 */
export function literalLocation(url: URL): Located {
  const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const chosen = { address, family: isIP(address) === 6 ? (6 as const) : (4 as const) };
  return { resolution: { host: address, port: portOf(url), addresses: [chosen], lookupMs: 0, source: 'literal' }, chosen, attempts: [] };
}

/** What an engine needs of the target: the URL, the address to connect to, a CA to trust. */
export function loadTargetOf(target: ActiveTarget): LoadTarget {
  return { url: target.url, address: target.located.chosen.address, ca: target.ca };
}

/** How the report names a target: the URL, and the address actually loaded with everything the host resolved to. */
export function describeTarget(target: ActiveTarget): ResolvedTarget {
  const { resolution, chosen } = target.located;
  return {
    url: target.url.href,
    embedded: target.server !== null,
    serverMode: target.serverMode,
    port: target.port,
    address: chosen.address,
    family: chosen.family,
    resolved: { addresses: resolution.addresses.map((a) => ({ ...a })), lookupMs: resolution.lookupMs, source: resolution.source },
  };
}

/**
 * Start (or just name) the target, resolve its host once and probe its addresses in order.
 * @throws H1Error H1B_SERVER_SPAWN_FAILED when the embedded server does not come up, H1B_RESOLVE_FAILED when the
 *   host does not resolve, H1B_CONNECT_REFUSED (naming every address tried) when none accepts a connection.
 */
export async function openTarget(spec: TargetSpec, options: OpenOptions = {}): Promise<ActiveTarget> {
  const lookup = options.lookup ?? systemLookup;
  if (spec.url !== null) {
    const url = new URL(spec.url);
    const located = await locateTarget(url, portOf(url), spec.resolve ?? [], lookup, spec.unreachable ?? 'throw', spec.family);
    return { url, port: portOf(url), located, ca: null, serverMode: null, server: null, probe: null, release: async () => {} };
  }
  const server = await startEmbeddedServer(spec.serverMode, spec.serverArgs ?? [], { tls: spec.tls === true });
  const probe = new StatsProbe(server.url, server.ca);
  let released: Promise<void> | null = null;
  const release = (): Promise<void> => (released ??= probe.close().finally(() => server.stop()));
  try {
    const located = await locateTarget(server.url, portOf(server.url), [], lookup);
    return { url: server.url, port: portOf(server.url), located, ca: server.ca, serverMode: server.mode, server, probe, release };
  } catch (error) {
    await release();
    throw error;
  }
}

// Resolves a run's target: the given --url, or an embedded server child started in the mode the run needs.

import type { ResolvedTarget } from '../report/build.js';
import type { ClientMode, RunConfig, ServerMode } from '../types.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server.js';
import { StatsProbe } from './stats-probe.js';

/** What to load: a URL, or the embedded server in a mode with extra `bench serve` flags. */
export interface TargetSpec {
  /** Absolute URL of a running server; null = start the embedded one. */
  readonly url: string | null;
  /** Embedded server mode (ignored with a URL). */
  readonly serverMode: ServerMode;
  /** Extra `bench serve` flags for the embedded server (e.g. `--heartbeat-timeout 3000ms`). */
  readonly serverArgs?: readonly string[];
}

export interface ActiveTarget {
  readonly url: URL;
  /** Port whose TIME_WAIT sockets are counted. */
  readonly port: number;
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
  };
}

/** How the report names a target. */
export function describeTarget(target: ActiveTarget): ResolvedTarget {
  return { url: target.url.href, embedded: target.server !== null, serverMode: target.serverMode, port: target.port };
}

/** Start (or just name) the target. Throws H1B_SERVER_SPAWN_FAILED when the embedded server does not come up. */
export async function openTarget(spec: TargetSpec): Promise<ActiveTarget> {
  if (spec.url !== null) {
    const url = new URL(spec.url);
    return { url, port: portOf(url), serverMode: null, server: null, probe: null, release: async () => {} };
  }
  const server = await startEmbeddedServer(spec.serverMode, spec.serverArgs ?? []);
  const probe = new StatsProbe(server.url);
  let released: Promise<void> | null = null;
  return {
    url: server.url,
    port: portOf(server.url),
    serverMode: server.mode,
    server,
    probe,
    release(): Promise<void> {
      released ??= probe.close().finally(() => server.stop());
      return released;
    },
  };
}

// Resolves a run's target: the given --url, or an embedded server child started in the mode the run needs.

import type { ClientMode, RunConfig, ServerMode } from '../types.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server.js';
import { StatsProbe } from './stats-probe.js';

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

export function portOf(url: URL): number {
  return url.port === '' ? 80 : Number(url.port);
}

export async function resolveTarget(config: RunConfig): Promise<ActiveTarget> {
  if (config.url !== null) {
    const url = new URL(config.url);
    return { url, port: portOf(url), serverMode: null, server: null, probe: null, release: async () => {} };
  }
  const server = await startEmbeddedServer(config.serverMode ?? defaultServerMode(config.mode));
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

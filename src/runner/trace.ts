// One live `bench trace`: the target (given or embedded, plain or TLS), tcpdump around a tiny exchange, the
// connections rebuilt.

import { readFile } from 'node:fs/promises';
import { loadTlsFor } from '../client/engine.js';
import { tlsConnectOptions } from '../client/tls-context.js';
import type { ResolvedTarget } from '../report/build.js';
import type { PathConfig, ResolvePin, TlsClientConfig } from '../types.js';
import { analyzeCapture } from '../wire/analyze.js';
import { traceExchange, type LiveTrace } from '../wire/trace.js';
import { errorFrom } from './path-protocol.js';
import { PathSession } from './path-run.js';
import { defaultServerMode, describeTarget, loadTargetOf, openTarget, portOf } from './target.js';

export interface TraceConfig {
  /** A running server; null = the embedded one, in the mode HTTP/`mode` expects. */
  readonly url: string | null;
  readonly mode: '1.0' | '1.1';
  readonly requests: number;
  /** Where tcpdump writes the capture. */
  readonly file: string;
  readonly timeoutMs: number;
  /** TLS client options (an https:// URL, or `--tls` for the embedded server over HTTPS); null = plain. */
  readonly tls?: TlsClientConfig | null;
  readonly resolve?: readonly ResolvePin[];
  /** `--rtt`: trace the embedded server across an emulated path, captured in the client namespace; null or absent = loopback. */
  readonly path?: PathConfig | null;
}

/**
 * Open the target (resolved once; probed, but a target that accepts nothing is traced anyway: its refusal is what
 * the user asked to see), capture the exchange, release the target (always). `onTarget` is called once the target
 * is up, before any traffic, so the caller can say what is being traced.
 */
export async function runTrace(config: TraceConfig, onTarget?: (target: ResolvedTarget) => void, signal?: AbortSignal): Promise<LiveTrace> {
  if (config.path) return traceOnPath(config, config.path, onTarget, signal ?? new AbortController().signal);
  const tlsConfig = config.tls ?? null;
  const target = await openTarget({
    url: config.url,
    serverMode: defaultServerMode(config.mode),
    tls: config.url === null && tlsConfig !== null,
    resolve: config.resolve ?? [],
    unreachable: 'first',
  });
  try {
    onTarget?.(describeTarget(target));
    const where = loadTargetOf(target);
    const tls = loadTlsFor(tlsConfig, where);
    return await traceExchange({
      url: target.url,
      mode: config.mode,
      requests: config.requests,
      file: config.file,
      timeoutMs: config.timeoutMs,
      via: { address: where.address, tls: tls === null ? null : tlsConnectOptions(tls) },
    });
  } finally {
    await target.release();
  }
}

/**
 * The exchange across an emulated path: the server in its server namespace, the exchange and tcpdump (`-i any`) in
 * its client namespace, so the ladder shows the path's real gaps as the client sees them (SYN → SYN-ACK one RTT).
 * The path and everything in it are removed before this resolves.
 */
async function traceOnPath(config: TraceConfig, path: PathConfig, onTarget: ((target: ResolvedTarget) => void) | undefined, signal: AbortSignal): Promise<LiveTrace> {
  const session = await PathSession.open(path);
  try {
    const server = await session.server(defaultServerMode(config.mode));
    onTarget?.({ url: server.url.href, embedded: true, serverMode: server.mode, port: portOf(server.url) });
    const outcome = await session.trace({ url: server.url.href, mode: config.mode, requests: config.requests, file: config.file, timeoutMs: config.timeoutMs }, signal);
    const analysis = analyzeCapture(await readFile(config.file), { serverPort: portOf(server.url) });
    return { exchange: outcome.exchange, failure: outcome.failure ? errorFrom(outcome.failure) : null, capture: outcome.capture, analysis };
  } finally {
    await session.close();
  }
}

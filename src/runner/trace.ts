// One live `bench trace`: the target (given or embedded, plain or TLS), tcpdump around a tiny exchange, the
// connections rebuilt.

import { loadTlsFor } from '../client/engine.js';
import { tlsConnectOptions } from '../client/tls-context.js';
import type { ResolvedTarget } from '../report/build.js';
import type { ResolvePin, TlsClientConfig } from '../types.js';
import { traceExchange, type LiveTrace } from '../wire/trace.js';
import { defaultServerMode, describeTarget, loadTargetOf, openTarget } from './target.js';

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
}

/**
 * Open the target (resolved once; probed, but a target that accepts nothing is traced anyway: its refusal is what
 * the user asked to see), capture the exchange, release the target (always). `onTarget` is called once the target
 * is up, before any traffic, so the caller can say what is being traced.
 */
export async function runTrace(config: TraceConfig, onTarget?: (target: ResolvedTarget) => void): Promise<LiveTrace> {
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

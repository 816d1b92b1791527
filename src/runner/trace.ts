// One live `bench trace`: the target (given or embedded), tcpdump around a tiny exchange, the connections rebuilt.

import { traceExchange, type LiveTrace } from '../wire/trace.js';
import { defaultServerMode, describeTarget, openTarget } from './target.js';
import type { ResolvedTarget } from '../report/build.js';

export interface TraceConfig {
  /** A running server; null = the embedded one, in the mode HTTP/`mode` expects. */
  readonly url: string | null;
  readonly mode: '1.0' | '1.1';
  readonly requests: number;
  /** Where tcpdump writes the capture. */
  readonly file: string;
  readonly timeoutMs: number;
}

/**
 * Open the target, capture the exchange, release the target (always). `onTarget` is called once the target is up,
 * before any traffic, so the caller can say what is being traced.
 */
export async function runTrace(config: TraceConfig, onTarget?: (target: ResolvedTarget) => void): Promise<LiveTrace> {
  const target = await openTarget({ url: config.url, serverMode: defaultServerMode(config.mode) });
  try {
    onTarget?.(describeTarget(target));
    return await traceExchange({ url: target.url, mode: config.mode, requests: config.requests, file: config.file, timeoutMs: config.timeoutMs });
  } finally {
    await target.release();
  }
}

// The messages between a `--workers` load and its generator threads, and a LoadResult in a form that crosses threads.

import type { LoadConfig, LoadProgress } from '../client/engine.js';
import type { LoadResult } from '../measurements.js';
import { decodeHistogram, encodeHistogram } from '../metrics/histogram.js';

/** A LoadConfig that survives structured cloning: the URL as its href. */
export type PortableLoadConfig = Omit<LoadConfig, 'url'> & { readonly url: string };

/** Main thread → worker. */
export type ToWorker =
  /**
   * Run one load (a warm-up or the measured load) on this thread's share, counted from `startAtUs` (monotonic µs,
   * shared by every thread of the load). A thread runs one load at a time and stays for the next.
   */
  | { readonly type: 'run'; readonly config: PortableLoadConfig; readonly startAtUs: number }
  /** Ctrl-C: stop the current load now and send what was measured. */
  | { readonly type: 'abort' };

/** Worker → main thread. */
export type FromWorker =
  /** Modules loaded: ready for its first `run`. */
  | { readonly type: 'ready' }
  /** The current load counted its first response (Engine.firstResponse). */
  | { readonly type: 'first' }
  /**
   * The current load's progress, posted on a timer (every 100 ms while it runs), so progress costs its hot path
   * nothing; the main thread sums the latest of each thread when the CLI asks.
   */
  | { readonly type: 'progress'; readonly progress: LoadProgress }
  /** The load ended; `cpu` is this thread's CPU over it (/proc/thread-self/stat). */
  | { readonly type: 'done'; readonly result: PortableLoadResult; readonly cpu: { readonly userSec: number; readonly systemSec: number } }
  /** The load could not run (an H1Error's code and message, or another error's message). */
  | { readonly type: 'failed'; readonly code: string | null; readonly message: string };

type HistogramFields = 'latency' | 'connect' | 'ttfb' | 'uncorrectedLatency' | 'tls';

/** A LoadResult with its HdrHistograms compressed (base64), the form `bench run` reports keep them in. */
export type PortableLoadResult = Omit<LoadResult, HistogramFields> & {
  readonly latency: string;
  readonly connect: string;
  readonly ttfb: string;
  readonly uncorrectedLatency: string | null;
  readonly tls: (Omit<NonNullable<LoadResult['tls']>, 'handshake'> & { readonly handshake: string }) | null;
};

/** Encode a result's histograms for postMessage (encoding is lossless: counts per bucket are kept). */
export function toPortable(result: LoadResult): PortableLoadResult {
  return {
    ...result,
    latency: encodeHistogram(result.latency),
    connect: encodeHistogram(result.connect),
    ttfb: encodeHistogram(result.ttfb),
    uncorrectedLatency: result.uncorrectedLatency === null ? null : encodeHistogram(result.uncorrectedLatency),
    tls: result.tls === null ? null : { ...result.tls, handshake: encodeHistogram(result.tls.handshake) },
  };
}

/** The inverse of {@link toPortable}: histograms decoded into standard (mergeable) h1bench histograms. */
export function fromPortable(result: PortableLoadResult): LoadResult {
  return {
    ...result,
    latency: decodeHistogram(result.latency),
    connect: decodeHistogram(result.connect),
    ttfb: decodeHistogram(result.ttfb),
    uncorrectedLatency: result.uncorrectedLatency === null ? null : decodeHistogram(result.uncorrectedLatency),
    tls: result.tls === null ? null : { ...result.tls, handshake: decodeHistogram(result.tls.handshake) },
  };
}

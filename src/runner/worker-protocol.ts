// The messages between a `--workers` load and its generator threads, and a LoadResult in a form that crosses threads.

import type { LoadConfig, LoadProgress } from '../client/engine.js';
import type { LoadResult } from '../measurements.js';
import { decodeHistogram, encodeHistogram } from '../metrics/histogram.js';

/** A LoadConfig that survives structured cloning: the URL as its href. */
export type PortableLoadConfig = Omit<LoadConfig, 'url'> & { readonly url: string };

/** What a generator thread is started with (`workerData`). */
export interface WorkerData {
  readonly index: number;
  readonly config: PortableLoadConfig;
}

/** Main thread → worker. */
export type ToWorker =
  /** Start the measured load at this monotonic µs (shared by all workers of the load). */
  | { readonly type: 'start'; readonly startAtUs: number }
  /** Ctrl-C: stop now and send what was measured. */
  | { readonly type: 'abort' };

/** Worker → main thread. */
export type FromWorker =
  /** Modules loaded, engine constructed: ready for `start`. */
  | { readonly type: 'ready' }
  /** The worker's load counted its first response (Engine.firstResponse). */
  | { readonly type: 'first' }
  /**
   * The worker's progress, posted on a timer (every 100 ms while it loads), so progress costs its hot path nothing;
   * the main thread sums the latest of each worker when the CLI asks.
   */
  | { readonly type: 'progress'; readonly progress: LoadProgress }
  | { readonly type: 'done'; readonly result: PortableLoadResult; readonly cpu: { readonly userSec: number; readonly systemSec: number } }
  /** The load could not run (an H1Error's code and message, or another error's message). */
  | { readonly type: 'failed'; readonly code: string | null; readonly message: string };

type HistogramFields = 'latency' | 'connect' | 'ttfb' | 'uncorrectedLatency';

/** A LoadResult with its HdrHistograms compressed (base64), the form `bench run` reports keep them in. */
export type PortableLoadResult = Omit<LoadResult, HistogramFields> & {
  readonly latency: string;
  readonly connect: string;
  readonly ttfb: string;
  readonly uncorrectedLatency: string | null;
};

/** Encode a result's histograms for postMessage (encoding is lossless: counts per bucket are kept). */
export function toPortable(result: LoadResult): PortableLoadResult {
  return {
    ...result,
    latency: encodeHistogram(result.latency),
    connect: encodeHistogram(result.connect),
    ttfb: encodeHistogram(result.ttfb),
    uncorrectedLatency: result.uncorrectedLatency === null ? null : encodeHistogram(result.uncorrectedLatency),
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
  };
}

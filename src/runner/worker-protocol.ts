// The messages between a `--workers` load and its generator threads, and a LoadResult in a form that crosses threads.

import type { LoadConfig } from '../client/engine.js';
import type { LoadResult } from '../measurements.js';
import { decodeHistogram, encodeHistogram } from '../metrics/histogram.js';

/** A LoadConfig that survives structured cloning: the URL as its href. */
export type PortableLoadConfig = Omit<LoadConfig, 'url'> & { readonly url: string };

/** What a generator thread is started with (`workerData`). */
export interface WorkerData {
  readonly index: number;
  readonly config: PortableLoadConfig;
  /**
   * Progress slots shared with the main thread, {@link PROGRESS_FIELDS} numbers per worker, written by the worker
   * on a timer (so progress costs the hot path nothing) and summed by the main thread.
   */
  readonly progress: SharedArrayBuffer;
}

/** Per worker in the progress buffer: completed, errors, phase code (0 idle, 1 measure, 2 drain). */
export const PROGRESS_FIELDS = 3;
export const PHASE_CODES = { idle: 0, measure: 1, drain: 2 } as const;

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

// HdrHistogram wrapper: µs recording at 3 significant digits, ms summaries, base64 encode/decode/merge.

import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../measurements.js';
import { round3 } from '../numbers.js';

export type Histogram = hdr.Histogram;

/** 1 µs to 1 hour, 3 significant digits, auto-resizing: what every h1bench histogram uses. */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Record a µs value; values below 1 µs are clamped to 1 so nothing is lost. */
export function recordUs(histogram: Histogram, valueUs: number): void {
  histogram.recordValue(valueUs < 1 ? 1 : Math.round(valueUs));
}


export const EMPTY_SUMMARY: LatencySummary = Object.freeze({
  min: 0,
  mean: 0,
  stdev: 0,
  p50: 0,
  p90: 0,
  p99: 0,
  p999: 0,
  max: 0,
});

/**
 * The value at percentile `p` (0 < p ≤ 100) in µs, within [min, max]. HdrHistogram answers with the highest value
 * equivalent to the bucket, which can lie above the exact maximum it also keeps (23.727 ms against a max of 23.713 ms
 * for a single sample). Every percentile h1bench reports goes through here. 0 for an empty histogram.
 */
export function percentileUs(histogram: Histogram, p: number, range: ExactRange = exactRange(histogram)): number {
  if (histogram.totalCount === 0) return 0;
  const value = histogram.getValueAtPercentile(p);
  if (value > range.maxUs) return range.maxUs;
  return value < range.minUs ? range.minUs : value;
}

/** The smallest and largest recorded values, in µs. */
export interface ExactRange {
  readonly minUs: number;
  readonly maxUs: number;
}

/**
 * A histogram's own extremes: exact for one that recorded its values; a decoded or merged one knows only bucket
 * bounds, so merged runs pass the exact extremes their runs reported (see report/merge.ts).
 */
export function exactRange(histogram: Histogram): ExactRange {
  return { minUs: histogram.minNonZeroValue, maxUs: histogram.maxValue };
}

/**
 * Summary of a µs histogram, in milliseconds with µs precision: min ≤ every percentile ≤ max. All zeros when empty.
 * `range`: the exact extremes when the histogram's own are bucket bounds (merged runs).
 */
export function summarizeMs(histogram: Histogram, range: ExactRange = exactRange(histogram)): LatencySummary {
  if (histogram.totalCount === 0) return { ...EMPTY_SUMMARY };
  const ms = (us: number): number => round3(us / 1000);
  const { minUs, maxUs } = range;
  // The mean is made of bucket midpoints: keep it within the extremes too (one sample: mean = that sample).
  const mean = Math.min(Math.max(histogram.mean, minUs), maxUs);
  return {
    min: ms(minUs),
    mean: ms(mean),
    stdev: ms(histogram.stdDeviation),
    p50: ms(percentileUs(histogram, 50, range)),
    p90: ms(percentileUs(histogram, 90, range)),
    p99: ms(percentileUs(histogram, 99, range)),
    p999: ms(percentileUs(histogram, 99.9, range)),
    max: ms(maxUs),
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(base64: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(base64, 32, false);
  // Re-home into a standard histogram so merges never overflow the decoded range.
  const histogram = createHistogram();
  histogram.add(decoded);
  decoded.destroy();
  return histogram;
}

/** Merge encoded histograms (from several runs) into one. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const merged = createHistogram();
  for (const item of encoded) {
    const part = decodeHistogram(item);
    merged.add(part);
    part.destroy();
  }
  return merged;
}

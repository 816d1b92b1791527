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

/** Summary of a µs histogram, in milliseconds with µs precision. All zeros when empty. */
export function summarizeMs(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { ...EMPTY_SUMMARY };
  const ms = (us: number): number => round3(us / 1000);
  return {
    min: ms(histogram.minNonZeroValue),
    mean: ms(histogram.mean),
    stdev: ms(histogram.stdDeviation),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
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

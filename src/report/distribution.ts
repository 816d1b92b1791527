// Latency distribution tables from a report's HdrHistograms (pure): the percentiles wrk --latency and autocannon -l
// print, computed at render time so the report keeps only the histogram (no extra fields in the closed schema).

import { decodeHistogram } from '../metrics/histogram.js';
import type { RunReport } from './schema.js';

/** The percentiles of the distribution table, then the maximum. */
export const TABLE_PERCENTILES: readonly number[] = Object.freeze([50, 75, 90, 99, 99.9, 99.99]);

/** One histogram's row: null values when nothing was recorded (shown as `–`, never as `0 ms`). */
export interface DistributionRow {
  readonly count: number;
  readonly minMs: number | null;
  /** Parallel to TABLE_PERCENTILES. */
  readonly percentilesMs: ReadonlyArray<number | null>;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
}

const EMPTY: DistributionRow = Object.freeze({
  count: 0,
  minMs: null,
  percentilesMs: Object.freeze(TABLE_PERCENTILES.map(() => null)),
  maxMs: null,
  meanMs: null,
});

const ms = (us: number): number => Math.round(us) / 1000;

/**
 * The distribution of one encoded µs histogram. HdrHistogram reports a bucket's highest equivalent value, which can
 * lie above the largest value recorded; every percentile is clamped to [min, max] so p99.99 never reads above max.
 */
export function distributionOf(encoded: string | null | undefined): DistributionRow {
  if (!encoded) return EMPTY;
  const histogram = decodeHistogram(encoded);
  try {
    const count = histogram.totalCount;
    if (count === 0) return EMPTY;
    const min = histogram.minNonZeroValue;
    const max = histogram.maxValue;
    const clamp = (us: number): number => Math.min(max, Math.max(min, us));
    return {
      count,
      minMs: ms(min),
      percentilesMs: TABLE_PERCENTILES.map((p) => ms(clamp(histogram.getValueAtPercentile(p)))),
      maxMs: ms(max),
      meanMs: ms(histogram.mean),
    };
  } finally {
    histogram.destroy();
  }
}

/** The rows a run summary shows: latency (and, open loop, from the actual send), connect, time to first byte. */
export function runDistributions(report: RunReport): Array<{ name: string; row: DistributionRow }> {
  const corrected = report.coordinatedOmission.corrected;
  const rows = [{ name: corrected ? 'latency (from intended send)' : 'latency', row: distributionOf(report.histograms.latencyUs) }];
  if (report.histograms.uncorrectedLatencyUs) rows.push({ name: 'latency (from actual send)', row: distributionOf(report.histograms.uncorrectedLatencyUs) });
  rows.push({ name: 'connect', row: distributionOf(report.histograms.connectUs) }, { name: 'first byte', row: distributionOf(report.histograms.ttfbUs) });
  return rows;
}

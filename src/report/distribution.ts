// Latency distribution tables from a report's HdrHistograms (pure): the percentiles wrk --latency and autocannon -l
// print, computed at render time so the report keeps only the histogram (no extra fields in the closed schema).

import type { LatencySummary } from '../measurements.js';
import { decodeHistogram, exactRange, percentileUs, type ExactRange } from '../metrics/histogram.js';
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
 * lie above the largest value recorded; every percentile is clamped to [min, max] (metrics/histogram percentileUs)
 * so p99.99 never reads above max. A decoded histogram knows its extremes only to its bucket bounds: `summary`, the
 * report's own summary of it, gives the exact ones (one sample: every column shows it).
 */
export function distributionOf(encoded: string | null | undefined, summary?: LatencySummary | null): DistributionRow {
  if (!encoded) return EMPTY;
  const histogram = decodeHistogram(encoded);
  try {
    const count = histogram.totalCount;
    if (count === 0) return EMPTY;
    const range: ExactRange =
      summary != null && summary.max > 0 ? { minUs: Math.round(summary.min * 1000), maxUs: Math.round(summary.max * 1000) } : exactRange(histogram);
    return {
      count,
      minMs: ms(range.minUs),
      percentilesMs: TABLE_PERCENTILES.map((p) => ms(percentileUs(histogram, p, range))),
      maxMs: ms(range.maxUs),
      meanMs: ms(Math.min(range.maxUs, Math.max(range.minUs, histogram.mean))),
    };
  } finally {
    histogram.destroy();
  }
}

/** The rows a run summary shows: latency (and, open loop, from the actual send), connect, time to first byte. */
export function runDistributions(report: RunReport): Array<{ name: string; row: DistributionRow }> {
  const corrected = report.coordinatedOmission.corrected;
  const rows = [{ name: corrected ? 'latency (from intended send)' : 'latency', row: distributionOf(report.histograms.latencyUs, report.latencyMs) }];
  if (report.histograms.uncorrectedLatencyUs) {
    rows.push({ name: 'latency (from actual send)', row: distributionOf(report.histograms.uncorrectedLatencyUs, report.uncorrectedLatencyMs) });
  }
  // Open loop: how late requests went out against their intended time (the gap between the two latency rows).
  if (report.histograms.sendLagUs) rows.push({ name: 'send lag', row: distributionOf(report.histograms.sendLagUs, report.sendLagMs) });
  rows.push({ name: 'connect', row: distributionOf(report.histograms.connectUs, report.connectMs) });
  if (report.histograms.tlsUs !== undefined) rows.push({ name: 'tls handshake', row: distributionOf(report.histograms.tlsUs, report.tlsMs) });
  rows.push({ name: 'first byte', row: distributionOf(report.histograms.ttfbUs, report.ttfbMs) });
  return rows;
}

// Percentiles of exact samples by nearest rank: one definition for event times (failure detection, path RTT probes).

/**
 * The p-th percentile (0 < p ≤ 100) by nearest rank: the smallest sample with at least p% of the samples at or
 * below it, so the answer is always an observed value (as HdrHistogram's value at percentile is an observed
 * bucket). Used for exact event times (failure detection), where an interpolated time never happened. NaN for an
 * empty sample.
 */
export function percentileNearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile p must be within (0, 100] (got ${p})`);
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

// Bencher Metric Format (BMF): {benchmark: {measure: {value, lower_value, upper_value}}} for `bencher run --adapter json`.
//
// Per bencher.dev "How to Track Custom Benchmarks": `throughput` (operations/s) and `latency` (nanoseconds) are
// built-in measures of every project; other measure slugs are created on first upload. So req/s goes to
// `throughput`, p50 to `latency` in ns, and the other latencies keep ns under their own slugs. The bounds are
// the 95% CI of the CURRENT median; they are omitted (both optional in BMF) when the CI is unbounded.

import type { Comparison, MetricComparison, MetricKey } from '../compare.js';
import { round3 } from '../../numbers.js';

export interface BencherMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}

export type BencherMetricFormat = Record<string, Record<string, BencherMetric>>;

/** Measure slug and the factor from our unit to Bencher's (ms → ns). */
const MEASURES: Record<MetricKey, { slug: string; factor: number }> = {
  rps: { slug: 'throughput', factor: 1 },
  bytes: { slug: 'bytes-per-second', factor: 1 },
  p50: { slug: 'latency', factor: 1e6 },
  p90: { slug: 'latency-p90', factor: 1e6 },
  p99: { slug: 'latency-p99', factor: 1e6 },
  p999: { slug: 'latency-p99-9', factor: 1e6 },
  connect: { slug: 'connect-time', factor: 1e6 },
  hs: { slug: 'handshakes-per-request', factor: 1 },
};


function metric(item: MetricComparison): BencherMetric {
  const { factor } = MEASURES[item.key];
  const out: BencherMetric = { value: round3(item.current.median * factor) };
  if (item.current.lo !== null && item.current.hi !== null) {
    out.lower_value = round3(item.current.lo * factor);
    out.upper_value = round3(item.current.hi * factor);
  }
  return out;
}

/** Benchmark names are `h1bench/<case id>`, so several tools can share one Bencher project. */
export function bencherOutput(comparison: Comparison): BencherMetricFormat {
  const output: BencherMetricFormat = {};
  for (const item of comparison.cases) {
    const measures: Record<string, BencherMetric> = {};
    for (const entry of item.metrics) measures[MEASURES[entry.key].slug] = metric(entry);
    output[`h1bench/${item.id}`] = measures;
  }
  return output;
}

export function renderBencher(comparison: Comparison): string {
  return `${JSON.stringify(bencherOutput(comparison), null, 2)}\n`;
}

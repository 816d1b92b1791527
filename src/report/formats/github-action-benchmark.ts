// github-action-benchmark output: `customBiggerIsBetter` and `customSmallerIsBetter` arrays of {name, unit, value, range, extra}.
//
// The action (benchmark-action/github-action-benchmark, src/extract.ts BenchmarkResult) reads ONE array per
// step, with `tool: customBiggerIsBetter` or `tool: customSmallerIsBetter`; we emit both under those keys, so a
// workflow splits them with `jq '.customBiggerIsBetter'`. Values are the CURRENT medians: the action keeps its own
// history and alerts on its own threshold; `extra` carries our comparison with BASE for the tooltip.

import type { Comparison, MetricComparison } from '../compare.js';
import { formatChange, formatP } from './units.js';
import { round3 } from '../../numbers.js';

export interface BenchmarkActionEntry {
  name: string;
  unit: string;
  value: number;
  /** `± x`: half-width of the 95% CI of the median (the larger side); absent when the CI is unbounded. */
  range?: string;
  extra: string;
}

export interface BenchmarkActionOutput {
  customBiggerIsBetter: BenchmarkActionEntry[];
  customSmallerIsBetter: BenchmarkActionEntry[];
}


function entry(caseId: string, metric: MetricComparison): BenchmarkActionEntry {
  const current = metric.current;
  const out: BenchmarkActionEntry = {
    name: `${caseId} ${metric.label}`,
    unit: metric.unit,
    value: round3(current.median),
    extra: `median of ${current.n} run(s); BASE ${round3(metric.base.median)} ${metric.unit}; change ${formatChange(metric)} (${formatP(metric)})`,
  };
  if (current.lo !== null && current.hi !== null) {
    out.range = `± ${round3(Math.max(current.hi - current.median, current.median - current.lo))}`;
  }
  return out;
}

export function benchmarkActionOutput(comparison: Comparison): BenchmarkActionOutput {
  const output: BenchmarkActionOutput = { customBiggerIsBetter: [], customSmallerIsBetter: [] };
  for (const item of comparison.cases) {
    for (const metric of item.metrics) {
      (metric.better === 'higher' ? output.customBiggerIsBetter : output.customSmallerIsBetter).push(entry(item.id, metric));
    }
  }
  return output;
}

export function renderBenchmarkAction(comparison: Comparison): string {
  return `${JSON.stringify(benchmarkActionOutput(comparison), null, 2)}\n`;
}

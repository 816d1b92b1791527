// Number formatting shared by the comparison renderers: values with units, CI ranges, changes, p-values.

import type { Comparison, MetricComparison, SideSummary } from '../compare.js';

/** Four significant figures with an SI suffix (a 0.5% change stays visible): 45630 → `45.63k`, 1.234e7 → `12.34M`. */
export function si(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(4)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(4)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(4)}k`;
  if (abs === 0) return '0';
  return value.toPrecision(4);
}

/** A metric value in its unit, compact enough for a table cell. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'req/s':
      return `${si(value)} req/s`;
    case 'B/s':
      return `${si(value)}B/s`;
    case 'ms':
      return value >= 100 ? `${value.toFixed(0)} ms` : value >= 10 ? `${value.toFixed(1)} ms` : `${value.toFixed(3)} ms`;
    default:
      // Handshakes/request under keep-alive are tiny but not zero (one per connection): keep them visible.
      return value !== 0 && Math.abs(value) < 0.001 ? value.toExponential(1) : value.toFixed(3);
  }
}

/** benchstat's "± x%": the larger distance from the median to a CI bound; `±∞` when the CI is unbounded. */
export function formatRange(side: SideSummary): string {
  if (side.lo === null || side.hi === null) return '±∞';
  if (side.median === 0) return side.lo === 0 && side.hi === 0 ? '±0%' : '±?';
  const spread = Math.max(side.hi / side.median - 1, 1 - side.lo / side.median);
  return `±${(spread * 100).toFixed(0)}%`;
}

/** `45.6k req/s ±2%`. */
export function formatSide(side: SideSummary, unit: string): string {
  return `${formatValue(side.median, unit)} ${formatRange(side)}`;
}

/** `+12.34%` when significant, else `~` (benchstat). */
export function formatChange(metric: MetricComparison): string {
  if (!metric.significant) return '~';
  if (metric.deltaPct === null) return '?';
  return `${metric.deltaPct > 0 ? '+' : ''}${metric.deltaPct.toFixed(2)}%`;
}

/** `p=0.008 n=5+5`, the form benchstat prints. */
export function formatP(metric: MetricComparison): string {
  const n = metric.base.n === metric.current.n ? `n=${metric.base.n}` : `n=${metric.base.n}+${metric.current.n}`;
  return `p=${metric.p.toFixed(3)} ${n}`;
}

/** Plain-language notes every renderer prints under the table. */
export function comparisonNotes(comparison: Comparison): string[] {
  const notes: string[] = [];
  const metrics = comparison.cases.flatMap((item) => item.metrics);
  if (metrics.some((metric) => metric.tooFewRuns)) {
    notes.push(
      `too few runs to ever detect a change at alpha ${comparison.alpha}: need ≥ ${comparison.minRunsForSignificance} runs per side (bench run --runs ${comparison.minRunsForSignificance}); every change is shown as ~`,
    );
  }
  if (metrics.some((metric) => metric.base.lo === null || metric.current.lo === null)) {
    notes.push(`±∞: need ≥ ${comparison.minRunsForCI} runs for a ${Math.round(comparison.confidence * 100)}% confidence interval of the median`);
  }
  if (comparison.onlyInBase.length > 0) notes.push(`only in BASE (not compared): ${comparison.onlyInBase.join(', ')}`);
  if (comparison.onlyInCurrent.length > 0) notes.push(`only in CURRENT (not compared): ${comparison.onlyInCurrent.join(', ')}`);
  return [...notes, ...comparison.warnings];
}

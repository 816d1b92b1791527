// Number and unit formatting for every renderer (run and suite summaries, compare formats, HTML): one definition, so
// the same quantity reads the same everywhere. Thousands separators, no exponents, bytes in SI units (kB/s, MB/s).

import type { Comparison, MetricComparison, SideSummary } from '../compare.js';

/** What a figure that does not exist (nothing completed, a view that was unavailable) shows. */
export const DASH = '–';

const LOCALE = 'en-US';

/** A count and its noun, singular for 1: `1 socket`, `12,345 sockets`; `plural` for irregular nouns. */
export function counted(value: number, noun: string, plural = `${noun}s`): string {
  return `${count(value)} ${value === 1 ? noun : plural}`;
}

/** `value` with exactly `digits` decimals and thousands separators: 12345.678 → `12,345.68`. */
export function fixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return DASH;
  return value.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A whole number with thousands separators: 12345 → `12,345`. */
export function count(value: number): string {
  return fixed(Math.round(value), 0);
}

/** Decimals that keep `significant` significant digits of a value below 1, never an exponent: 0.000114 → 6. */
function smallDigits(value: number, significant: number): number {
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return Math.min(12, Math.max(0, significant - 1 - magnitude));
}

/**
 * A plain number at about four significant figures: `12,345`, `123.4`, `12.34`, `1.234`, `0.0863`, `0.000114`.
 * Never an exponent (`1.1e-4` is hard to compare by eye with `0.0011`).
 */
export function decimal(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1000) return count(value);
  if (abs >= 100) return fixed(value, 1);
  if (abs >= 10) return fixed(value, 2);
  if (abs >= 1) return fixed(value, 3);
  return fixed(value, smallDigits(value, 3));
}

/** Milliseconds without the unit (tables with an `ms` header): µs resolution below 10 ms, `1,234` above 1 s. */
export function msNumber(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  return abs >= 100 ? count(value) : abs >= 10 ? fixed(value, 1) : fixed(value, 3);
}

/** `0.086 ms`, `12.3 ms`, `1,234 ms`. */
export function formatMs(value: number): string {
  return Number.isFinite(value) ? `${msNumber(value)} ms` : DASH;
}

/** Microseconds (CPU per request): `82.1 µs`, `1,234 µs`. */
export function formatUs(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  return `${Math.abs(value) >= 1000 ? count(value) : fixed(value, 1)} µs`;
}

/** Seconds: `1.234 s`, `123.4 s`. */
export function formatSeconds(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  return `${Math.abs(value) >= 100 ? fixed(value, 1) : fixed(value, 3)} s`;
}

/** A rate without its unit: whole numbers from 100 up (`88,123`), one decimal below (`12.5`). */
export function rateNumber(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  return Math.abs(value) >= 100 ? count(value) : fixed(value, Math.abs(value) >= 1 || value === 0 ? 1 : 2);
}

/** Requests per second: `88,123 req/s`. */
export function formatRate(value: number, unit = 'req/s'): string {
  return Number.isFinite(value) ? `${rateNumber(value)} ${unit}` : DASH;
}

const BYTE_UNITS: ReadonlyArray<[number, string]> = [
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'kB'],
];

/** Bytes in SI units (1 kB = 1000 B, as req/s counts in thousands): `456 B`, `45.6 kB`, `1.23 MB`. */
export function formatBytes(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  for (const [scale, unit] of BYTE_UNITS) {
    const scaled = value / scale;
    if (Math.abs(value) >= scale) return `${fixed(scaled, Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2)} ${unit}`;
  }
  return `${count(value)} B`;
}

/** Bytes per second, SI: `1.23 MB/s`. The one unit of throughput in bytes across every renderer. */
export function formatBytesPerSec(value: number): string {
  return Number.isFinite(value) ? `${formatBytes(value)}/s` : DASH;
}

/**
 * Handshakes per request: `1.000` for HTTP/1.0, three significant digits when small (keep-alive: `0.000114`), so a
 * tiny but non-zero cost stays visible and comparable against 1.
 */
export function formatPerRequest(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  if (value === 0) return '0';
  return Math.abs(value) >= 0.1 ? fixed(value, 3) : fixed(value, smallDigits(value, 3));
}

/** A signed number for differences: `+0.344`, `-1,234` (ASCII minus: CI logs and scripts grep for it). */
export function signed(text: string, value: number): string {
  if (value > 0) return `+${text}`;
  if (value < 0) return `-${text.replace(/^-/, '')}`;
  return text;
}

/** A signed percentage: `+12.34%`, `-37.00%`. */
export function formatPercent(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return DASH;
  return signed(`${fixed(value, digits)}%`, value);
}

/** Ratios (second ÷ first): three significant digits, separators above 1000: `7.41×`, `0.000765×`. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  if (value === 0) return '0×';
  return `${Math.abs(value) >= 100 ? count(value) : Math.abs(value) >= 1 ? fixed(value, 2) : fixed(value, smallDigits(value, 3))}×`;
}

/** A metric value in its unit (the units compare.ts uses), compact enough for a table cell. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 'req/s':
      return formatRate(value);
    case 'B/s':
      return formatBytesPerSec(value);
    case 'ms':
      return formatMs(value);
    case 'µs':
      return formatUs(value);
    case 'handshakes/req':
      return formatPerRequest(value);
    default:
      return decimal(value);
  }
}

/** benchstat's "± x%": the larger distance from the median to a CI bound; `±∞` when the CI is unbounded. */
export function formatRange(side: SideSummary): string {
  if (side.lo === null || side.hi === null) return '±∞';
  if (side.median === 0) return side.lo === 0 && side.hi === 0 ? '±0%' : '±?';
  const spread = Math.max(side.hi / side.median - 1, 1 - side.lo / side.median);
  return `±${(spread * 100).toFixed(0)}%`;
}

/** `45,630 req/s ±2%`. */
export function formatSide(side: SideSummary, unit: string): string {
  return `${formatValue(side.median, unit)} ${formatRange(side)}`;
}

/**
 * `+12.34%` when significant; else `~`, with the raw change beside it (`~ (-37.00%)`) so a large difference that one
 * run per side cannot test is still visible (benchstat prints only `~`).
 */
export function formatChange(metric: MetricComparison): string {
  if (metric.deltaPct === null) return metric.significant ? '?' : '~';
  if (!metric.significant) return metric.deltaPct === 0 ? '~' : `~ (${formatPercent(metric.deltaPct)})`;
  return formatPercent(metric.deltaPct);
}

/** `p=0.008 n=5+5`, the form benchstat prints. */
export function formatP(metric: MetricComparison): string {
  const n = metric.base.n === metric.current.n ? `n=${metric.base.n}` : `n=${metric.base.n}+${metric.current.n}`;
  return `p=${metric.p.toFixed(3)} ${n}`;
}

/** The command that repeats runs for this kind of comparison: suites and single runs take --runs differently. */
export function repeatCommand(kind: Comparison['kind'], runs: number): string {
  return kind === 'suite' ? `bench suite --runs ${runs}` : `bench run --runs ${runs}`;
}

/** Plain-language notes every renderer prints under the table. */
export function comparisonNotes(comparison: Comparison): string[] {
  const notes: string[] = [];
  const metrics = comparison.cases.flatMap((item) => item.metrics);
  const fewest = Math.min(...metrics.map((metric) => Math.min(metric.base.n, metric.current.n)));
  if (metrics.some((metric) => metric.tooFewRuns)) {
    const needed = comparison.minRunsForSignificance;
    const have = Number.isFinite(fewest) ? `${fewest === 1 ? 'one run' : `${fewest} runs`} per side cannot show significance` : 'too few runs';
    notes.push(
      `${have} at alpha ${comparison.alpha}: ~ marks every change, with the raw change beside it; ` +
        `need ≥ ${needed} runs per side (${repeatCommand(comparison.kind, needed)} for both reports)`,
    );
  }
  if (metrics.some((metric) => metric.base.lo === null || metric.current.lo === null)) {
    notes.push(
      `±∞: need ≥ ${comparison.minRunsForCI} runs for a ${Math.round(comparison.confidence * 100)}% confidence interval of the median ` +
        `(${repeatCommand(comparison.kind, comparison.minRunsForCI)})`,
    );
  }
  if (comparison.onlyInBase.length > 0) notes.push(`only in BASE (not compared): ${comparison.onlyInBase.join(', ')}`);
  if (comparison.onlyInCurrent.length > 0) notes.push(`only in CURRENT (not compared): ${comparison.onlyInCurrent.join(', ')}`);
  return [...notes, ...comparison.warnings];
}

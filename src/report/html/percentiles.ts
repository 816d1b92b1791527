// Series for the HdrHistogram percentile plot: latency against 1/(1-p) on a log axis, decoded from reports.

import { H1Error } from '../../errors.js';
import { decodeHistogram, percentileUs } from '../../metrics/histogram.js';

/** One curve: x = 1/(1-p) (1 = p0, 100 = p99, 1000 = p99.9), y = latency in ms. */
export interface PercentileCurve {
  readonly xs: readonly number[];
  readonly ms: readonly number[];
  /** Values recorded; the curve ends at x = count, where the value is the maximum. */
  readonly count: number;
}

/** Points per decade of 1/(1-p): enough for a smooth curve, few enough to keep the page small. */
const STEPS_PER_DECADE = 24;
/** Past p99.9999 the plot only repeats the maximum. */
const MAX_X = 1e6;

const roundMs = (us: number): number => Math.round(us) / 1000;

/**
 * Decode an encoded µs histogram and sample it at log-spaced percentiles, ending at the
 * maximum (the last recorded value sits at p = 1 - 1/count, as HdrHistogram's plotter shows).
 * `what` names the histogram in the error when the base64 is not a histogram.
 */
export function percentileCurve(encoded: string | null | undefined, what: string): PercentileCurve {
  if (!encoded) return { xs: [], ms: [], count: 0 };
  let histogram;
  try {
    histogram = decodeHistogram(encoded);
  } catch (error) {
    throw new H1Error('H1B_REPORT_SCHEMA', `${what} is not an HdrHistogram (compressed base64); regenerate the report`, { cause: error });
  }
  try {
    const count = histogram.totalCount;
    if (count === 0) return { xs: [], ms: [], count: 0 };
    const last = Math.min(count, MAX_X);
    const xs: number[] = [];
    const ms: number[] = [];
    for (let step = 0; ; step++) {
      const x = 10 ** (step / STEPS_PER_DECADE);
      if (x >= last) break;
      xs.push(x);
      ms.push(roundMs(percentileUs(histogram, 100 * (1 - 1 / x))));
    }
    xs.push(last);
    ms.push(roundMs(last === count ? histogram.maxValue : percentileUs(histogram, 100 * (1 - 1 / last))));
    return { xs, ms, count };
  } finally {
    histogram.destroy();
  }
}

/**
 * Put several curves on one shared x grid (uPlot aligns series by x). A curve has no value
 * past its own end (null), so a short run's line stops at its maximum instead of flattening.
 */
export function alignCurves(curves: readonly PercentileCurve[]): { x: number[]; ys: Array<Array<number | null>> } {
  const grid = [...new Set(curves.flatMap((curve) => curve.xs))].sort((a, b) => a - b);
  const ys = curves.map((curve) => {
    const byX = new Map<number, number>();
    curve.xs.forEach((x, index) => byX.set(x, curve.ms[index] ?? 0));
    const end = curve.xs.length > 0 ? curve.xs[curve.xs.length - 1]! : 0;
    let previous: number | null = null;
    return grid.map((x) => {
      if (x > end) return null;
      const value = byX.get(x);
      // Another curve's end point falls between this curve's samples: repeat the last value
      // (a percentile curve is a step function between samples).
      if (value === undefined) return previous;
      previous = value;
      return value;
    });
  });
  return { x: grid, ys };
}

/** Label for a point on the 1/(1-p) axis: 1 → "0%", 2 → "50%", 1000 → "99.9%". */
export function percentileLabel(x: number): string {
  const p = 100 * (1 - 1 / x);
  if (p <= 0) return '0%';
  const digits = Math.max(0, Math.ceil(Math.log10(x)) - 2);
  return `${Number(p.toFixed(digits))}%`;
}

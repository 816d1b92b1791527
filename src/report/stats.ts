// Distribution-free statistics for comparing repeated runs: medians, quantile CIs, Mann-Whitney U (benchstat's method).
//
// Benchmark samples are rarely normal (long right tails, bimodal when a GC or a CPU migration lands in a run),
// so, like Go's benchstat, we summarise with the median and its order-statistic confidence interval and test
// with the rank-based Mann-Whitney U test. All functions are pure; none mutates its input.

/** Ascending copy; the input is left untouched. */
function ascending(values: readonly number[]): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics (Hyndman-Fan type 7, the
 * default of R's quantile() and NumPy's percentile()). NaN for an empty sample.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be within [0, 1] (got ${q})`);
  const sorted = ascending(values);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** The sample median (mean of the two middle values when n is even). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Which order statistics bound a quantile's confidence interval; orders are 1-based, 0 and n+1 mean ±∞. */
export interface QuantileCIOrders {
  loOrder: number;
  hiOrder: number;
  /** Actual coverage of [x(lo), x(hi)]: at least the requested level unless the sample is too small. */
  confidence: number;
}

/** Binomial(n, p) probability mass for k = 0..n, computed in log space so large n neither overflows nor underflows. */
function binomialPmf(n: number, p: number): number[] {
  const pmf = new Array<number>(n + 1).fill(0);
  if (p <= 0) {
    pmf[0] = 1;
    return pmf;
  }
  if (p >= 1) {
    pmf[n] = 1;
    return pmf;
  }
  const logs = new Array<number>(n + 1);
  logs[0] = n * Math.log1p(-p);
  const ratio = Math.log(p) - Math.log1p(-p);
  let max = logs[0];
  for (let k = 0; k < n; k++) {
    const next = (logs[k] as number) + Math.log((n - k) / (k + 1)) + ratio;
    logs[k + 1] = next;
    if (next > max) max = next;
  }
  let total = 0;
  for (let k = 0; k <= n; k++) {
    const value = Math.exp((logs[k] as number) - max);
    pmf[k] = value;
    total += value;
  }
  for (let k = 0; k <= n; k++) pmf[k] = (pmf[k] as number) / total;
  return pmf;
}

/**
 * Order statistics bounding the distribution-free CI of the q-quantile in a sample of n. The number of sample
 * values below the population quantile is Binomial(n, q); bucket k is the gap between x(k) and x(k+1). Starting
 * at the mode we add the most probable neighbouring bucket (the left one on a tie) until the covered mass
 * reaches `confidence` — the construction of go-moremath's stats.QuantileCI that benchstat uses.
 */
export function quantileCIOrders(n: number, q: number, confidence: number): QuantileCIOrders {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample size must be a whole number ≥ 0 (got ${n})`);
  if (confidence >= 1 || n === 0) return { loOrder: 0, hiOrder: n + 1, confidence: 1 };
  const pmf = binomialPmf(n, q);
  const at = (k: number): number => (k >= 0 && k <= n ? (pmf[k] as number) : 0);
  const mode = q <= 0 ? 0 : Math.min(n, Math.ceil((n + 1) * q) - 1);
  let accum = at(mode);
  let l = mode;
  let r = mode + 1;
  let lp = at(l - 1);
  let rp = at(r);
  while (accum < confidence && (lp > 0 || rp > 0)) {
    if (lp >= rp) {
      accum += lp;
      l--;
      lp = at(l - 1);
    } else {
      accum += rp;
      r++;
      rp = at(r);
    }
  }
  return { loOrder: Math.max(0, l), hiOrder: Math.min(n + 1, r), confidence: Math.min(1, accum) };
}

export interface MedianCI {
  n: number;
  median: number;
  /** Lower bound; null when the sample is too small for the level (the bound is -∞). */
  lo: number | null;
  /** Upper bound; null when the sample is too small for the level (the bound is +∞). */
  hi: number | null;
  /** Actual coverage of [lo, hi] (≥ the requested level when the interval is finite). */
  confidence: number;
  /** Smallest sample with a finite interval at this level (6 for 95%, 8 for 99%); compare with `n`. */
  minRuns: number;
}

const minRunsCache = new Map<number, number>();

/** Smallest n whose median CI at `confidence` lies inside the sample (benchstat: "need >= 6 samples" at 95%). */
export function minRunsForMedianCI(confidence: number): number {
  const cached = minRunsCache.get(confidence);
  if (cached !== undefined) return cached;
  let found = Number.POSITIVE_INFINITY;
  for (let n = 2; n <= 1000; n++) {
    const orders = quantileCIOrders(n, 0.5, confidence);
    if (orders.loOrder >= 1 && orders.hiOrder <= n) {
      found = n;
      break;
    }
  }
  minRunsCache.set(confidence, found);
  return found;
}

/** Median with its distribution-free confidence interval (default 95%). */
export function medianCI(values: readonly number[], confidence = 0.95): MedianCI {
  const sorted = ascending(values);
  const n = sorted.length;
  const orders = quantileCIOrders(n, 0.5, confidence);
  const finite = orders.loOrder >= 1 && orders.hiOrder <= n;
  return {
    n,
    median: median(sorted),
    lo: finite ? (sorted[orders.loOrder - 1] as number) : null,
    hi: finite ? (sorted[orders.hiOrder - 1] as number) : null,
    confidence: finite ? orders.confidence : 1,
    minRuns: minRunsForMedianCI(confidence),
  };
}

export interface UTestResult {
  /** U of the first sample: the number of (a, b) pairs with a > b, ties counting one half (scipy's statistic). */
  u: number;
  /** Two-sided p-value of "both samples come from the same distribution". */
  p: number;
  n1: number;
  n2: number;
  /** `exact`: the permutation distribution (no ties, small samples); `normal`: tie- and continuity-corrected. */
  method: 'exact' | 'normal';
  /** Every value equal: the test can say nothing (p = 1). */
  allEqual: boolean;
}

/** Largest sample size per side for which the exact permutation distribution is computed (≤ 50 × 50 × 2500 cells). */
const EXACT_MAX_N = 50;

/**
 * Counts of U1 = #{(a, b): a > b} over all C(m+n, m) orderings of two tie-free samples of sizes m and n.
 * The largest element either belongs to the first sample (it beats all n of the second: U grows by n) or to the
 * second (U unchanged), hence c(m, n, u) = c(m-1, n, u-n) + c(m, n-1, u).
 */
function uCounts(m: number, n: number): Float64Array {
  // rows[j] holds c(i, j, ·) for the current i; start with i = 0: a single ordering with U = 0.
  let rows: Float64Array[] = [];
  for (let j = 0; j <= n; j++) rows.push(Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const next: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const counts = new Float64Array(i * j + 1);
      const withoutA = rows[j] as Float64Array; // c(i-1, j, ·): the largest is from the first sample
      for (let u = 0; u < withoutA.length; u++) counts[u + j] = (counts[u + j] as number) + (withoutA[u] as number);
      const withoutB = next[j - 1] as Float64Array; // c(i, j-1, ·): the largest is from the second sample
      for (let u = 0; u < withoutB.length; u++) counts[u] = (counts[u] as number) + (withoutB[u] as number);
      next.push(counts);
    }
    rows = next;
  }
  return rows[n] as Float64Array;
}

/** erfc(x) for x ≥ 0 to ~1e-15: a positive-term series for erf below 3, Lentz's continued fraction above. */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    // erf(x) = 2/√π · e^{-x²} · Σ (2x²)^k x / (1·3·…·(2k+1)): every term positive, so no cancellation.
    let term = x;
    let sum = x;
    for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Two-sided Mann-Whitney U test. Exact p from the permutation distribution when there are no ties and both
 * samples have at most 50 values; otherwise the normal approximation with tie-corrected variance and a
 * continuity correction (scipy.stats.mannwhitneyu, R's wilcox.test), never below the exact minimum `minimumP`.
 * Empty samples or all-equal values give p = 1.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): UTestResult {
  const n1 = a.length;
  const n2 = b.length;
  const all = [...a.map((value) => ({ value, first: true })), ...b.map((value) => ({ value, first: false }))].sort(
    (x, y) => x.value - y.value,
  );
  const total = all.length;
  let rankSumA = 0;
  let tieTerm = 0; // Σ (t³ - t) over tie groups
  for (let i = 0; i < total; ) {
    let j = i + 1;
    while (j < total && (all[j] as { value: number }).value === (all[i] as { value: number }).value) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    const t = j - i;
    tieTerm += t * t * t - t;
    for (let k = i; k < j; k++) if ((all[k] as { first: boolean }).first) rankSumA += midRank;
    i = j;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const allEqual = total > 0 && tieTerm === total * total * total - total;
  if (n1 === 0 || n2 === 0 || allEqual) return { u, p: 1, n1, n2, method: 'normal', allEqual };

  if (tieTerm === 0 && n1 <= EXACT_MAX_N && n2 <= EXACT_MAX_N) {
    const counts = uCounts(n1, n2);
    let below = 0;
    let above = 0;
    let orderings = 0;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k] as number;
      orderings += c;
      if (k <= u) below += c;
      if (k >= u) above += c;
    }
    const p = Math.min(1, (2 * Math.min(below, above)) / orderings);
    return { u, p, n1, n2, method: 'exact', allEqual };
  }

  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  const z = (Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  const approx = z <= 0 ? 1 : Math.min(1, 2 * normalSf(z));
  // With ties and few runs the normal tail can fall below what any permutation test allows (3 vs 3 tied
  // groups: 0.047 against an exact 0.1), which would call a change significant that cannot be; the exact
  // bound 2 / C(n1+n2, n1) holds with ties too, so the p-value never goes under it.
  const p = Math.max(approx, minimumP(n1, n2));
  return { u, p, n1, n2, method: 'normal', allEqual };
}

/**
 * The smallest two-sided p the U test can give for samples of n1 and n2 values (no ties: the two extreme
 * orderings out of C(n1+n2, n1)). benchstat's table: 3 vs 3 → 0.1, 4 vs 4 → 0.0286.
 */
export function minimumP(n1: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 1;
  // 2 / C(n1+n2, n1), built as a product of ratios so it never overflows.
  let p = 2;
  const small = Math.min(n1, n2);
  const large = Math.max(n1, n2);
  for (let i = 1; i <= small; i++) p *= i / (large + i);
  return Math.min(1, p);
}

/** Whether samples of n1 and n2 values can ever reach p < alpha, however far apart they are. */
export function canReachSignificance(n1: number, n2: number, alpha: number): boolean {
  return minimumP(n1, n2) < alpha;
}

/** Runs per side needed before any difference can be significant at alpha (4 at 0.05, 5 at 0.01). */
export function runsNeededForSignificance(alpha: number): number {
  for (let n = 1; n <= 1000; n++) if (minimumP(n, n) < alpha) return n;
  return Number.POSITIVE_INFINITY;
}

export interface ShiftCI {
  n1: number;
  n2: number;
  /** Hodges–Lehmann estimate of the shift `second − first`: the median of all n1 × n2 pairwise differences. */
  estimate: number;
  /** Lower bound; null when the samples are too small for the level (−∞). */
  lo: number | null;
  /** Upper bound; null when the samples are too small for the level (+∞). */
  hi: number | null;
  /** Actual coverage of [lo, hi] (≥ the requested level when finite). */
  confidence: number;
}

/**
 * How many of the smallest (and largest) pairwise differences the shift interval leaves out: the largest c with
 * P(U ≤ c − 1) ≤ (1 − confidence) / 2 under the null distribution of the Mann–Whitney U (exact up to 50 values a side,
 * else the normal approximation with continuity correction). 0 means no finite interval exists at this level.
 */
function shiftOrder(n1: number, n2: number, confidence: number): { c: number; coverage: number } {
  const tail = (1 - confidence) / 2;
  const total = n1 * n2;
  if (n1 <= EXACT_MAX_N && n2 <= EXACT_MAX_N) {
    const counts = uCounts(n1, n2);
    let orderings = 0;
    for (let k = 0; k < counts.length; k++) orderings += counts[k] as number;
    let below = 0; // P(U ≤ c − 1) × orderings
    let c = 0;
    while (c < total && below + (counts[c] as number) <= tail * orderings) {
      below += counts[c] as number;
      c++;
    }
    return { c, coverage: 1 - (2 * below) / orderings };
  }
  const sd = Math.sqrt((total * (n1 + n2 + 1)) / 12);
  // Largest c with Φ((c − 1 + 0.5 − mn/2) / sd) ≤ tail, by stepping down from the centre (cheap: c ≤ mn/2).
  let c = Math.floor(total / 2);
  while (c > 0 && 1 - normalSf((c - 0.5 - total / 2) / sd) > tail) c--;
  return { c, coverage: c === 0 ? 1 : 1 - 2 * (1 - normalSf((c - 0.5 - total / 2) / sd)) };
}

/**
 * The shift between two samples (`second − first`) with its distribution-free confidence interval: the
 * Hodges–Lehmann estimator and the interval obtained by inverting the Mann–Whitney U test (Hollander & Wolfe,
 * Nonparametric Statistical Methods, §4.3). With the n1 × n2 differences D sorted, the interval is [D(c), D(mn+1−c)].
 * It assumes the two distributions differ by a shift; it needs no normality, which benchmark runs rarely have.
 * 6 runs a side give a 95% interval; 3 a side cannot (the bounds are then null).
 */
export function shiftCI(first: readonly number[], second: readonly number[], confidence = 0.95): ShiftCI {
  const n1 = first.length;
  const n2 = second.length;
  if (n1 === 0 || n2 === 0) return { n1, n2, estimate: Number.NaN, lo: null, hi: null, confidence: 1 };
  const differences: number[] = [];
  for (const a of first) for (const b of second) differences.push(b - a);
  differences.sort((x, y) => x - y);
  const estimate = median(differences);
  const { c, coverage } = shiftOrder(n1, n2, confidence);
  if (c < 1) return { n1, n2, estimate, lo: null, hi: null, confidence: 1 };
  return { n1, n2, estimate, lo: differences[c - 1] as number, hi: differences[differences.length - c] as number, confidence: coverage };
}

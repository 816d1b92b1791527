// Statistics against known values: quantiles, median CIs, Mann-Whitney U p-values, significance reachability.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  canReachSignificance,
  mannWhitneyU,
  median,
  medianCI,
  minRunsForMedianCI,
  minimumP,
  normalSf,
  quantile,
  quantileCIOrders,
  runsNeededForSignificance,
  shiftCI,
} from '../../src/report/stats.js';

/** Equal to ~9 significant digits (the reference values are printed with 16). */
function close(actual: number, expected: number, relative = 1e-9): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) / scale <= relative, `${actual} is not ≈ ${expected}`);
}

describe('quantile and median', () => {
  test('type-7 interpolation', () => {
    // numpy.percentile([1, 2, 3, 4], [25, 50, 90]) = [1.75, 2.5, 3.7] (NumPy's default 'linear' = type 7).
    close(quantile([4, 1, 3, 2], 0.25), 1.75);
    close(quantile([4, 1, 3, 2], 0.5), 2.5);
    close(quantile([4, 1, 3, 2], 0.9), 3.7);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
  });

  test('does not mutate its input', () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe('median confidence interval (order statistics, Binomial(n, 1/2))', () => {
  test('n = 6 at 95%: [x(1), x(6)] with coverage 1 - 2/64', () => {
    // go-moremath/benchmath TestSummaryNone: sample {-10,2,3,4,5,6} → center 3.5, [-10, 6], confidence 1 - 0.03125.
    const ci = medianCI([6, -10, 3, 2, 5, 4], 0.95);
    assert.equal(ci.median, 3.5);
    assert.equal(ci.lo, -10);
    assert.equal(ci.hi, 6);
    close(ci.confidence, 0.96875);
  });

  test('n = 8..11 at 95%: greedy from the mode, so the interval may be one order off-centre', () => {
    // Hand-derived from Binomial(n, 1/2) counts (scipy.stats.binom.pmf agrees): buckets are added from the mode
    // outwards, the left one first on a tie, until the mass reaches 95% (go-moremath QuantileCI):
    // n=8  (1,8,28,56,70,56,28,8,1)/256 → [x(1), x(7)], 1 - (1+1+8)/256 = 0.9609375 (x(2)..x(7) is only 0.9297);
    // n=9  (…)/512  → [x(2), x(8)], 1 - 2·(1+9)/512 = 0.9609375;
    // n=10 (…)/1024 → [x(2), x(9)], 1 - 2·(1+10)/1024 = 0.978515625;
    // n=11 (1,11,55,165,330,462,…)/2048 → [x(2), x(9)], 1 - (1+11+1+11+55)/2048 = 0.96142578125.
    const sample = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    for (const [n, lo, hi, coverage] of [
      [8, 1, 7, 0.9609375],
      [9, 2, 8, 0.9609375],
      [10, 2, 9, 0.978515625],
      [11, 2, 9, 0.96142578125],
    ] as const) {
      const ci = medianCI(sample(n).reverse());
      assert.equal(ci.lo, lo, `n=${n}`);
      assert.equal(ci.hi, hi, `n=${n}`);
      close(ci.confidence, coverage);
    }
  });

  test('too few runs: no finite interval, and the minimum is stated', () => {
    // benchstat: "need >= 6 samples for confidence interval at level 0.95", ">= 8" at 0.99.
    const ci = medianCI([1, 2, 3, 4, 5]);
    assert.equal(ci.lo, null);
    assert.equal(ci.hi, null);
    assert.equal(ci.minRuns, 6);
    assert.equal(minRunsForMedianCI(0.95), 6);
    assert.equal(minRunsForMedianCI(0.99), 8);
    assert.equal(medianCI([42]).median, 42);
  });

  test('go-moremath QuantileCI cases (n = 4 and 5)', () => {
    // go-moremath stats/quantileci_test.go: QuantileCI(4, .5, .001) → [2,3) @ 0.375;
    // QuantileCI(4, .5, .3750001) → [1,3) @ 0.625 (left-biased); QuantileCI(5, .5, .3125001) → [2,4) @ 0.625;
    // QuantileCI(4, .25, .001) → [1,2) @ 0.421875.
    assert.deepEqual(quantileCIOrders(4, 0.5, 0.001), { loOrder: 2, hiOrder: 3, confidence: 0.375 });
    assert.deepEqual(quantileCIOrders(4, 0.5, 0.3750001), { loOrder: 1, hiOrder: 3, confidence: 0.625 });
    const odd = quantileCIOrders(5, 0.5, 0.3125001);
    assert.equal(odd.loOrder, 2);
    assert.equal(odd.hiOrder, 4);
    close(odd.confidence, 0.625);
    const q25 = quantileCIOrders(4, 0.25, 0.001);
    assert.equal(q25.loOrder, 1);
    assert.equal(q25.hiOrder, 2);
    close(q25.confidence, 0.421875);
  });
});

describe('Mann-Whitney U test (two-sided)', () => {
  test('exact, no ties: the scipy documentation example', () => {
    // scipy.stats.mannwhitneyu([19,22,16,29,24], [20,11,17,12], method='exact') → U=17, p=0.1111111111111111
    // (scipy 1.17.1, checked on this machine).
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    assert.equal(result.method, 'exact');
    assert.equal(result.u, 17);
    close(result.p, 0.1111111111111111);
  });

  test('exact: complete separation and interleaving', () => {
    // scipy mannwhitneyu([1,2,3],[4,5,6], method='exact') → U=0, p=0.1 (benchstat: the minimum for 3 vs 3);
    // go-moremath utest_test.go and scipy: {2,1,3,5} vs {12,11,13,15} → p=0.028571428571428577;
    // {2,1,3,5} vs {0,4,6,7} → U=5, p=0.4857142857142857.
    const three = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(three.u, 0);
    close(three.p, 0.1);
    close(mannWhitneyU([2, 1, 3, 5], [12, 11, 13, 15]).p, 0.028571428571428577);
    close(mannWhitneyU([12, 11, 13, 15], [2, 1, 3, 5]).p, 0.028571428571428577);
    const mixed = mannWhitneyU([2, 1, 3, 5], [0, 4, 6, 7]);
    assert.equal(mixed.u, 5);
    close(mixed.p, 0.4857142857142857);
  });

  test('normal approximation with ties: tie-corrected variance and continuity correction', () => {
    // scipy mannwhitneyu([1,2,2,3,4,5], [3,4,4,5,6,7,7], method='asymptotic') → U=6, p=0.03620890133985922.
    const result = mannWhitneyU([1, 2, 2, 3, 4, 5], [3, 4, 4, 5, 6, 7, 7]);
    assert.equal(result.method, 'normal');
    assert.equal(result.u, 6);
    close(result.p, 0.03620890133985922, 1e-8);
  });

  test('large samples match R wilcox.test / scipy asymptotic', () => {
    // go-moremath utest_test.go (checked against R's wilcox.test) and scipy 1.17.1 method='asymptotic':
    // l1 = 2i (i<500), l2 = 2i-41 (i<600) → U=135250, p=0.004933536081417191;
    // l3 = l2 with its first 30 values replaced by l1's (ties) → U=134845, p=0.0038703814239617993.
    const l1 = Array.from({ length: 500 }, (_, i) => i * 2);
    const l2 = Array.from({ length: 600 }, (_, i) => i * 2 - 41);
    const l3 = l2.map((value, i) => (i < 30 ? (l1[i] as number) : value));
    const r12 = mannWhitneyU(l1, l2);
    assert.equal(r12.u, 135250);
    close(r12.p, 0.004933536081417191, 1e-8);
    const r13 = mannWhitneyU(l1, l3);
    assert.equal(r13.u, 134845);
    close(r13.p, 0.0038703814239617993, 1e-8);
  });

  test('ties in tiny samples: the normal tail is floored at the exact minimum', () => {
    // 3 vs 3 with tied groups: the tie-corrected normal approximation gives z = 4/√4.05 → p ≈ 0.047
    // (scipy mannwhitneyu([1,1,1],[2,2,2], method='asymptotic') = 0.04685), but no permutation test on
    // 3 vs 3 can go below 2/C(6,3) = 0.1 (benchstat's table), so the reported p is 0.1: not significant.
    const result = mannWhitneyU([1, 1, 1], [2, 2, 2]);
    assert.equal(result.method, 'normal');
    close(result.p, 0.1);
  });

  test('all values equal or an empty side: p = 1', () => {
    const equal = mannWhitneyU([1, 1, 1, 1], [1, 1, 1, 1]);
    assert.equal(equal.p, 1);
    assert.equal(equal.allEqual, true);
    assert.equal(mannWhitneyU([], [1, 2]).p, 1);
  });

  test('exact and normal agree closely for moderate tie-free samples', () => {
    // scipy: mannwhitneyu(x, y, method='asymptotic') for the docs example → 0.11134688653314041; the exact
    // value is 0.1111; both must be near each other (sanity check of the two code paths).
    const x = [19, 22, 16, 29, 24];
    const y = [20, 11, 17, 12];
    const exact = mannWhitneyU(x, y).p;
    assert.ok(Math.abs(exact - 0.11134688653314041) < 0.001);
  });

  test('standard normal tail', () => {
    // Φ(-1.959963984540054) = 0.025; Φ(-5) = 2.866515718791939e-07 (scipy.stats.norm.sf).
    close(normalSf(1.959963984540054), 0.025, 1e-12);
    close(normalSf(5), 2.866515718791939e-7, 1e-12);
    close(normalSf(0), 0.5, 1e-15);
  });
});

describe('significance reachability', () => {
  test('minimum p for n vs n (benchstat uTestMinP table)', () => {
    // benchmath/anone.go: uTestMinP = {2: 1/3, 3: 0.1, 4: 0.02857142857142857, 5: 0.007936507936507936}.
    close(minimumP(2, 2), 1 / 3);
    close(minimumP(3, 3), 0.1);
    close(minimumP(4, 4), 0.02857142857142857);
    close(minimumP(5, 5), 0.007936507936507936);
    assert.equal(minimumP(1, 1), 1);
  });

  test('3 vs 3 can never reach p < 0.05; 4 vs 4 can', () => {
    assert.equal(canReachSignificance(3, 3, 0.05), false);
    assert.equal(canReachSignificance(4, 4, 0.05), true);
    // benchmath TestUTestSamples: need >= 4 at 0.05, >= 5 at 0.01.
    assert.equal(runsNeededForSignificance(0.05), 4);
    assert.equal(runsNeededForSignificance(0.01), 5);
  });
});

describe('Hodges–Lehmann shift with its Mann–Whitney interval', () => {
  /** P(U ≤ k) under the null for m vs n by enumerating every way to pick the first sample's ranks (independent of stats.ts). */
  function nullCdf(m: number, n: number): number[] {
    const counts = new Array<number>(m * n + 1).fill(0);
    const pick = (start: number, left: number, rankSum: number): void => {
      if (left === 0) {
        counts[rankSum - (m * (m - 1)) / 2]! += 1;
        return;
      }
      for (let r = start; r <= m + n - left; r++) pick(r + 1, left - 1, rankSum + r);
    };
    pick(0, m, 0);
    const total = counts.reduce((a, b) => a + b, 0);
    let running = 0;
    return counts.map((c) => (running += c) / total);
  }

  test('6 vs 6: the interval is [D(6), D(31)] of the 36 differences (P(U ≤ 5) = 19/924), coverage 95.9%', () => {
    const cdf = nullCdf(6, 6);
    const c = cdf.findIndex((p) => p > 0.025); // largest c with P(U ≤ c − 1) ≤ 0.025
    assert.equal(c, 6);
    assert.ok(Math.abs(cdf[5]! - 19 / 924) < 1e-12);
    const first = [3.1, 2.7, 3.9, 2.2, 3.3, 2.9];
    const second = [4.4, 5.1, 3.8, 4.9, 6.0, 4.2];
    const differences = first.flatMap((a) => second.map((b) => b - a)).sort((x, y) => x - y);
    const ci = shiftCI(first, second);
    assert.equal(ci.estimate, (differences[17]! + differences[18]!) / 2);
    assert.equal(ci.lo, differences[c - 1]);
    assert.equal(ci.hi, differences[36 - c]);
    assert.ok(Math.abs(ci.confidence - (1 - (2 * 19) / 924)) < 1e-12);
  });

  test('a pure shift is recovered: second = first + 10 → estimate 10, interval [7, 13]', () => {
    const first = [0, 1, 2, 3, 4, 5];
    const ci = shiftCI(first, first.map((v) => v + 10));
    assert.equal(ci.estimate, 10);
    assert.deepEqual([ci.lo, ci.hi], [7, 13]);
  });

  test('3 vs 3 cannot give a 95% interval (P(U = 0) = 1/20 > 2.5%): unbounded, as medianCI says ±∞', () => {
    const ci = shiftCI([1, 2, 3], [7, 8, 9]);
    assert.equal(ci.estimate, 6);
    assert.equal(ci.lo, null);
    assert.equal(ci.hi, null);
  });

  test('large samples use the normal approximation, still about 95% and around the estimate', () => {
    const first = Array.from({ length: 60 }, (_, i) => i);
    const second = first.map((v) => v + 5);
    const ci = shiftCI(first, second);
    assert.equal(ci.estimate, 5);
    assert.ok(ci.lo !== null && ci.hi !== null && ci.lo < 5 && ci.hi > 5);
    assert.ok(ci.confidence > 0.94 && ci.confidence < 0.96, String(ci.confidence));
  });
});

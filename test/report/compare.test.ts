// compareReports and --fail-on: direction awareness, significance, too-few-runs, suite matching, mismatches.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compareReports, type MetricComparison } from '../../src/report/compare.js';
import { evaluateFailOn, parseFailOn } from '../../src/report/fail-on.js';
import { isH1Error } from '../../src/errors.js';
import { fakeRun, fakeSuite } from '../helpers/fake-report.js';

const BASE_RPS = [1000, 1010, 990, 1005, 995];
const SLOWER_RPS = [800, 810, 790, 805, 795];

function metric(comparison: ReturnType<typeof compareReports>, key: string, caseIndex = 0): MetricComparison {
  const found = comparison.cases[caseIndex]?.metrics.find((item) => item.key === key);
  assert.ok(found, `metric ${key}`);
  return found;
}

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => isH1Error(error) && error.code === code);
}

describe('compareReports: run vs run', () => {
  test('a 20% throughput drop over 5 vs 5 separated runs is significant and worse', () => {
    const comparison = compareReports(fakeRun({ rps: BASE_RPS }), fakeRun({ rps: SLOWER_RPS }));
    const rps = metric(comparison, 'rps');
    assert.equal(rps.base.median, 1000);
    assert.equal(rps.current.median, 800);
    assert.ok(Math.abs((rps.deltaPct as number) + 20) < 1e-9);
    // 5 vs 5 with no overlap: exact two-sided p = 2 / C(10, 5) = 2/252.
    assert.ok(Math.abs(rps.p - 2 / 252) < 1e-12);
    assert.equal(rps.significant, true);
    assert.equal(rps.verdict, 'worse');
    assert.equal(rps.tooFewRuns, false);
    // Latency moved up (fake p99 = 2000/rps): smaller is better, so also worse.
    const p99 = metric(comparison, 'p99');
    assert.ok((p99.deltaPct as number) > 0);
    assert.equal(p99.verdict, 'worse');
    assert.equal(p99.better, 'lower');
  });

  test('the reverse direction is better', () => {
    const comparison = compareReports(fakeRun({ rps: SLOWER_RPS }), fakeRun({ rps: BASE_RPS }));
    assert.equal(metric(comparison, 'rps').verdict, 'better');
    assert.equal(metric(comparison, 'p50').verdict, 'better');
  });

  test('5 runs give a ±∞ CI (6 are needed at 95%), 6 give a finite one', () => {
    const five = metric(compareReports(fakeRun({ rps: BASE_RPS }), fakeRun({ rps: SLOWER_RPS })), 'rps');
    assert.equal(five.base.lo, null);
    const six = metric(compareReports(fakeRun({ rps: [...BASE_RPS, 1002] }), fakeRun({ rps: [...SLOWER_RPS, 801] })), 'rps');
    assert.equal(six.base.lo, 990);
    assert.equal(six.base.hi, 1010);
  });

  test('3 vs 3 runs can never be significant: said plainly, shown as same', () => {
    const comparison = compareReports(fakeRun({ rps: [1000, 1001, 1002] }), fakeRun({ rps: [500, 501, 502] }));
    const rps = metric(comparison, 'rps');
    assert.ok(Math.abs(rps.p - 0.1) < 1e-12);
    assert.equal(rps.tooFewRuns, true);
    assert.equal(rps.significant, false);
    assert.equal(rps.verdict, 'same');
    assert.equal(comparison.minRunsForSignificance, 4);
  });

  test('overlapping runs are not significant', () => {
    const comparison = compareReports(fakeRun({ rps: [1000, 1020, 980, 1010, 990] }), fakeRun({ rps: [1005, 985, 1015, 995, 1000] }));
    const rps = metric(comparison, 'rps');
    assert.equal(rps.significant, false);
    assert.equal(rps.verdict, 'same');
  });

  test('a single run without runs[] is a sample of one', () => {
    const comparison = compareReports(fakeRun({ rps: [1000] }), fakeRun({ rps: [900] }));
    const rps = metric(comparison, 'rps');
    assert.equal(rps.base.n, 1);
    assert.equal(rps.current.median, 900);
    assert.equal(rps.tooFewRuns, true);
  });

  test('different modes name the case base → current and warn about the config', () => {
    const comparison = compareReports(fakeRun({ mode: '1.0', rps: BASE_RPS }), fakeRun({ mode: '1.1', rps: SLOWER_RPS }));
    assert.equal(comparison.cases[0]?.id, '1.0-c1 → 1.1-c1');
    assert.ok(comparison.warnings.some((warning) => warning.includes('mode')));
  });

  test('different machines are warned about', () => {
    const comparison = compareReports(fakeRun({ rps: BASE_RPS }), fakeRun({ rps: BASE_RPS, hostname: 'other' }));
    assert.ok(comparison.warnings.some((warning) => warning.includes('different machines')));
  });

  test('alpha out of range is a usage error', () => {
    throwsCode(() => compareReports(fakeRun({ rps: [1] }), fakeRun({ rps: [1] }), { alpha: 1.5 }), 'H1B_INVALID_OPTION');
  });
});

describe('compareReports: suites', () => {
  const base = fakeSuite([
    { id: '1.0-c1', report: fakeRun({ mode: '1.0', rps: BASE_RPS }) },
    { id: '1.1-c1', report: fakeRun({ mode: '1.1', rps: BASE_RPS }) },
  ]);

  test('case by case, by id; unmatched ids are listed', () => {
    const current = fakeSuite([
      { id: '1.1-c1', report: fakeRun({ mode: '1.1', rps: SLOWER_RPS }) },
      { id: 'pipeline-c1', report: fakeRun({ mode: 'pipeline', rps: BASE_RPS }) },
    ]);
    const comparison = compareReports(base, current);
    assert.equal(comparison.kind, 'suite');
    assert.deepEqual(comparison.cases.map((item) => item.id), ['1.1-c1']);
    assert.deepEqual(comparison.onlyInBase, ['1.0-c1']);
    assert.deepEqual(comparison.onlyInCurrent, ['pipeline-c1']);
    assert.equal(metric(comparison, 'rps').verdict, 'worse');
  });

  test('a case measured differently (here: another duration) is warned about', () => {
    const longer = fakeRun({ mode: '1.1', rps: BASE_RPS });
    const current = fakeSuite([{ id: '1.1-c1', report: { ...longer, config: { ...longer.config, durationMs: 5000 } } }]);
    const comparison = compareReports(base, current);
    assert.ok(comparison.warnings.includes('1.1-c1: configs differ: durationMs 1000 → 5000'), comparison.warnings.join('; '));
  });

  test('no common case, or a run against a suite: H1B_REPORT_MISMATCH', () => {
    throwsCode(() => compareReports(base, fakeSuite([{ id: 'x', report: fakeRun({ rps: [1] }) }])), 'H1B_REPORT_MISMATCH');
    throwsCode(() => compareReports(base, fakeRun({ rps: [1] })), 'H1B_REPORT_MISMATCH');
    throwsCode(() => compareReports(fakeRun({ rps: [1] }), base), 'H1B_REPORT_MISMATCH');
  });
});

describe('--fail-on', () => {
  test('parses signs, aliases and the default (worse) direction', () => {
    assert.deepEqual(parseFailOn('rps:-5%, p99:+10%'), [
      { key: 'rps', direction: 'down', thresholdPct: 5, text: 'rps:-5%' },
      { key: 'p99', direction: 'up', thresholdPct: 10, text: 'p99:+10%' },
    ]);
    assert.equal(parseFailOn('p99.9:2.5%')[0]?.key, 'p999');
    assert.equal(parseFailOn('p99.9:2.5%')[0]?.direction, 'up');
    assert.equal(parseFailOn('throughput:3%')[0]?.direction, 'down');
    assert.equal(parseFailOn('handshakes:+0%')[0]?.key, 'hs');
  });

  test('rejects malformed rules', () => {
    for (const bad of ['', 'rps', 'rps:-5', 'rps:five%', 'latency:+5%', 'rps:-5%,,p42:+1%', 'rps:--5%']) {
      throwsCode(() => parseFailOn(bad), 'H1B_INVALID_OPTION');
    }
  });

  test('fires only for a significant change beyond the threshold, in the rule direction', () => {
    const worse = compareReports(fakeRun({ rps: BASE_RPS }), fakeRun({ rps: SLOWER_RPS }));
    assert.equal(evaluateFailOn(worse, parseFailOn('rps:-5%')).length, 1);
    assert.equal(evaluateFailOn(worse, parseFailOn('rps:-25%')).length, 0, 'a 20% drop is within 25%');
    assert.equal(evaluateFailOn(worse, parseFailOn('rps:+5%')).length, 0, 'wrong direction');
    assert.equal(evaluateFailOn(worse, parseFailOn('p99:+10%'))[0]?.caseId, '1.1-c1');
    const better = compareReports(fakeRun({ rps: SLOWER_RPS }), fakeRun({ rps: BASE_RPS }));
    assert.equal(evaluateFailOn(better, parseFailOn('rps:-5%,p99:+10%')).length, 0);
    // Too few runs: a 50% drop is not significant, so it cannot fail the build.
    const few = compareReports(fakeRun({ rps: [1000, 1001, 1002] }), fakeRun({ rps: [500, 501, 502] }));
    assert.equal(evaluateFailOn(few, parseFailOn('rps:-5%')).length, 0);
  });
});

// Each comparison format against its documented shape: text, markdown, json, github-action-benchmark, bencher.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compareReports } from '../../src/report/compare.js';
import { evaluateFailOn, parseFailOn } from '../../src/report/fail-on.js';
import { COMPARE_FORMATS, renderComparison } from '../../src/report/formats/index.js';
import { fakeRun, fakeSuite } from '../helpers/fake-report.js';

const base = fakeSuite([
  { id: '1.0-c1', report: fakeRun({ mode: '1.0', rps: [500, 505, 495, 502, 498, 501] }) },
  { id: '1.1-c1', report: fakeRun({ mode: '1.1', rps: [1000, 1010, 990, 1005, 995, 1002] }) },
]);
const current = fakeSuite([
  { id: '1.0-c1', report: fakeRun({ mode: '1.0', rps: [501, 499, 503, 497, 500, 502] }) },
  { id: '1.1-c1', report: fakeRun({ mode: '1.1', rps: [800, 810, 790, 805, 795, 802] }) },
]);
const comparison = compareReports(base, current);
const violations = evaluateFailOn(comparison, parseFailOn('rps:-5%'));

describe('github-action-benchmark', () => {
  // Documented shape (benchmark-action/github-action-benchmark README "custom benchmarks", src/extract.ts
  // BenchmarkResult): an array of {name: string, unit: string, value: number, range?: string, extra?: string}.
  const parsed = JSON.parse(renderComparison('github-action-benchmark', comparison)) as Record<string, unknown>;

  test('two arrays, throughput bigger-is-better, latency smaller-is-better', () => {
    assert.deepEqual(Object.keys(parsed).sort(), ['customBiggerIsBetter', 'customSmallerIsBetter']);
    const bigger = parsed.customBiggerIsBetter as Array<Record<string, unknown>>;
    const smaller = parsed.customSmallerIsBetter as Array<Record<string, unknown>>;
    assert.deepEqual(bigger.map((entry) => entry.name), ['1.0-c1 req/s', '1.0-c1 bytes/s', '1.1-c1 req/s', '1.1-c1 bytes/s']);
    assert.ok(smaller.some((entry) => entry.name === '1.1-c1 latency p99' && entry.unit === 'ms'));
    assert.ok(smaller.some((entry) => entry.name === '1.0-c1 handshakes/req'));
  });

  test('every entry has exactly the documented fields and types', () => {
    for (const list of [parsed.customBiggerIsBetter, parsed.customSmallerIsBetter] as Array<Array<Record<string, unknown>>>) {
      assert.ok(Array.isArray(list) && list.length > 0);
      for (const entry of list) {
        for (const key of Object.keys(entry)) assert.ok(['name', 'unit', 'value', 'range', 'extra'].includes(key), key);
        assert.equal(typeof entry.name, 'string');
        assert.equal(typeof entry.unit, 'string');
        assert.ok(typeof entry.value === 'number' && Number.isFinite(entry.value));
        if ('range' in entry) assert.match(entry.range as string, /^± \d/);
        assert.equal(typeof entry.extra, 'string');
      }
    }
  });

  test('value is the CURRENT median', () => {
    const bigger = parsed.customBiggerIsBetter as Array<{ name: string; value: number }>;
    assert.equal(bigger.find((entry) => entry.name === '1.1-c1 req/s')?.value, 801);
  });
});

describe('bencher (Bencher Metric Format)', () => {
  // Documented shape (bencher.dev/docs/how-to/track-custom-benchmarks): {benchmark: {measure: {value,
  // lower_value?, upper_value?}}}; `latency` is built in and in nanoseconds, `throughput` in operations/s.
  const parsed = JSON.parse(renderComparison('bencher', comparison)) as Record<string, Record<string, Record<string, unknown>>>;

  test('benchmarks → measures → metric objects with numeric value and optional bounds', () => {
    assert.deepEqual(Object.keys(parsed), ['h1bench/1.0-c1', 'h1bench/1.1-c1']);
    for (const measures of Object.values(parsed)) {
      assert.ok(Object.keys(measures).length === 8);
      for (const [slug, metric] of Object.entries(measures)) {
        assert.match(slug, /^[a-z0-9-]+$/);
        for (const key of Object.keys(metric)) assert.ok(['value', 'lower_value', 'upper_value'].includes(key), key);
        assert.ok(typeof metric.value === 'number' && Number.isFinite(metric.value));
        if ('lower_value' in metric) {
          assert.ok((metric.lower_value as number) <= (metric.value as number));
          assert.ok((metric.upper_value as number) >= (metric.value as number));
        }
      }
    }
  });

  test('throughput is req/s, latency is p50 in ns', () => {
    const measures = parsed['h1bench/1.1-c1'] as Record<string, Record<string, number>>;
    assert.equal(measures.throughput?.value, 801);
    assert.equal(measures.throughput?.lower_value, 790);
    // fake p50 = 1000/rps ms; median of six p50s (1000/rps) = 1000/801.5-ish; in ns it is ~1.25e6.
    assert.ok((measures.latency?.value as number) > 1.2e6 && (measures.latency?.value as number) < 1.3e6);
  });
});

describe('markdown', () => {
  const text = renderComparison('markdown', comparison, violations);

  test('a well-formed GitHub table per case, the regression called out', () => {
    const lines = text.split('\n');
    assert.ok(lines.includes('### 1.0-c1') && lines.includes('### 1.1-c1'));
    const rows = lines.filter((line) => line.startsWith('|'));
    const cells = (line: string): number => line.replace(/\\\|/g, '').split('|').length - 2;
    for (const row of rows) assert.equal(cells(row), 5, row);
    assert.ok(text.includes('**Regression:**'));
    assert.ok(text.includes('**-19.98% (worse)**'));
    // The unchanged 1.0 case shows `~`.
    assert.ok(rows.some((row) => row.startsWith('| req/s |') && row.includes('| ~ |')));
  });
});

describe('text', () => {
  test('benchstat-like table with ~ and a direction word', () => {
    const text = renderComparison('text', comparison, violations);
    assert.match(text, /^BASE: {4}suite of /);
    assert.match(text, /req\/s\s+1,001 req\/s ±1%\s+801 req\/s ±1%\s+-19\.98% \(worse\)\s+p=0\.002 n=6/);
    assert.match(text, /REGRESSION: 1\.1-c1 req\/s -19\.98%/);
  });

  test('too few runs and unbounded CIs are explained', () => {
    const few = compareReports(fakeRun({ rps: [1, 2, 3] }), fakeRun({ rps: [4, 5, 6] }));
    const text = renderComparison('text', few);
    assert.match(text, /3 runs per side cannot show significance at alpha 0\.05: .*need ≥ 4 runs per side \(bench run --runs 4 for both reports\)/);
    assert.match(text, /±∞: need ≥ 6 runs .*\(bench run --runs 6\)/);
  });

  test('one run a side: the raw change beside ~, and the command that repeats runs for that kind of report', () => {
    const single = renderComparison('text', compareReports(fakeRun({ rps: [1000] }), fakeRun({ rps: [630] })));
    assert.match(single, /req\/s\s+1,000 req\/s ±∞\s+630 req\/s ±∞\s+~ \(-37\.00%\)\s+p=1\.000 n=1/);
    assert.match(single, /one run per side cannot show significance at alpha 0\.05: ~ marks every change, with the raw change beside it; need ≥ 4 runs per side \(bench run --runs 4 for both reports\)/);
    const suites = renderComparison('markdown', compareReports(fakeSuite([{ id: '1.1-c1', report: fakeRun({ rps: [1000] }) }]), fakeSuite([{ id: '1.1-c1', report: fakeRun({ rps: [630] }) }])));
    assert.match(suites, /\| req\/s \| 1,000 req\/s ±∞ \| 630 req\/s ±∞ \| ~ \(-37\.00%\) \|/);
    assert.match(suites, /bench suite --runs 4 for both reports/);
    assert.doesNotMatch(suites, /bench run --runs/);
  });
});

describe('json', () => {
  test('the typed comparison plus regressions', () => {
    const parsed = JSON.parse(renderComparison('json', comparison, violations)) as Record<string, unknown>;
    assert.equal(parsed.kind, 'suite');
    assert.equal(parsed.alpha, 0.05);
    assert.equal((parsed.cases as unknown[]).length, 2);
    assert.equal((parsed.regressions as Array<{ metric: string }>)[0]?.metric, 'rps');
  });

  test('every format renders', () => {
    for (const format of COMPARE_FORMATS) assert.ok(renderComparison(format, comparison).length > 0, format);
  });
});

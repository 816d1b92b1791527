// The wrk --latency style table: percentiles from the HdrHistogram, clamped to [min, max], dashes when empty; the
// per-run spread of --runs N; the explanations printed where TIME_WAIT and kernel counts appear.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';
import { distributionOf, TABLE_PERCENTILES } from '../../src/report/distribution.js';
import { kernelCountExplanation, timeWaitExplanation } from '../../src/report/explain.js';
import { mergeRunReports } from '../../src/report/merge.js';
import { renderRunSummary } from '../../src/report/render-text.js';
import { loadResult, runReport } from './fixtures.js';

function encoded(values: number[]): string {
  const histogram = createHistogram();
  for (const value of values) recordUs(histogram, value);
  const text = encodeHistogram(histogram);
  histogram.destroy();
  return text;
}

describe('latency distribution', () => {
  test('p50 … p99.99 and max from the histogram (1..10000 µs)', () => {
    const row = distributionOf(encoded(Array.from({ length: 10_000 }, (_, i) => i + 1)));
    assert.deepEqual(TABLE_PERCENTILES, [50, 75, 90, 99, 99.9, 99.99]);
    assert.equal(row.count, 10_000);
    assert.equal(row.minMs, 0.001);
    // HdrHistogram's max is its bucket's highest equivalent value: 10 ms to 3 significant digits.
    assert.ok(Math.abs((row.maxMs as number) - 10) <= 0.01, String(row.maxMs));
    // HdrHistogram at 3 significant digits: within 0.1% of the exact order statistic.
    const exact = [5, 7.5, 9, 9.9, 9.99, 9.999];
    row.percentilesMs.forEach((value, index) => assert.ok(Math.abs((value as number) - exact[index]!) <= exact[index]! * 0.001 + 0.001, `p${TABLE_PERCENTILES[index]}: ${value}`));
  });

  test('percentiles never exceed max nor fall below min, even where a bucket’s top lies beyond them', () => {
    // 12345 µs lands in a bucket whose highest equivalent value is above 12345.
    const row = distributionOf(encoded([12_345, 12_345, 12_345, 1]));
    assert.ok(Math.abs((row.maxMs as number) - 12.345) <= 0.013, String(row.maxMs));
    assert.equal(row.minMs, 0.001);
    for (const value of row.percentilesMs) {
      assert.ok((value as number) <= (row.maxMs as number), `${value} > max`);
      assert.ok((value as number) >= (row.minMs as number), `${value} < min`);
    }
  });

  test('an empty histogram has no figures (shown as –, never 0 ms)', () => {
    const row = distributionOf(encoded([]));
    assert.equal(row.count, 0);
    assert.equal(row.maxMs, null);
    assert.ok(row.percentilesMs.every((value) => value === null));
    const none = runReport({ result: loadResult({ completed: 0, latency: createHistogram(), ttfb: createHistogram() }) });
    const text = renderRunSummary(none);
    assert.match(text, /^│ latency\s+│\s+–\s+│\s+–\s+│/m);
    assert.doesNotMatch(text, /│ latency\s+│\s+0\.000/m);
  });

  test('the run summary prints the table like wrk --latency, and with --runs N each run and the spread', () => {
    const one = runReport();
    const text = renderRunSummary(one);
    assert.match(text, /│ ms\s+│\s+min │\s+p50 │\s+p75 │\s+p90 │\s+p99 │\s+p99\.9 │\s+p99\.99 │\s+max │\s+mean │/);
    assert.match(text, /│ latency\s+│ 0\.001 │ 0\.500 │ 0\.750 │ 0\.900 │ 0\.990 │ 0\.999 │\s+1\.000 │ 1\.000 │/);
    assert.doesNotMatch(text, /│ run\s+│ req\/s/, 'one run has no spread table');

    const faster = runReport({ result: loadResult({ measuredUs: 400_000 }) });
    const merged = mergeRunReports([one, faster, one]);
    const spread = renderRunSummary(merged);
    assert.match(spread, /│ #1\s+│\s+2,000 │/);
    assert.match(spread, /│ #2\s+│\s+2,500 │/);
    assert.match(spread, /│ median\s+│\s+2,000 │/);
    assert.match(spread, /│ spread \(range\/2\)\s+│\s+±12\.5% │/);
  });
});

describe('explanations where the numbers appear', () => {
  test('TIME_WAIT below the server-side closes: reuse (RFC 6191) and the 60 s window', () => {
    const report = runReport();
    const fewer = { ...report, timeWait: { ...report.timeWait, serverSide: 640 } };
    assert.match(timeWaitExplanation(fewer) ?? '', /^640 server-side TIME_WAIT sockets for 1,000 server-first closes: .*RFC 6191.*60 s/);
    assert.equal(timeWaitExplanation(report), null, 'equal counts need no explanation');
    assert.match(renderRunSummary(fewer), /^why: 640 server-side TIME_WAIT sockets/m);
  });

  test('host-scope kernel count against the client count', () => {
    const report = runReport();
    assert.equal(report.handshakes.kernel?.scope, 'host');
    assert.match(kernelCountExplanation(report) ?? '', /kernel ActiveOpens 1,003 vs client 1,000: the kernel counts every connect\(\) in the host network namespace/);
    assert.match(renderRunSummary(report), /^why: kernel ActiveOpens 1,003 vs client 1,000/m);
    const exact = { ...report, handshakes: { ...report.handshakes, kernel: { ...report.handshakes.kernel!, activeOpens: 1000 } } };
    assert.equal(kernelCountExplanation(exact), null);
  });
});

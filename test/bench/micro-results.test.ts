// bench:micro result handling: saved files sort by time, the last run is found, deltas are computed; histogram tasks run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { register } from '../../bench/micro/histogram.js';
import { collectMicro, deltaPercent, latestMicro, microFileName, renderMicroTable, saveMicro, type MicroResults } from '../../bench/micro-results.js';

function results(startedAt: string, opsPerSec: number): MicroResults {
  return {
    kind: 'micro',
    schemaVersion: 1,
    startedAt,
    machine: { cpuModel: 'cpu', cores: 2, node: 'v20', kernel: 'k' },
    entries: [{ name: 'parse', opsPerSec, rmePercent: 1, meanNs: 1e9 / opsPerSec, samples: 100 }],
  };
}

test('saveMicro/latestMicro: the newest saved run is the one compared against', () => {
  const dir = mkdtempSync(join(tmpdir(), 'h1bench-micro-'));
  try {
    assert.equal(latestMicro(dir), null);
    saveMicro(dir, results('2026-11-25T04:00:00.000Z', 1000));
    saveMicro(dir, results('2026-11-25T05:00:00.000Z', 2000));
    writeFileSync(join(dir, 'micro-zzz-broken.json'), '{not json');
    const latest = latestMicro(dir);
    assert.equal(latest?.file, 'micro-2026-11-25T050000Z.json');
    assert.equal(latest?.results.entries[0]?.opsPerSec, 2000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deltaPercent and the table show the change against the previous run', () => {
  const previous = results('2026-11-25T04:00:00.000Z', 1000);
  const current = results('2026-11-25T05:00:00.000Z', 1250);
  assert.equal(deltaPercent(current.entries[0]!, previous), 25);
  assert.equal(deltaPercent(current.entries[0]!, null), null);
  const table = renderMicroTable(current, previous);
  assert.match(table, /\+25\.0/);
  assert.match(table, /previous ops\/s/);
  assert.doesNotMatch(renderMicroTable(current, null), /previous/);
  assert.equal(microFileName(new Date('2026-01-02T03:04:05.678Z')), 'micro-2026-01-02T030405Z.json');
});

test('the histogram micro-benchmarks run and are collected', async () => {
  const bench = new Bench({ time: 20, iterations: 5, warmup: false });
  register(bench);
  await bench.run();
  const { results: collected, failed } = collectMicro(bench, new Date());
  assert.deepEqual(failed, []);
  assert.deepEqual(collected.entries.map((e) => e.name), [
    'histogram: recordUs (one response)',
    'histogram: summarizeMs (100k samples)',
    'histogram: encode for the report (100k samples)',
  ]);
  for (const entry of collected.entries) assert.ok(entry.opsPerSec > 0 && entry.samples > 0, entry.name);
});

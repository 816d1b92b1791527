// Real runs end to end: `bench run --runs 5` in 1.0 and 1.1, then `bench compare` finds 1.0 significantly slower.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComparisonJson } from '../../src/report/formats/json.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 90_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1bench-compare-e2e-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('1.0 vs 1.1, 5 short runs each: 1.0 is significantly slower on req/s', async () => {
  const reports: string[] = [];
  for (const mode of ['1.0', '1.1']) {
    const out = join(dir, `${mode}.json`);
    const run = await bench(['run', '--mode', mode, '--runs', '5', '-d', '300ms', '--warmup', '100ms', '-c', '4', '--no-progress', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    reports.push(out);
  }
  const result = await bench(['compare', reports[0] as string, reports[1] as string, '--format', 'json', '--fail-on', 'rps:-5%']);
  // 1.1 is CURRENT: faster, so the drop-only rule does not fire.
  assert.equal(result.code, 0, result.stderr);
  const comparison = JSON.parse(result.stdout) as ComparisonJson;
  const rps = comparison.cases[0]?.metrics.find((metric) => metric.key === 'rps');
  assert.ok(rps);
  assert.equal(rps.base.n, 5);
  assert.equal(rps.current.n, 5);
  assert.equal(rps.significant, true, `p=${rps.p}`);
  assert.ok(rps.current.median > rps.base.median, 'keep-alive must beat a connection per request');
  assert.equal(rps.verdict, 'better');
  const hs = comparison.cases[0]?.metrics.find((metric) => metric.key === 'hs');
  assert.equal(hs?.base.median, 1, 'HTTP/1.0: one handshake per request');

  // And the other way round: 1.1 as BASE, 1.0 as CURRENT is a significant regression beyond -5%.
  const reverse = await bench(['compare', reports[1] as string, reports[0] as string, '--fail-on', 'rps:-5%']);
  assert.equal(reverse.code, 1, reverse.stderr);
  assert.match(reverse.stderr, /H1B_REGRESSION/);
});

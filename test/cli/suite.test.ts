// `bench suite` end to end with a tiny suite: the report where it was asked for, --html beside it, the answer last.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readReport } from '../../src/report/store.js';
import type { SuiteReport } from '../../src/report/schema.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

test('bench suite --html: the suite page beside the report (directories created), the answer at the end', async () => {
  const file = join(dir, 'tiny.json');
  writeFileSync(file, JSON.stringify({ modes: ['1.0', '1.1'], connections: [2], runs: 2, duration: '200ms', warmup: '0ms' }));
  const out = join(dir, 'new', 'suite.json');
  const result = await runCli(['suite', '--file', file, '--out', out, '--html', '--no-progress'], { cwd: dir, limitMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  const report = readReport(out) as SuiteReport;
  assert.deepEqual(report.cases.map((item) => item.id), ['1.0-c2', '1.1-c2']);
  assert.ok(report.cases.every((item) => item.report.runs?.every((run) => typeof run.serverCpuSec === 'number')), 'each run keeps its server CPU');
  const html = join(dir, 'new', 'suite.html');
  assert.ok(existsSync(html));
  assert.match(readFileSync(html, 'utf8'), /<title>h1bench suite: suite<\/title>/);
  assert.match(result.stdout, /What one request costs in HTTP\/1\.0 over 1\.1 keep-alive \(c=2, 2 runs each; 1\.1 serves [\d.,]+× the requests\/s\):/);
  assert.match(result.stdout, /latency p50 {2}[+-][\d.]+ ms \[no 95% interval: too few runs\]/);
  assert.match(result.stdout, /TIME_WAIT {4}1\.0 left [\d,]+ sockets on the server side/);
  assert.ok(result.stdout.trimEnd().endsWith(`report: ${out}\nhtml: ${html}`), result.stdout.slice(-300));
});

test('bench suite --out into an unwritable place fails before the first run', async () => {
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, '');
  const result = await runCli(['suite', '--preset', 'quick', '--out', join(blocker, 'x.json'), '--progress'], { cwd: dir, limitMs: 20_000 });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /cannot write the suite report to .*checked before measuring, so nothing was lost \[H1B_REPORT_WRITE\]/);
  assert.doesNotMatch(result.stderr, /^(\[\d+\/\d+\] )?\S+ (measuring|warming up)/m);
});

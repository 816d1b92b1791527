// `bench report` end to end: real CLI process, fixture reports on disk, output files and exit codes.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runReportFixture, suiteReportFixture, withRepeats } from './html-fixtures.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function bench(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1bench-report-cli-'));
  const write = (name: string, value: unknown): Promise<void> => writeFile(join(dir, name), JSON.stringify(value));
  await write('http10.json', withRepeats(runReportFixture({ mode: '1.0', label: 'http10', seed: 1, requests: 3000, seconds: 2 }), 5, 11));
  await write('http11.json', withRepeats(runReportFixture({ mode: '1.1', label: null, seed: 2, requests: 6000, seconds: 2 }), 5, 12));
  await write('suite.json', suiteReportFixture());
  await write('future.json', { ...runReportFixture({ mode: '1.1', label: null, requests: 100, seconds: 1 }), schemaVersion: 99 });
  await writeFile(join(dir, 'broken.json'), '{"schemaVersion": 1, ');
  // A benchmark's own figures (results/bench/micro-*.json): JSON with a schemaVersion, but not a report.
  await write('micro.json', { kind: 'micro', schemaVersion: 1, startedAt: '2026-11-25T05:42:52.000Z', entries: [] });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench report', () => {
  test('one report: writes FILE.html beside it', async () => {
    const result = await bench(['report', 'http10.json'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'wrote http10.html\n');
    const html = await readFile(join(dir, 'http10.html'), 'utf8');
    assert.match(html, /<title>h1bench run: http10<\/title>/);
    assert.ok(!(await readdir(dir)).some((name) => name.endsWith('.tmp')), 'temp file left behind');
  });

  test('several reports overlaid into -o; an unlabelled run is named by its file', async () => {
    const result = await bench(['report', 'http10.json', 'http11.json', '-o', 'both.html'], dir);
    assert.equal(result.code, 0, result.stderr);
    const html = await readFile(join(dir, 'both.html'), 'utf8');
    assert.match(html, /<title>h1bench: http10 vs http11<\/title>/);
  });

  test('a suite, to stdout with -o -', async () => {
    const result = await bench(['report', 'suite.json', '-o', '-'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.startsWith('<!DOCTYPE html>'));
    assert.match(result.stdout, /h1bench suite: quick suite/);
    assert.ok(!existsSync(join(dir, 'suite.html')));
  });

  test('--compare renders deltas with significance', async () => {
    const result = await bench(['report', '--compare', 'http10.json', 'http11.json', '-o', 'diff.html'], dir);
    assert.equal(result.code, 0, result.stderr);
    const html = await readFile(join(dir, 'diff.html'), 'utf8');
    assert.match(html, /id="chart-deltas"/);
    assert.match(html, /req\/s: \+\d+(\.\d+)?% better \(p=0\.0\d+\)/);
  });

  test('a glob catching non-report JSON skips each with one line naming it, and renders the reports', async () => {
    const result = await bench(['report', 'http10.json', 'micro.json', 'suite.json', '-o', 'mixed.html'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, 'bench report: skipping micro.json: not an h1bench report (kind "micro")\n');
    assert.doesNotMatch(result.stderr, /schemaVersion|upgrade/);
    assert.match(await readFile(join(dir, 'mixed.html'), 'utf8'), /<title>h1bench: http10 vs quick suite 1\.0-c10/);
  });

  test('-o into a directory that does not exist yet creates it', async () => {
    const result = await bench(['report', 'http10.json', '-o', join('new', 'dir', 'x.html')], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(dir, 'new', 'dir', 'x.html')));
  });

  test('a reader that leaves early (-o - | head -c 300): exit 0, no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [CLI, 'report', 'suite.json', '-o', '-'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let got = 0;
    // Like head -c 300: read 300 bytes, then close the pipe; the page is far larger than the pipe buffer.
    child.stdout.on('data', (chunk: Buffer) => {
      got += chunk.length;
      if (got >= 300) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', (status) => resolve(status)));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });

  test('usage and input errors exit 2 with the error code; an unwritable output exits 1', async () => {
    const cases: Array<[string[], number, string]> = [
      [['report', '--compare', 'http10.json'], 2, 'H1B_INVALID_OPTION'],
      [['report', 'missing.json'], 2, 'H1B_REPORT_READ'],
      [['report', 'broken.json'], 2, 'H1B_REPORT_READ'],
      [['report', 'future.json'], 2, 'H1B_REPORT_SCHEMA'],
      [['report', '--compare', 'http10.json', 'suite.json'], 2, 'H1B_REPORT_MISMATCH'],
      // A parent that is a file cannot become a directory.
      [['report', 'http10.json', '-o', join(dir, 'http10.json', 'x.html')], 1, 'H1B_REPORT_WRITE'],
      [['report', 'micro.json'], 2, 'H1B_REPORT_SCHEMA'],
      [['report', '--compare', 'micro.json', 'http10.json'], 2, 'H1B_REPORT_SCHEMA'],
    ];
    for (const [args, code, errorCode] of cases) {
      const result = await bench(args, dir);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.ok(result.stderr.includes(`[${errorCode}]`), `${args.join(' ')}: ${result.stderr}`);
    }
  });
});

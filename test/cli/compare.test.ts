// `bench compare` end to end: exit codes 0 (no regression), 1 (significant change beyond --fail-on), 2 (usage).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeRun, fakeSuite } from '../helpers/fake-report.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function bench(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench compare', () => {
  let dir = '';
  const path = (name: string): string => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'h1bench-compare-'));
    const write = (name: string, value: unknown): Promise<void> => writeFile(path(name), JSON.stringify(value));
    await write('base.json', fakeRun({ rps: [1000, 1010, 990, 1005, 995] }));
    await write('slower.json', fakeRun({ rps: [800, 810, 790, 805, 795] }));
    await write('suite.json', fakeSuite([{ id: '1.1-c1', report: fakeRun({ rps: [1000] }) }]));
    await write('future.json', { ...fakeRun({ rps: [1000] }), schemaVersion: 99 });
    await writeFile(path('broken.json'), '{ not json');
    // What results/bench/ holds: a benchmark's own figures, with a schemaVersion but no report kind.
    await write('micro.json', { kind: 'micro', schemaVersion: 1, startedAt: '2026-11-25T05:42:52.000Z', entries: [] });
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a JSON file that is not a report is named as such in one line, not "upgrade h1bench" (exit 2)', async () => {
    const result = await bench(['compare', path('micro.json'), path('base.json')]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `bench: BASE ${path('micro.json')} is not an h1bench report (kind "micro"); give a report written by bench run or bench suite [H1B_REPORT_SCHEMA]\n`);
    assert.doesNotMatch(result.stderr, /upgrade/);
  });

  test('single runs: the raw change beside ~, and how many runs would show significance', async () => {
    const one = path('one.json');
    const slower = path('one-slower.json');
    await writeFile(one, JSON.stringify(fakeRun({ rps: [1000] })));
    await writeFile(slower, JSON.stringify(fakeRun({ rps: [630] })));
    const result = await bench(['compare', one, slower]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /req\/s .*~ \(-37\.00%\)/);
    assert.match(result.stdout, /one run per side cannot show significance .*need ≥ 4 runs per side \(bench run --runs 4 for both reports\)/);
  });

  test('exit 0 and a text table without --fail-on', async () => {
    const result = await bench(['compare', path('base.json'), path('slower.json')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /req\/s .* -20\.00% \(worse\)/);
  });

  test('exit 1 on a significant change beyond --fail-on, after printing the table', async () => {
    const result = await bench(['compare', path('base.json'), path('slower.json'), '--fail-on', 'rps:-5%', '--format', 'markdown']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\*\*Regression:\*\*/);
    assert.match(result.stderr, /\[H1B_REGRESSION\]/);
  });

  test('exit 0 when the change is within the threshold or an improvement', async () => {
    assert.equal((await bench(['compare', path('base.json'), path('slower.json'), '--fail-on', 'rps:-25%'])).code, 0);
    assert.equal((await bench(['compare', path('slower.json'), path('base.json'), '--fail-on', 'rps:-5%,p99:+10%'])).code, 0);
  });

  test('exit 2 for usage errors: bad spec, unreadable file, bad JSON, unknown schema, mismatch, bad format', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['compare', path('base.json'), path('slower.json'), '--fail-on', 'rps:-5'], /H1B_INVALID_OPTION/],
      [['compare', path('base.json'), path('missing.json')], /H1B_REPORT_READ/],
      [['compare', path('base.json'), path('broken.json')], /H1B_REPORT_READ/],
      [['compare', path('base.json'), path('future.json')], /H1B_REPORT_SCHEMA/],
      [['compare', path('base.json'), path('suite.json')], /H1B_REPORT_MISMATCH/],
      [['compare', path('base.json'), path('slower.json'), '--format', 'xml'], /format/],
      [['compare', path('base.json'), path('slower.json'), '--alpha', '0'], /alpha/],
      [['compare', path('base.json')], /arguments/],
    ];
    for (const [args, message] of cases) {
      const result = await bench(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  test('--out writes the chosen format and prints the text table', async () => {
    const out = path('bmf.json');
    const result = await bench(['compare', path('base.json'), path('slower.json'), '--format', 'bencher', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^BASE:/);
    const written = JSON.parse(await readFile(out, 'utf8')) as Record<string, Record<string, { value: number }>>;
    assert.equal(written['h1bench/1.1-c1']?.throughput?.value, 800);
  });
});

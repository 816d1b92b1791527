// Runs the `run:` commands of .github/workflows/perf.yml with a tiny suite, so the example workflow never rots: the first
// run records its own baseline, later ones compare with it, a regression fails, a push replaces the baseline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteReport } from '../../src/report/schema.js';
import { PACKAGE_ROOT } from '../../src/version.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const WORKFLOW = join(PACKAGE_ROOT, '.github', 'workflows', 'perf.yml');

interface Step {
  name: string;
  run: string;
}

/** Minimal reader for the two things the test needs: the job's `env:` map and each step's `run:` script. */
export function parseWorkflow(text: string): { env: Record<string, string>; steps: Step[] } {
  const lines = text.split('\n');
  const env: Record<string, string> = {};
  const steps: Step[] = [];
  let name = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const indent = line.length - line.trimStart().length;
    if (/^\s+env:\s*$/.test(line) && indent === 4) {
      for (let j = i + 1; j < lines.length && (lines[j] as string).startsWith(' '.repeat(6)); j++) {
        const match = /^\s+([A-Z_]+):\s*(.*)$/.exec(lines[j] as string);
        if (match) env[match[1] as string] = (match[2] as string).trim();
      }
    }
    const named = /^\s*- name:\s*(.*)$/.exec(line);
    if (named) name = named[1] as string;
    const run = /^(\s*)(?:- )?run:\s*(.*)$/.exec(line);
    if (!run) continue;
    const value = run[2] as string;
    if (value !== '|') {
      steps.push({ name, run: value });
      continue;
    }
    const body: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j] as string;
      const nextIndent = next.length - next.trimStart().length;
      if (next.trim() !== '' && nextIndent <= indent) break;
      body.push(next.slice(indent + 2));
    }
    steps.push({ name, run: body.join('\n').trim() });
  }
  return { env, steps };
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // GitHub runs `run:` steps with `bash -e {0}`; pipefail as with `shell: bash`.
    execFile('bash', ['-eo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1bench-perf-workflow-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('perf.yml: the first run records its own baseline (and says so), later runs compare, a regression fails', async (t) => {
  if (spawnSync('bash', ['-c', 'true']).status !== 0) {
    t.skip('bash is not installed (GitHub runs run: steps with bash)');
    return;
  }
  const text = await readFile(WORKFLOW, 'utf8');
  const workflow = parseWorkflow(text);
  const steps = workflow.steps.filter((step) => !step.run.startsWith('npm '));
  assert.deepEqual(steps.map((step) => step.name), ['Run the quick suite', 'Compare with the baseline']);
  assert.ok(workflow.env.FAIL_ON && workflow.env.BENCH && workflow.env.SUITE_ARGS && workflow.env.BASELINE && workflow.env.RECORD);
  assert.match(workflow.env.SUITE_ARGS, /--preset quick/);
  // The baseline lives in the Actions cache of the runner class, never in the repository.
  assert.doesNotMatch(workflow.env.BASELINE, /^results\//);
  assert.match(text, /actions\/cache\/restore@v4[\s\S]*path: perf-baseline[\s\S]*actions\/cache\/save@v4[\s\S]*path: perf-baseline/);
  assert.equal(existsSync(join(PACKAGE_ROOT, 'results', 'baseline.json')), false, 'no baseline recorded elsewhere ships with the repository');

  // The workflow's env with a tiny suite (2 modes × 4 runs × 200 ms) and paths in a temp directory.
  const tiny = join(dir, 'tiny.json');
  await writeFile(tiny, JSON.stringify({ modes: ['1.0', '1.1'], connections: [2], runs: 4, duration: '200ms', warmup: '0ms' }));
  const summary = join(dir, 'summary.md');
  const outputs = join(dir, 'outputs.txt');
  const baseline = join(dir, 'perf-baseline', 'baseline.json');
  const env = {
    ...workflow.env,
    // $BENCH is expanded unquoted (as in the workflow), so these paths must not contain spaces.
    BENCH: `${process.execPath} ${CLI}`,
    SUITE_ARGS: `--file ${tiny}`,
    BASELINE: baseline,
    RECORD: 'if-missing',
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: outputs,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
  };
  const runAll = async (extra: Record<string, string> = {}): Promise<void> => {
    for (const step of steps) {
      const result = await bash(step.run, dir, { ...env, ...extra });
      assert.equal(result.code, 0, `${step.name}: ${result.stderr}`);
    }
  };

  // First run on this runner class: no baseline yet, so this run becomes it, and the summary says so.
  await runAll();
  assert.match(await readFile(summary, 'utf8'), /No baseline for Linux\/X64 runners yet: recorded this run as the baseline/);
  assert.match(await readFile(outputs, 'utf8'), /^recorded=true$/m);
  const current = JSON.parse(await readFile(join(dir, 'perf-current.json'), 'utf8')) as SuiteReport;
  assert.equal(current.kind, 'suite');
  assert.deepEqual(current.cases.map((item) => item.id), ['1.0-c2', '1.1-c2']);
  assert.deepEqual(JSON.parse(await readFile(baseline, 'utf8')), current);

  // Next run on the same machine: compared with its own baseline; the markdown table lands in the step summary.
  await writeFile(outputs, '');
  await runAll();
  assert.match(await readFile(summary, 'utf8'), /## h1bench comparison[\s\S]*### 1\.1-c2/);
  assert.equal(await readFile(outputs, 'utf8'), '', 'a compared run records nothing');

  // A baseline ten times as fast (so run-to-run noise on a busy machine cannot make the samples overlap):
  // 4 vs 4 separated runs are significant, -90% is beyond rps:-10%, the step fails.
  for (const item of current.cases) {
    for (const run of item.report.runs ?? []) run.throughput.requestsPerSec *= 10;
  }
  await writeFile(baseline, JSON.stringify(current));
  const compare = steps.find((step) => step.name === 'Compare with the baseline') as Step;
  const failed = await bash(compare.run, dir, env);
  assert.equal(failed.code, 1, `${failed.stderr}\n${await readFile(summary, 'utf8')}`);
  assert.match(failed.stderr, /H1B_REGRESSION/);
  assert.match(await readFile(summary, 'utf8'), /\*\*Regression:\*\*/);

  // A push to the default branch (RECORD=always) replaces the baseline instead of comparing.
  const replaced = await bash(compare.run, dir, { ...env, RECORD: 'always' });
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.match(await readFile(summary, 'utf8'), /Recorded this run as the baseline for Linux\/X64 runners/);
  assert.deepEqual(JSON.parse(await readFile(baseline, 'utf8')), JSON.parse(await readFile(join(dir, 'perf-current.json'), 'utf8')));
});

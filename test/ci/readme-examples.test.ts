// Runs the README's examples, so every command a reader copies works on a fresh clone.
//
// Convention: a fenced block whose info string is `sh example` is an example, run line by line with bash in one fresh
// temporary directory shared by every example in README order (a later example may read what an earlier one wrote,
// as a reader following the README would). `needs=a,b` names what it needs beyond Node: `root`, or a command on the
// PATH (tcpdump, kubectl, docker); missing needs skip the example with the reason. `npx bench` runs this build.
// Blocks marked plain `sh` (npm ci, setup, long jobs) are shown, not run.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../src/version.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** The longest any one example may take: a README example is a short load, never the quick suite's 30 s. */
const EXAMPLE_LIMIT_MS = 90_000;

export interface Example {
  /** 1-based line of the opening fence in README.md. */
  readonly line: number;
  readonly needs: readonly string[];
  readonly script: string;
}

/** Every ```sh example block, with its needs. */
export function readmeExamples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```sh example(?:\s+needs=([\w,-]+))?\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).startsWith('```'); j++) body.push(lines[j] as string);
    out.push({ line: i + 1, needs: open[1] ? open[1].split(',') : [], script: body.join('\n') });
    i = j;
  }
  return out;
}

/** Why this machine cannot run the example, or null. */
function missing(needs: readonly string[]): string | null {
  for (const need of needs) {
    if (need === 'root') {
      if (process.getuid?.() !== 0) return 'needs root';
    } else if (spawnSync('bash', ['-c', `command -v ${need}`]).status !== 0) {
      return `needs ${need}, which is not installed`;
    }
  }
  return null;
}

function bash(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // `npx bench` is this build (a fresh clone has it after npm ci); anything else npx is left alone.
  const shim = `npx() { if [ "$1" = bench ]; then shift; "${process.execPath}" "${CLI}" "$@"; else command npx "$@"; fi; }\n`;
  return new Promise((resolve) => {
    execFile('bash', ['-eo', 'pipefail', '-c', shim + script], { cwd, timeout: EXAMPLE_LIMIT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1bench-readme-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('README: the marker finds the examples, and every example is short enough to run', async () => {
  const examples = readmeExamples(await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8'));
  assert.ok(examples.length >= 5, `only ${examples.length} examples marked`);
  const opening = (await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8')).split('\n').slice(0, 6).join('\n');
  assert.match(opening, /npm ci && npm start/);
  assert.match(opening, /npm ci && npm test/);
  for (const example of examples) {
    // A load in an example is bounded: -d of a few seconds (or -n), so the README stays runnable. k8s-job only
    // prints a manifest: the -d after its -- is the pods' load, not one that runs here.
    for (const line of example.script.split('\n').filter((text) => !/\bk8s-job\b/.test(text))) {
      for (const match of line.matchAll(/(?:^|\s)(?:-d|--duration)\s+(\d+(?:\.\d+)?)(ms|s|m)?\b/g)) {
        const seconds = Number(match[1]) * ({ ms: 0.001, s: 1, m: 60 }[match[2] ?? 's'] ?? 1);
        assert.ok(seconds <= 3, `README line ${example.line}: -d ${match[1]}${match[2] ?? ''} is too long for an example`);
      }
    }
  }
});

test('README: every example runs (in README order, in one temporary directory)', async (t) => {
  if (spawnSync('bash', ['-c', 'true']).status !== 0) return t.skip('bash is not installed');
  const examples = readmeExamples(await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8'));
  for (const example of examples) {
    await t.test(`README line ${example.line}: ${example.script.split('\n')[0]}`, async (sub) => {
      const reason = missing(example.needs);
      if (reason !== null) return sub.skip(reason);
      const result = await bash(example.script, dir);
      assert.equal(result.code, 0, `README line ${example.line} failed (exit ${result.code}):\n${example.script}\n--- stderr\n${result.stderr.slice(-3000)}`);
    });
  }
});

// Runs the timing and loss cases of path-run.case.ts across netem, where the kernel has sch_netem; elsewhere each skips with the reason, and asking for netem stops the command before it measures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netemSupport } from '../../src/wire/path/index.js';
import { missingPrerequisite } from '../../src/wire/path/system.js';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { runCli, tempDir } from '../cli/cli-helpers.js';
import { runPathRunCases } from './path-run.case.js';

runPathRunCases('netem');

test('without sch_netem: bench run --rtt --path netem exits 2 with H1B_PATH_UNAVAILABLE saying why, before any load', async (t) => {
  const noTools = missingPrerequisite(['ip', 'tc']);
  if (noTools) return t.skip(`cannot tell: ${noTools}`);
  const reason = await netemSupport();
  if (reason === null) return t.skip('this kernel has sch_netem');
  const dir = tempDir();
  const result = await runCli(['run', '--rtt', '10ms', '--path', 'netem', '-n', '5', '--no-progress', '--out', join(dir, 'never.json')], { limitMs: 30_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /H1B_PATH_UNAVAILABLE|cannot build a netem network path here: .*sch_netem/);
  assert.doesNotMatch(result.stderr, /measuring/);
});

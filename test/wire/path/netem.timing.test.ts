// Runs the shared path cases (common.case.ts) against netem, where the kernel has sch_netem (skipped with the reason elsewhere); netem's tc arguments; what `auto` and `netem` do without it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../../src/errors.js';
import { netemArgs, netemSupport } from '../../../src/wire/path/netem.js';
import { openPath, pathSupport } from '../../../src/wire/path/index.js';
import { oneWay, validatePathSpec } from '../../../src/wire/path/spec.js';
import { missingPrerequisite } from '../../../src/wire/path/system.js';
import { runPathCases } from './common.case.js';

test('netemArgs: half the RTT each way, jitter, loss, rate and netem’s default limit', () => {
  const spec = validatePathSpec({ rttMs: 20, jitterMs: 2, lossPct: 0.5, bandwidthBitsPerSec: 100_000_000, impl: 'netem', seed: null });
  assert.deepEqual(netemArgs(oneWay(spec)), ['delay', '10000us', '2000us', 'loss', '0.5%', 'rate', '100000000bit', 'limit', '1000']);
  const plain = validatePathSpec({ rttMs: 1, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl: 'netem', seed: null });
  assert.deepEqual(netemArgs(oneWay(plain)), ['delay', '500us', 'limit', '1000']);
});

test('without sch_netem: --path netem is H1B_PATH_UNAVAILABLE saying why, auto falls back to the delay line', async (t) => {
  const noNetem = await netemSupport();
  if (noNetem === null) return t.skip('this kernel has sch_netem');
  if (missingPrerequisite(['ip', 'tc'])) return t.skip(`cannot tell: ${missingPrerequisite(['ip', 'tc'])}`);
  t.diagnostic(noNetem);
  assert.match(noNetem, /netem/);
  await assert.rejects(
    openPath({ rttMs: 10, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl: 'netem', seed: null }),
    (error: unknown) => isH1Error(error) && error.code === 'H1B_PATH_UNAVAILABLE' && error.exitCode === 2 && /sch_netem/.test(error.message),
  );
  const auto = await pathSupport('auto');
  if (missingPrerequisite(['ip', 'socat'])) assert.equal(auto.state, 'unavailable');
  else assert.deepEqual(auto, { state: 'available', impl: 'delay-line' });
});

runPathCases('netem');

// Runs the shared path cases (common.case.ts) against netem, where the kernel has sch_netem (skipped with the reason elsewhere); and netem's tc arguments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netemArgs } from '../../../src/wire/path/netem.js';
import { oneWay, validatePathSpec } from '../../../src/wire/path/spec.js';
import { runPathCases } from './common.case.js';

test('netemArgs: half the RTT each way, jitter, loss, rate and netem’s default limit', () => {
  const spec = validatePathSpec({ rttMs: 20, jitterMs: 2, lossPct: 0.5, bandwidthBitsPerSec: 100_000_000, impl: 'netem', seed: null });
  assert.deepEqual(netemArgs(oneWay(spec)), ['delay', '10000us', '2000us', 'loss', '0.5%', 'rate', '100000000bit', 'limit', '1000']);
  const plain = validatePathSpec({ rttMs: 1, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl: 'netem', seed: null });
  assert.deepEqual(netemArgs(oneWay(plain)), ['delay', '500us', 'limit', '1000']);
});

runPathCases('netem');

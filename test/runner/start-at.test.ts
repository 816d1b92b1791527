// --start-at: waiting for a wall-clock instant (injectable clock), aborting the wait, the planned measured start.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEASURE_SLACK_MS, plannedMeasureStartMs, waitUntilWallClock } from '../../src/runner/start-at.js';

test('the measured phase is planned at start-at, or after the warm-up plus the slack', () => {
  assert.equal(plannedMeasureStartMs(1_000_000, 0), 1_000_000);
  assert.equal(plannedMeasureStartMs(1_000_000, 2_000), 1_002_000 + MEASURE_SLACK_MS);
});

test('a passed instant resolves at once; a future one when the clock reaches it', async () => {
  const signal = new AbortController().signal;
  await waitUntilWallClock(Date.now() - 5_000, signal);
  // A clock that has reached the instant on its third reading: the wait re-checks instead of trusting one timer.
  let readings = 0;
  const clock = (): number => (++readings >= 3 ? 2_000 : 1_999);
  await waitUntilWallClock(2_000, signal, clock);
  assert.equal(readings, 3);
});

test('an abort ends the wait (Ctrl-C while shards wait for their start)', async () => {
  const controller = new AbortController();
  const waiting = waitUntilWallClock(Date.now() + 3_600_000, controller.signal);
  controller.abort();
  await waiting;
});

// ManualTimers: intervals fire as a ManualClock moves past their due times, in order, at the right clock values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, ManualTimers } from '../src/clock.js';

test('advanceMs runs each interval every time it comes due, with the clock at its due time', () => {
  const clock = new ManualClock(1_000);
  const timers = new ManualTimers(clock);
  const fired: string[] = [];
  const a = timers.setInterval((name) => fired.push(`${name}@${clock.nowUs()}`), 20, 'a');
  timers.setInterval((name) => fired.push(`${name}@${clock.nowUs()}`), 30, 'b');
  assert.equal(timers.active, 2);
  timers.advanceMs(19);
  assert.deepEqual(fired, []);
  assert.equal(clock.nowUs(), 20_000);
  timers.advanceMs(41);
  assert.deepEqual(fired, ['a@21000', 'b@31000', 'a@41000', 'a@61000', 'b@61000']);
  assert.equal(clock.nowUs(), 61_000);
  timers.clearInterval(a);
  assert.equal(timers.active, 1);
  timers.advanceMs(30);
  assert.deepEqual(fired.slice(5), ['b@91000']);
});

test('a period under 1 ms is clamped to 1 ms, as Node does', () => {
  const clock = new ManualClock();
  const timers = new ManualTimers(clock);
  let n = 0;
  timers.setInterval(() => n++, 0, null).unref();
  timers.advanceMs(5);
  assert.equal(n, 5);
});

// Liveness registry: exact verdict times on a ManualClock, no false positives, re-online, close/reset vs silent.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.js';
import { LivenessRegistry, type LivenessEvent, type LivenessTransition } from '../../src/server/liveness.js';
import { formatLivenessEvent, parseLivenessLine } from '../../src/server/liveness-log.js';

function setup(timeoutMs: number, tickMs = 10): { clock: ManualClock; registry: LivenessRegistry; events: LivenessEvent[] } {
  const clock = new ManualClock(1_000_000);
  const events: LivenessEvent[] = [];
  const registry = new LivenessRegistry({ clock, timeoutMs, tickMs, onEvent: (e) => events.push(e) });
  return { clock, registry, events };
}

const offline = (events: LivenessEvent[]): LivenessTransition[] =>
  events.filter((e): e is LivenessTransition => e.type === 'transition' && e.to === 'offline');

/** Advance in steps of `stepMs`, sweeping after each, like the real tick. */
function run(clock: ManualClock, registry: LivenessRegistry, totalMs: number, stepMs = 1): void {
  for (let t = 0; t < totalMs; t += stepMs) {
    clock.advanceMs(stepMs);
    registry.sweep();
  }
}

describe('LivenessRegistry', () => {
  test('a silent client goes offline exactly at lastSeen + timeout (tick-aligned)', () => {
    const { clock, registry, events } = setup(300);
    registry.beat('a');
    const seen = clock.nowUs();
    run(clock, registry, 299);
    assert.equal(registry.get('a')?.state, 'online', 'still online 1 ms before the deadline');
    assert.equal(offline(events).length, 0);
    run(clock, registry, 1);
    const [verdict] = offline(events);
    assert.ok(verdict);
    assert.equal(verdict.atUs, seen + 300_000);
    assert.equal(verdict.lastSeenUs, seen);
    assert.equal(verdict.cause, 'silent');
    assert.equal(registry.get('a')?.state, 'offline');
  });

  test('a deadline between ticks is noticed at the next tick, never before the deadline', () => {
    const { clock, registry, events } = setup(300, 10);
    clock.advanceUs(3_000); // not tick-aligned
    registry.beat('a');
    const deadline = clock.nowUs() + 300_000;
    run(clock, registry, 400, 1);
    const [verdict] = offline(events);
    assert.ok(verdict);
    assert.ok(verdict.atUs >= deadline, 'never early');
    assert.ok(verdict.atUs - deadline <= 10_000, 'at most one tick late');
  });

  test('clients that beat every interval are never marked offline', () => {
    const { clock, registry, events } = setup(0); // derived: 3 × announced interval
    const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
    // 200 clients, 100 ms interval, beats spread over the interval, 10 s of simulated time.
    for (let ms = 0; ms < 10_000; ms++) {
      for (let i = ms % 100; i < ids.length; i += 100) registry.beat(ids[i] as string, 100);
      clock.advanceMs(1);
      registry.sweep();
    }
    assert.equal(offline(events).length, 0);
    assert.deepEqual(registry.snapshot().online, 200);
  });

  test('a late beat brings a client back online and the next silence is timed from it', () => {
    const { clock, registry, events } = setup(200);
    registry.beat('a');
    run(clock, registry, 250);
    assert.equal(offline(events).length, 1);
    registry.beat('a');
    const back = events.at(-1);
    assert.ok(back?.type === 'transition' && back.from === 'offline' && back.to === 'online');
    const rejoined = clock.nowUs();
    run(clock, registry, 200);
    assert.equal(offline(events).length, 2);
    assert.equal(offline(events)[1]?.atUs, rejoined + 200_000);
    const snap = registry.snapshot();
    assert.deepEqual(snap.transitions, { online: 2, offline: 2 });
    assert.equal(snap.offline, 1);
  });

  test('the announced interval sets the timeout (3 ×), else the 3 s default', () => {
    const { clock, registry, events } = setup(0);
    registry.beat('fast', 50);
    registry.beat('quiet');
    run(clock, registry, 150, 10);
    assert.deepEqual(offline(events).map((e) => e.id), ['fast']);
    run(clock, registry, 2850, 10);
    assert.deepEqual(offline(events).map((e) => e.id), ['fast', 'quiet']);
    assert.equal(offline(events)[1]?.timeoutUs, 3_000_000);
  });

  test('a fixed timeout overrides the announced interval', () => {
    const { clock, registry, events } = setup(500);
    registry.beat('a', 50);
    run(clock, registry, 499, 1);
    assert.equal(offline(events).length, 0);
    run(clock, registry, 1, 1);
    assert.equal(offline(events).length, 1);
  });

  test('close and reset are recorded and named as the cause; silence after a later beat is "silent"', () => {
    const { clock, registry, events } = setup(100);
    registry.beat('closed');
    registry.beat('reset');
    registry.beat('silent');
    clock.advanceMs(5);
    registry.connectionEnded('closed', 'close');
    registry.connectionEnded('reset', 'reset');
    registry.connectionEnded('silent', 'close');
    clock.advanceMs(5);
    registry.beat('silent'); // reconnected after its close: the close no longer explains anything
    run(clock, registry, 200, 5);
    const causes = Object.fromEntries(offline(events).map((e) => [e.id, e.cause]));
    assert.deepEqual(causes, { closed: 'close', reset: 'reset', silent: 'silent' });
    assert.deepEqual(registry.snapshot().connectionEnds, { close: 2, reset: 1, timeout: 0 });
    assert.equal(events.filter((e) => e.type === 'connection-end').length, 3);
  });

  test('a long pause (stopped process) is caught up in one sweep', () => {
    const { clock, registry, events } = setup(100);
    registry.beat('a');
    clock.advanceMs(60_000); // more than one revolution of the wheel
    registry.sweep();
    assert.equal(offline(events).length, 1);
    assert.equal(offline(events)[0]?.atUs, clock.nowUs());
  });

  test('deadlines longer than one wheel revolution still fire on time', () => {
    const { clock, registry, events } = setup(25_000, 10); // wheel covers 10.24 s
    registry.beat('a');
    const seen = clock.nowUs();
    run(clock, registry, 24_990, 10);
    assert.equal(offline(events).length, 0);
    run(clock, registry, 10, 10);
    assert.equal(offline(events)[0]?.atUs, seen + 25_000_000);
  });

  test('10,000 clients: each sweep touches only due slots', () => {
    const { clock, registry, events } = setup(3000);
    for (let i = 0; i < 10_000; i++) registry.beat(`c${i}`);
    run(clock, registry, 2990, 10);
    assert.equal(registry.snapshot().online, 10_000);
    run(clock, registry, 10, 10);
    assert.equal(offline(events).length, 10_000);
    assert.equal(registry.list('offline').length, 10_000);
  });

  test('log lines round-trip through format and parse; other lines are ignored', () => {
    const { clock, registry, events } = setup(100);
    registry.beat('we"ird id');
    registry.connectionEnded('we"ird id', 'reset');
    run(clock, registry, 100, 10);
    for (const event of events) assert.deepEqual(parseLivenessLine(formatLivenessEvent(event, 0).trimEnd()), event);
    assert.equal(parseLivenessLine('listening on http://127.0.0.1:1'), null);
    assert.equal(parseLivenessLine('{"liveness":"transition","id":1}'), null);
  });
});

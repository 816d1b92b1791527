// Beat pacing and answer deadlines: even spread over the interval, due order, stale entries, growth.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BeatPacer, DeadlineQueue, spreadPhaseUs } from '../../src/client/heartbeat/pacer.js';

describe('BeatPacer', () => {
  test('n clients beat once per interval each, spread evenly, in due order', () => {
    const n = 10;
    const interval = 1_000_000;
    const phases = Array.from({ length: n }, (_, i) => spreadPhaseUs(i, n, interval));
    assert.deepEqual(phases, [0, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000, 900_000]);
    const pacer = new BeatPacer(5_000_000, interval, phases);
    const fired: Array<[number, number]> = [];
    // Walk 3 intervals in 1 ms steps.
    for (let now = 5_000_000; now < 8_000_000; now += 1000) {
      for (let i = pacer.poll(now); i >= 0; i = pacer.poll(now)) fired.push([i, now]);
    }
    assert.equal(fired.length, 3 * n);
    for (const [k, [index, at]] of fired.entries()) {
      assert.equal(index, k % n);
      assert.equal(at, 5_000_000 + Math.floor(k / n) * interval + (phases[index] as number));
    }
  });

  test('a late wake-up releases every overdue beat at once, none twice', () => {
    const pacer = new BeatPacer(0, 1000, [0, 250, 500, 750]);
    const due: number[] = [];
    for (let i = pacer.poll(2_600); i >= 0; i = pacer.poll(2_600)) due.push(i);
    assert.deepEqual(due, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2]);
    assert.equal(pacer.nextDueUs(), 2_750);
  });

  test('phases of a fleet split over processes stay globally even', () => {
    const total = 7;
    const all = Array.from({ length: total }, (_, i) => spreadPhaseUs(i, total, 700)).sort((a, b) => a - b);
    assert.deepEqual(all, [0, 100, 200, 300, 400, 500, 600]);
  });

  test('an empty fleet is never due', () => {
    const pacer = new BeatPacer(0, 1000, []);
    assert.equal(pacer.nextDueUs(), Infinity);
    assert.equal(pacer.poll(1e12), -1);
  });
});

describe('DeadlineQueue', () => {
  test('FIFO by send time, grows past its capacity and keeps order', () => {
    const q = new DeadlineQueue(4);
    for (let i = 0; i < 100; i++) q.push(i % 7, i * 10);
    assert.equal(q.size, 100);
    for (let i = 0; i < 100; i++) {
      assert.equal(q.headSentUs(), i * 10);
      assert.equal(q.headClient(), i % 7);
      q.shift();
    }
    assert.equal(q.headSentUs(), Infinity);
  });

  test('steady state (push one, pop one) does not grow without bound', () => {
    const q = new DeadlineQueue(8);
    for (let i = 0; i < 5; i++) q.push(i, i);
    for (let i = 5; i < 100_000; i++) {
      q.push(i, i);
      q.shift();
    }
    assert.equal(q.size, 5);
    assert.ok((q as unknown as { clients: Int32Array }).clients.length <= 16);
  });
});

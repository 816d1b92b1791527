// The delay line's per-direction model: loss draws, delay and jitter, pacing at a rate, order kept, queue limit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DelayQueue, seededRandom } from '../../../src/wire/path/delay-queue.js';
import { PacketRing } from '../../../src/wire/path/packet-ring.js';
import type { OneWay } from '../../../src/wire/path/spec.js';

const WAY: OneWay = { delayUs: 5_000, jitterUs: 0, lossFraction: 0, rateBitsPerSec: null, queueLimit: 1000 };
const queue = (way: Partial<OneWay>, seed = 1): DelayQueue => {
  const full = { ...WAY, ...way };
  return new DelayQueue(full, seededRandom(seed), PacketRing.create(full.queueLimit));
};
/** Take everything out of a queue's ring: [due, bytes] pairs in order. */
function dues(q: DelayQueue): number[] {
  const out: number[] = [];
  while (q.ring.length > 0) {
    out.push(q.ring.nextDueUs());
    q.ring.shift();
  }
  return out;
}

test('seededRandom: repeatable for a seed, uniform-looking in [0, 1)', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const draws = Array.from({ length: 10_000 }, () => a());
  assert.deepEqual(draws.slice(0, 5), Array.from({ length: 5 }, () => b()));
  assert.ok(draws.every((x) => x >= 0 && x < 1));
  const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
});

test('without loss, jitter or rate every packet is due exactly delayUs after it arrived', () => {
  const q = queue({});
  for (const at of [0, 10, 2_000, 2_000]) assert.equal(q.offer(Buffer.alloc(100), at), 'queued');
  assert.deepEqual(dues(q), [5_000, 5_010, 7_000, 7_000]);
});

test('loss drops about lossFraction of the packets, the same ones for the same seed', () => {
  const run = (seed: number): string[] => {
    const q = queue({ lossFraction: 0.2, queueLimit: 20_000 }, seed);
    return Array.from({ length: 10_000 }, (_, i) => q.offer(Buffer.alloc(60), i));
  };
  const outcomes = run(7);
  const lost = outcomes.filter((o) => o === 'lost').length;
  assert.ok(lost > 1_850 && lost < 2_150, `${lost} of 10000 lost`);
  assert.deepEqual(run(7), outcomes);
  assert.notDeepEqual(run(8), outcomes);
});

test('jitter stays within ± jitterUs and never reorders packets', () => {
  // Sparse (5 ms apart, more than the 4 ms spread): the draws show as drawn.
  const sparse = queue({ jitterUs: 2_000 });
  for (let i = 0; i < 1_000; i++) sparse.offer(Buffer.alloc(60), i * 5_000);
  const delays = dues(sparse).map((due, i) => due - i * 5_000);
  assert.ok(delays.every((delay) => delay >= 3_000 && delay <= 7_000));
  assert.ok(Math.min(...delays) < 3_100 && Math.max(...delays) > 6_900, 'the whole ± range is used');
  // Dense (100 µs apart): a packet waits for a later-drawn one before it, as in a FIFO queue.
  const dense = queue({ jitterUs: 2_000, queueLimit: 5_000 });
  for (let i = 0; i < 5_000; i++) dense.offer(Buffer.alloc(60), i * 100);
  const out = dues(dense);
  out.forEach((due, i) => {
    assert.ok(due >= i * 100 + 3_000 && due <= i * 100 + 7_000, `packet ${i} due ${due}`);
    if (i > 0) assert.ok(due >= out[i - 1]!, `packet ${i} overtakes the one before`);
  });
});

test('a rate paces packets: each takes length·8/rate on the link, then the delay', () => {
  // 1500 bytes at 12 Mbit/s = 1 ms on the wire.
  const q = queue({ rateBitsPerSec: 12_000_000 });
  for (let i = 0; i < 3; i++) q.offer(Buffer.alloc(1500), 0);
  q.offer(Buffer.alloc(1500), 10_000);
  assert.deepEqual(dues(q), [6_000, 7_000, 8_000, 16_000]);
});

test('the queue limit overflows, like netem’s limit; loss is drawn first and takes no room', () => {
  const q = queue({ queueLimit: 3 });
  const outcomes = Array.from({ length: 5 }, (_, i) => q.offer(Buffer.alloc(10), i));
  assert.deepEqual(outcomes, ['queued', 'queued', 'queued', 'overflow', 'overflow']);
  q.ring.shift();
  assert.equal(q.offer(Buffer.alloc(10), 9), 'queued');
  assert.equal(q.offer(Buffer.alloc(4096), 10), 'overflow', 'larger than a ring slot');
});

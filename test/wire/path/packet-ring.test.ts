// The shared-memory ring between the relay's receiver and sender threads: order, copies, full/empty, wrap-around, and a real second thread.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { PacketRing, SLOT_BYTES } from '../../../src/wire/path/packet-ring.js';

test('push and shift keep order, due times and bytes; shift returns a copy', () => {
  const ring = PacketRing.create(4);
  assert.equal(ring.nextDueUs(), Number.POSITIVE_INFINITY);
  assert.throws(() => ring.shift(), /empty/);
  const first = Buffer.from('first');
  assert.ok(ring.push(first, 10));
  assert.ok(ring.push(Buffer.from('second'), 20.5));
  first.fill(0);
  assert.equal(ring.length, 2);
  assert.equal(ring.nextDueUs(), 10);
  const out = ring.shift();
  assert.equal(out.toString(), 'first', 'the ring copied the bytes in');
  assert.equal(ring.nextDueUs(), 20.5);
  assert.ok(ring.push(Buffer.from('third'), 30));
  out.fill(0);
  assert.equal(ring.shift().toString(), 'second');
  assert.equal(ring.shift().toString(), 'third');
  assert.equal(ring.length, 0);
});

test('full at capacity; wraps around many times without losing count', () => {
  const ring = PacketRing.create(3);
  for (let round = 0; round < 1_000; round++) {
    for (let i = 0; i < 3; i++) assert.ok(ring.push(Buffer.from([round & 0xff, i]), round * 3 + i));
    assert.equal(ring.push(Buffer.from([9]), 0), false, 'full');
    assert.equal(ring.length, 3);
    for (let i = 0; i < 3; i++) assert.deepEqual([...ring.shift()], [round & 0xff, i]);
    assert.equal(ring.length, 0);
  }
  assert.equal(ring.push(Buffer.alloc(SLOT_BYTES + 1), 0), false, 'larger than a slot');
});

test('a packet pushed by another thread arrives whole and in order', async () => {
  const ring = PacketRing.create(64);
  const url = new URL('../../../src/wire/path/packet-ring.js', import.meta.url).href;
  // The worker pushes 10,000 packets whose bytes encode their index, waiting (Atomics.wait) while the ring is full.
  const code = `
    const { workerData } = require('node:worker_threads');
    import(workerData.url).then(({ PacketRing }) => {
      const ring = PacketRing.attach(workerData.memory);
      const nap = new Int32Array(new SharedArrayBuffer(4));
      for (let i = 0; i < 10000; i++) {
        const packet = Buffer.alloc(4 + (i % 1400));
        packet.writeUInt32BE(i, 0);
        while (!ring.push(packet, i)) Atomics.wait(nap, 0, 0, 0.05);
      }
    });`;
  const worker = new Worker(code, { eval: true, workerData: { url, memory: ring.memory } });
  const exited = new Promise((resolve, reject) => {
    worker.once('exit', resolve);
    worker.once('error', reject);
  });
  let next = 0;
  const deadline = Date.now() + 20_000;
  while (next < 10_000 && Date.now() < deadline) {
    if (ring.length === 0) {
      // Let the worker run: a macrotask turn, bounded by the deadline above.
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    assert.equal(ring.nextDueUs(), next);
    const packet = ring.shift();
    assert.equal(packet.length, 4 + (next % 1400));
    assert.equal(packet.readUInt32BE(0), next);
    next++;
  }
  assert.equal(next, 10_000);
  await exited;
});

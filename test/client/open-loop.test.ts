// Open loop: a 1 s server stall during a fixed-rate run shows in the corrected latency as arithmetic predicts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { NativeEngine } from '../../src/client/engines/native.js';
import { response, startLiteralServer } from './literal-server.js';

const RATE = 200; // requests/s
const DURATION_MS = 4000;
const STALL_MS = 1000;
const STALL_AT = 300; // the 300th request arrives about 1.5 s into the run
const CONNECTIONS = 4;

test('open loop: a 1 s stall yields the p99/p95 arithmetic predicts; the uncorrected histogram hides it', async () => {
  const OK = response('ok');
  const held: Socket[] = [];
  let stalling = false;
  let stalledMs = 0;
  const server = await startLiteralServer(({ socket, global }) => {
    if (global === STALL_AT) {
      stalling = true;
      const began = performance.now();
      setTimeout(() => {
        stalling = false;
        // A loaded machine fires timers late: the expectation uses the stall that really happened.
        stalledMs = performance.now() - began;
        for (const s of held.splice(0)) s.write(OK);
      }, STALL_MS);
    }
    if (stalling) held.push(socket);
    else socket.write(OK);
  });
  const result = await new NativeEngine().run(
    {
      mode: '1.1',
      url: server.url,
      connections: CONNECTIONS,
      durationMs: DURATION_MS,
      requests: null,
      rate: RATE,
      timeoutMs: 0,
      method: 'GET',
      headers: [],
      body: null,
      pipelining: 1,
    },
    new AbortController().signal,
  );
  await server.close();

  // Requests fall due every 1/RATE s. Those due during the stall wait for its end: the one due at its start waits
  // STALL_MS, the last one ~0, linearly. Everything else is ~0. Sorting N latencies descending, the j-th largest is
  // STALL_MS - j * 1000 / RATE, so percentile q is STALL_MS - (1 - q) * N * 1000 / RATE.
  const n = result.completed;
  assert.ok(Math.abs(n - (RATE * DURATION_MS) / 1000) <= RATE * 0.1, `about ${(RATE * DURATION_MS) / 1000} requests, got ${n}`);
  assert.ok(stalledMs >= STALL_MS);
  const expected = (q: number): number => stalledMs - (1 - q) * n * (1000 / RATE);
  const ms = (us: number): number => us / 1000;
  const p99 = ms(result.latency.getValueAtPercentile(99));
  const p95 = ms(result.latency.getValueAtPercentile(95));
  assert.ok(Math.abs(p99 - expected(0.99)) <= expected(0.99) * 0.1, `p99 ${p99} ms, expected ${expected(0.99)} ms ±10%`);
  assert.ok(Math.abs(p95 - expected(0.95)) <= expected(0.95) * 0.1, `p95 ${p95} ms, expected ${expected(0.95)} ms ±10%`);

  // Only the CONNECTIONS requests already on the wire when the stall began waited in the uncorrected view: far
  // below 1% of the run, so its p99 and p95 stay near the normal service time.
  const uncorrected = result.uncorrectedLatency;
  assert.ok(uncorrected !== null);
  assert.ok(ms(uncorrected.getValueAtPercentile(99)) < 100, `uncorrected p99 ${ms(uncorrected.getValueAtPercentile(99))} ms`);
  assert.ok(ms(uncorrected.getValueAtPercentile(95)) < 100);
  assert.ok(ms(uncorrected.maxValue) >= STALL_MS * 0.9, 'the stalled in-flight requests are there, just rare');
  assert.ok(result.notes.some((note) => note.includes('coordinated omission')));
});

for (const mode of ['1.0', '1.1', 'pipeline'] as const) {
  test(`open loop in ${mode} mode issues requests at the rate`, async () => {
    const server = await startLiteralServer(({ socket, http10 }) => {
      if (http10) socket.end(response('ok', 'Connection: close\r\n'));
      else socket.write(response('ok'));
    });
    const result = await new NativeEngine().run(
      { mode, url: server.url, connections: 3, durationMs: 1000, requests: null, rate: 100, timeoutMs: 0, method: 'GET', headers: [], body: null, pipelining: 4 },
      new AbortController().signal,
    );
    await server.close();
    // Due at 0, 10, ..., 1000 ms: the schedule catches up after late timers, so the count is exact give or take the edge.
    assert.ok(result.completed >= 98 && result.completed <= 101, `completed ${result.completed}`);
    assert.deepEqual(result.errors, {});
    assert.equal(result.uncorrectedLatency!.totalCount, result.completed);
  });
}

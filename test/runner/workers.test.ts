// --workers: one load on N threads against a real server: exact counts on both sides, perWorker, abort, refusals.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadConfig } from '../../src/client/engine.js';
import { isH1Error } from '../../src/errors.js';
import { countFailures } from '../../src/report/build.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { DEFAULT_SERVER_CONFIG } from '../../src/types.js';
import { WorkerPool, WorkersEngine } from '../../src/runner/workers.js';
import { loadConfig } from '../helpers/load-config.js';

describe('WorkersEngine', () => {
  let server: RunningServer;
  const pools = [2, 3, 5].map((size) => new WorkerPool(size));
  const engine = (size: number): WorkersEngine => new WorkersEngine(pools.find((pool) => pool.size === size)!);
  before(async () => {
    server = await startServer({ ...DEFAULT_SERVER_CONFIG, port: 0 });
  });
  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await server.close(0);
  });

  const config = (over: Partial<LoadConfig>): LoadConfig => loadConfig(server.url, { durationMs: 60_000, timeoutMs: 0, ...over });

  test('1.1 -c 7 -n 3001 on 3 threads: exactly 3001 completed, 7 handshakes seen by client and server, shares dealt', async () => {
    await server.whenIdle();
    const before = server.stats();
    const result = await engine(3).run(config({ connections: 7, requests: 3001 }), new AbortController().signal);
    await server.whenIdle();
    const after = server.stats();
    assert.equal(result.completed, 3001);
    assert.equal(result.sent, 3001);
    assert.deepEqual(result.errors, {});
    assert.equal(result.latency.totalCount, 3001, 'every response is in the merged histogram once');
    assert.equal(result.timeline.reduce((sum, point) => sum + point.requests, 0), 3001);
    assert.equal(result.connections!.opened, 7);
    assert.equal(after.connectionsAccepted - before.connectionsAccepted, 7);
    assert.equal(after.requests - before.requests, 3001);
    assert.deepEqual(
      result.perWorker!.map((share) => [share.index, share.connections, share.requests, share.completed]),
      [
        [0, 3, 1001, 1001],
        [1, 2, 1000, 1000],
        [2, 2, 1000, 1000],
      ],
    );
    assert.equal(result.interrupted, false);
    assert.match(result.notes[0]!, /^3 worker threads/);
  });

  test('1.0 -c 4 -n 400 on 2 threads: one handshake per request on both sides', async () => {
    await server.whenIdle();
    const before = server.stats();
    const result = await engine(2).run(config({ mode: '1.0', connections: 4, requests: 400 }), new AbortController().signal);
    await server.whenIdle();
    const after = server.stats();
    assert.equal(result.completed, 400);
    assert.equal(result.connections!.opened, 400);
    assert.equal(after.connectionsAccepted - before.connectionsAccepted, 400);
    assert.equal(after.requests - before.requests, 400);
    assert.equal(result.httpVersionOnWire, '1.0');
  });

  test('an abort stops every thread and still gives one whole result (threads reused from the previous load)', async () => {
    const controller = new AbortController();
    const load = engine(2);
    const running = load.run(config({ connections: 4, requests: null, durationMs: 60_000 }), controller.signal);
    assert.equal(await load.firstResponse(), true);
    controller.abort();
    const result = await running;
    assert.equal(result.interrupted, true);
    assert.ok(result.completed > 0);
    assert.equal(result.perWorker!.reduce((sum, share) => sum + share.completed, 0), result.completed);
    assert.equal(result.perWorker!.reduce((sum, share) => sum + share.errors, 0), countFailures(result.errors));
    assert.ok(load.progress().completed > 0, 'progress sums the threads');
  });

  test('more threads than connections is refused before any traffic', async () => {
    await assert.rejects(
      engine(5).run(config({ connections: 4, requests: 10 }), new AbortController().signal),
      (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && /--workers: 5 parts need at least 5 connections/.test(error.message),
    );
  });
});

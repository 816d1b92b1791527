// Runner orchestration with a fake engine: phases, warm-up kept apart, --runs merge, abort, probe-free server deltas.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { runSeries, type RunEvent } from '../../src/runner/run.js';
import type { RunConfig } from '../../src/types.js';
import { CONFIG } from '../report/fixtures.js';
import { fakeEngineFactory, type FakeLog } from './fake-engine.js';

const config = (overrides: Partial<RunConfig>): RunConfig => Object.freeze({ ...CONFIG, ...overrides });

/** A listener the fake engine never touches: runSeries only needs a URL for external targets. */
async function withListener<T>(body: (url: string) => Promise<T>): Promise<T> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await body(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('runSeries', () => {
  test('warm-up is a separate load (no request bound); events in order', async () => {
    await withListener(async (url) => {
      const log: FakeLog = { configs: [] };
      const events: RunEvent['type'][] = [];
      const phases: string[] = [];
      const report = await runSeries(config({ url, warmupMs: 123, runs: 2, requests: null, durationMs: 5000 }), {
        createEngine: fakeEngineFactory(log),
        signal: new AbortController().signal,
        onEvent: (event) => {
          events.push(event.type);
          if (event.type === 'phase') phases.push(`${event.phase}${event.run}`);
        },
      });
      assert.deepEqual(events, ['target', 'phase', 'phase', 'run-done', 'phase', 'phase', 'run-done']);
      assert.deepEqual(phases, ['warmup1', 'measure1', 'warmup2', 'measure2']);
      assert.deepEqual(log.configs.map((c) => [c.durationMs, c.requests]), [
        [123, null],
        [5000, null],
        [123, null],
        [5000, null],
      ]);
      assert.equal(report.runs?.length, 2);
      assert.equal(report.target.embedded, false);
      assert.equal(report.handshakes.server, null);
    });
  });

  test('abort: the current run ends interrupted and no further run starts', async () => {
    await withListener(async (url) => {
      const log: FakeLog = { configs: [] };
      const controller = new AbortController();
      const report = await runSeries(config({ url, warmupMs: 0, runs: 3 }), {
        createEngine: fakeEngineFactory(log, { untilAbort: true }),
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'phase' && event.phase === 'measure') controller.abort();
        },
      });
      assert.equal(report.interrupted, true);
      assert.equal(log.configs.length, 1);
      assert.equal(report.runs, undefined);
    });
  });

  for (const serverMode of ['close', 'keep-alive'] as const) {
    test(`embedded server (${serverMode}): /stats delta counts exactly the engine's traffic, not the probes`, async () => {
      const log: FakeLog = { configs: [] };
      let url = '';
      const report = await runSeries(config({ serverMode, warmupMs: 0, mode: '1.1' }), {
        createEngine: fakeEngineFactory(log, { real: 25 }),
        signal: new AbortController().signal,
        onEvent: (event) => {
          if (event.type === 'target') url = event.url;
        },
      });
      const delta = report.server.statsDelta;
      assert.ok(delta, report.notes.join('; '));
      assert.equal(delta.connectionsAccepted, 25);
      assert.equal(delta.requests, 25);
      assert.equal(delta.closedByServer, 25, 'Connection: close → the server closes first');
      assert.deepEqual(delta.responsesByStatus, { '200': 25 });
      assert.equal(report.handshakes.server, 25);
      assert.equal(report.target.serverMode, serverMode);
      assert.ok(report.server.cpuSec !== null && report.server.cpuSec >= 0);
      assert.ok(report.server.maxRssBytes !== null && report.server.maxRssBytes > 0);
      // Released: the child is gone, its port refuses.
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      assert.ok(refused);
    });
  }
});

// StatsProbe: deltas remove exactly the probe's own requests and connections; quiescent() is one long-poll, not a loop.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatsProbe } from '../../src/runner/stats-probe.js';
import { openSocket, startTestServer } from '../helpers/raw-http.js';

for (const mode of ['keep-alive', 'close'] as const) {
  test(`${mode}: polls made by quiescent() are not counted as traffic`, async () => {
    const server = await startTestServer({ mode });
    const probe = new StatsProbe(new URL(server.url));
    try {
      await probe.calibrate();
      const before = await probe.snapshot();
      // A foreign idle connection keeps quiescent() waiting until its bound; the probe's request is still removed.
      const idle = await openSocket(server.port);
      const after = await probe.quiescent(150);
      const delta = probe.delta(before, after);
      assert.equal(delta.requests, 0, 'probe requests leaked into the delta');
      assert.equal(delta.connectionsAccepted, 1, 'only the idle connection was accepted');
      idle.destroy();
    } finally {
      await probe.close();
      await server.close(0);
    }
  });
}

test('quiescent() is one long-poll: it answers on the close of the last foreign connection, not at its bound', async () => {
  const server = await startTestServer();
  const probe = new StatsProbe(new URL(server.url));
  try {
    await probe.calibrate();
    const accepted = server.waitFor('connection');
    const idle = await openSocket(server.port);
    await accepted;
    let probes = 0;
    server.on('request', () => probes++);
    const held = server.waitFor('request');
    // A minute's bound: answered long before it, or the test's guard fails it.
    const quiet = probe.quiescent(60_000);
    await held;
    idle.destroy();
    let guard: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_resolve, reject) => {
      guard = setTimeout(() => reject(new Error('quiescent() waited for its bound')), 10_000);
    });
    const after = await Promise.race([quiet, bound]);
    clearTimeout(guard);
    assert.equal(after.connectionsOpen, 1, 'only the probe is open');
    assert.equal(after.closedByClient, 1, 'the foreign close is counted');
    assert.equal(probes, 1, 'one request, no polling');
  } finally {
    await probe.close();
    await server.close(0);
  }
});

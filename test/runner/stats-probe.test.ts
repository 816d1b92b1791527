// StatsProbe: deltas remove exactly the probe's own requests and connections, however many polls it took.

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
      // A foreign idle connection keeps quiescent() polling until its deadline: many probe requests.
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

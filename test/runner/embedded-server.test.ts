// The embedded server child: started on port 0, answers /stats, stopped by PID; spawn failures are typed.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../src/errors.js';
import { startEmbeddedServer } from '../../src/runner/embedded-server.js';
import { StatsProbe } from '../../src/runner/stats-probe.js';
import { processGone } from '../../src/metrics/process-usage.js';

describe('startEmbeddedServer', () => {
  test('prints a loopback URL, serves /stats, stops by PID (idempotently)', async () => {
    const server = await startEmbeddedServer('keep-alive');
    try {
      assert.equal(server.url.hostname, '127.0.0.1');
      assert.ok(Number(server.url.port) > 0);
      assert.ok(!processGone(server.pid));
      const probe = new StatsProbe(server.url);
      const first = await probe.snapshot();
      const second = await probe.snapshot();
      assert.equal(second.connectionsAccepted, first.connectionsAccepted, 'keep-alive probe reuses its connection');
      assert.equal(probe.serverClosedConnections, 0);
      await probe.close();
    } finally {
      await server.stop();
      await server.stop();
    }
    assert.ok(processGone(server.pid));
  });

  test('close mode: each probe costs one connection, which calibrate() measures and delta() removes', async () => {
    const server = await startEmbeddedServer('close');
    const probe = new StatsProbe(server.url);
    try {
      const before = await probe.calibrate();
      const after = await probe.quiescent();
      const delta = probe.delta(before, after);
      assert.equal(delta.connectionsAccepted, 0);
      assert.equal(delta.requests, 0);
      assert.equal(delta.closedByServer, 0);
      assert.ok(probe.serverClosedConnections >= 3);
    } finally {
      await probe.close();
      await server.stop();
    }
  });

  test('a server that exits before printing its URL → H1B_SERVER_SPAWN_FAILED with its stderr', async () => {
    await assert.rejects(
      startEmbeddedServer('close', ['--bogus-flag']),
      (error: unknown) => isH1Error(error) && error.code === 'H1B_SERVER_SPAWN_FAILED' && /exited/.test(error.message) && /Unknown argument/i.test(error.message),
    );
  });
});

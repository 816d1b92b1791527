// Native engine against the embedded server: client and server count the same handshakes and closes in every mode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NativeEngine } from '../../src/client/engines/native.js';
import type { LoadConfig } from '../../src/client/engine.js';
import { startServer } from '../../src/server/index.js';
import { loadConfig } from '../helpers/load-config.js';
import { DEFAULT_SERVER_CONFIG, type ServerMode } from '../../src/types.js';

async function against(serverMode: ServerMode, over: Partial<LoadConfig>) {
  const server = await startServer({ ...DEFAULT_SERVER_CONFIG, mode: serverMode, port: 0 });
  try {
    const before = server.stats();
    const engine = new NativeEngine();
    const result = await engine.run(
      loadConfig(server.url, over),
      new AbortController().signal,
    );
    assert.equal(await engine.firstResponse(), true);
    // The server learns of the last closes a moment after the client: wait until it has no open connection.
    await server.whenIdle();
    const after = server.stats();
    return { result, accepted: after.connectionsAccepted - before.connectionsAccepted, stats: after, before };
  } finally {
    await server.close();
  }
}

test('1.0 -n 2000 -c 10: 2000 handshakes on both sides, all closed by the server', async () => {
  const { result, accepted, stats, before } = await against('close', { mode: '1.0', connections: 10, requests: 2000 });
  assert.equal(result.completed, 2000);
  assert.deepEqual(result.errors, {});
  assert.equal(result.connections!.opened, 2000);
  assert.equal(result.connections!.closedByServer, 2000);
  assert.equal(accepted, 2000);
  assert.equal(stats.closedByServer - before.closedByServer, 2000);
  assert.equal(stats.requests - before.requests, 2000);
});

test('1.1 -n 2000 -c 8: eight handshakes on both sides', async () => {
  const { result, accepted, stats, before } = await against('keep-alive', { mode: '1.1', connections: 8, requests: 2000 });
  assert.equal(result.completed, 2000);
  assert.deepEqual(result.errors, {});
  assert.equal(result.connections!.opened, 8);
  assert.equal(accepted, 8);
  assert.equal(stats.requests - before.requests, 2000);
});

test('pipeline -n 2000 -c 4 -P 10: every response, four handshakes', async () => {
  const { result, accepted, stats, before } = await against('keep-alive', { mode: 'pipeline', connections: 4, requests: 2000 });
  assert.equal(result.completed, 2000);
  assert.deepEqual(result.errors, {});
  assert.equal(result.connections!.opened, 4);
  assert.equal(accepted, 4);
  assert.equal(stats.requests - before.requests, 2000);
});

test('1.1 against a server in close mode reconnects for every request', async () => {
  const { result, accepted } = await against('close', { mode: '1.1', connections: 4, requests: 400 });
  assert.equal(result.completed, 400);
  assert.deepEqual(result.errors, {});
  assert.equal(result.connections!.opened, 400);
  assert.equal(result.connections!.closedByServer, 400);
  assert.equal(accepted, 400);
});

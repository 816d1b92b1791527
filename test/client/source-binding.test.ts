// --source: connections bind to the given local addresses, round-robin per connect, in every mode and thread.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import net, { isIP } from 'node:net';
import { NativeEngine } from '../../src/client/engines/native.js';
import { isH1Error } from '../../src/errors.js';
import { WorkerPool, WorkersEngine } from '../../src/runner/workers.js';
import { loadConfig } from '../helpers/load-config.js';

/** A 1.0-style server on 127.0.0.1 that answers and closes, counting connections per client address. */
async function countingServer(): Promise<{ url: URL; bySource: Map<string, number>; close(): Promise<void> }> {
  const bySource = new Map<string, number>();
  const server = net.createServer((socket) => {
    const from = socket.remoteAddress ?? '?';
    bySource.set(from, (bySource.get(from) ?? 0) + 1);
    socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/`), bySource, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const SOURCES = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];

test('1.0 -n 300 with three source addresses: exactly 100 connections from each', async () => {
  const server = await countingServer();
  try {
    const result = await new NativeEngine().run(loadConfig(server.url, { mode: '1.0', connections: 5, requests: 300, localAddresses: SOURCES }), new AbortController().signal);
    assert.equal(result.completed, 300);
    assert.deepEqual(Object.fromEntries(server.bySource), { '127.0.0.2': 100, '127.0.0.3': 100, '127.0.0.4': 100 });
  } finally {
    await server.close();
  }
});

test('with --workers every thread walks every address, so the spread stays even', async () => {
  const server = await countingServer();
  const pool = new WorkerPool(2);
  try {
    const result = await new WorkersEngine(pool).run(loadConfig(server.url, { mode: '1.0', connections: 4, requests: 600, localAddresses: SOURCES }), new AbortController().signal);
    assert.equal(result.completed, 600);
    assert.deepEqual(Object.fromEntries(server.bySource), { '127.0.0.2': 200, '127.0.0.3': 200, '127.0.0.4': 200 });
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a source family that differs from the resolved target is refused before any traffic', async () => {
  const server = await countingServer();
  try {
    const url = new URL(server.url.href.replace('127.0.0.1', 'localhost'));
    // localhost may resolve to either family here: bind to the other one. The runner resolves once and hands the
    // engine the address (LoadConfig.address); the engine never resolves.
    const resolved = (await lookup('localhost')).address;
    const other = isIP(resolved) === 4 ? '::1' : '127.0.0.2';
    await assert.rejects(
      new NativeEngine().run(loadConfig(url, { mode: '1.0', connections: 1, requests: 1, address: resolved, localAddresses: [other] }), new AbortController().signal),
      (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && /--source addresses are IPv\d but the target localhost resolved/.test(error.message),
    );
    assert.equal(server.bySource.size, 0);
  } finally {
    await server.close();
  }
});

// Backpressure: a client that pipelines many large requests and never reads must not grow the server's memory.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSocket, startTestServer, until } from '../helpers/raw-http.js';

test('a pipelining client that never reads: the connection pauses, queued bytes stay bounded', async () => {
  const size = 65536;
  const requests = 2000; // 131 MB of responses if the server did not stop
  const server = await startTestServer({ writeHighWaterMark: 64 * 1024, keepAliveTimeoutMs: 30_000 });
  try {
    const socket = await openSocket(server.port);
    // No 'data' listener: node reads at most one readable high-water mark, then the kernel buffers fill.
    socket.write(`GET /bytes/${size} HTTP/1.1\r\nHost: t\r\n\r\n`.repeat(requests));
    await until(server, () => server.stats().backpressurePauses >= 1, 'the server to pause the connection');
    const paused = server.stats();
    // What the server has handed to the socket: kernel buffers (a few MB on loopback) + one high-water mark.
    assert.ok(paused.bytesOut < 32 * 1024 * 1024, `bytesOut ${paused.bytesOut}`);
    assert.ok(paused.requests < requests / 4, `requests ${paused.requests}`);
    // Reading everything (bounded) resumes the connection until every request is answered.
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    await until(server, () => server.stats().requests === requests, 'all requests answered after the client reads', 20_000);
    assert.ok(server.stats().backpressurePauses > 1);
    socket.destroy();
    await server.whenIdle();
    assert.ok(received > 0);
  } finally {
    await server.close(500);
  }
});

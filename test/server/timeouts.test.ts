// Deadlines: slowloris headers → 408, body timeout → 408, idle keep-alive close, silent fresh connection, max requests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exchange, openSocket, splitResponses, startTestServer, waitFor } from '../helpers/raw-http.js';

/** Collect what the server sends until it closes the socket. */
function collectUntilClose(socket: import('node:net').Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  socket.on('data', (c: Buffer) => parts.push(c));
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(parts))));
}

test('slowloris: a header section dribbled in byte by byte gets 408 and is closed', async () => {
  const server = await startTestServer({ headersTimeoutMs: 200 });
  try {
    const socket = await openSocket(server.port);
    const received = collectUntilClose(socket);
    socket.write('GET / HTTP/1.1\r\nHost: t\r\n');
    // Keep sending one byte of a never-ending header; bounded in count, stops when the server closes.
    let closed = false;
    socket.on('close', () => (closed = true));
    for (let i = 0; i < 200 && !closed; i++) {
      if (socket.writable) socket.write('X');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const responses = splitResponses(await received).responses;
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.status, 408);
    assert.equal(responses[0]!.headers.get('connection'), 'close');
    assert.equal(server.stats().responsesByStatus['408'], 1);
  } finally {
    await server.close(500);
  }
});

test('body timeout: a body that stops arriving gets 408', async () => {
  const server = await startTestServer({ bodyTimeoutMs: 150 });
  try {
    const socket = await openSocket(server.port);
    const received = collectUntilClose(socket);
    socket.write('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc');
    const responses = splitResponses(await received).responses;
    assert.deepEqual(responses.map((r) => r.status), [408]);
  } finally {
    await server.close(500);
  }
});

test('idle keep-alive connections are closed silently after the keep-alive timeout; fresh silent ones too', async () => {
  const server = await startTestServer({ keepAliveTimeoutMs: 150, headersTimeoutMs: 150 });
  try {
    const idle = await openSocket(server.port);
    const afterRequest = collectUntilClose(idle);
    idle.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    const silent = await openSocket(server.port);
    const nothing = collectUntilClose(silent);
    const responses = splitResponses(await afterRequest).responses;
    assert.deepEqual(responses.map((r) => r.status), [200]);
    assert.equal(responses[0]!.headers.get('keep-alive'), 'timeout=1');
    assert.equal((await nothing).length, 0);
    await waitFor(() => server.stats().connectionsOpen === 0, 'both connections closed');
    assert.equal(server.stats().closedByServer, 2);
  } finally {
    await server.close(500);
  }
});

test('max requests per connection: the last answer carries Connection: close', async () => {
  const server = await startTestServer({ maxRequestsPerConnection: 3 });
  try {
    const req = 'GET / HTTP/1.1\r\nHost: t\r\n\r\n';
    const ex = await exchange(server.port, req.repeat(5));
    assert.deepEqual(ex.responses.map((r) => r.headers.get('connection')), [undefined, undefined, 'close']);
    assert.equal(ex.closedByServer, true);
  } finally {
    await server.close(500);
  }
});

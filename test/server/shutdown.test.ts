// Graceful shutdown: stop accepting, close idle connections at once, let in-flight answers finish (bounded).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { openSocket, splitResponses, startTestServer } from '../helpers/raw-http.js';

function untilClose(socket: import('node:net').Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  socket.on('data', (c: Buffer) => parts.push(c));
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(parts))));
}

test('close(): idle connections close, an in-flight answer completes with Connection: close, new connections are refused', async () => {
  const server = await startTestServer({ maxDelayMs: 5000 });
  const idle = await openSocket(server.port);
  const idleDone = untilClose(idle);
  const busy = await openSocket(server.port);
  const busyDone = untilClose(busy);
  const firstByte = new Promise<void>((resolve) => busy.once('readable', () => resolve()));
  busy.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
  await firstByte; // the first answer is in: the connection is established and served
  // Let the server see the delayed request before shutting down.
  const delayed = server.waitFor('request', (_conn, _method, target) => target === '/delay/200');
  busy.write('GET /delay/200 HTTP/1.1\r\nHost: t\r\n\r\n');
  await delayed;
  await server.close(3000);
  assert.equal((await idleDone).length, 0);
  const answers = splitResponses(await busyDone).responses;
  assert.deepEqual(answers.map((r) => r.status), [200, 200]);
  assert.equal(answers[1]!.headers.get('connection'), 'close');
  const stats = server.stats();
  assert.equal(stats.connectionsOpen, 0);
  assert.equal(stats.closedByServer, 2);
  const refused = await new Promise<string>((resolve) => {
    const s = connect(server.port, '127.0.0.1');
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
  });
  assert.equal(refused, 'ECONNREFUSED');
});

test('close(): the grace period bounds the wait; unfinished connections are dropped', async () => {
  const server = await startTestServer({ maxDelayMs: 60_000 });
  const slow = await openSocket(server.port);
  const done = untilClose(slow);
  const seen = server.waitFor('request');
  slow.write('GET /delay/60000 HTTP/1.1\r\nHost: t\r\n\r\n');
  await seen;
  await server.close(100);
  assert.equal((await done).length, 0);
  assert.equal(server.stats().connectionsOpen, 0);
});

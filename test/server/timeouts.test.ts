// Deadlines: slowloris headers → 408, body timeout → 408, idle keep-alive close, silent fresh connection, max requests.
// Time is a ManualClock and the deadline sweep runs on ManualTimers: each test moves time by hand once the server
// has seen what it must (an accept, a read, an answer), so no test sleeps and none depends on the machine's speed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, ManualTimers } from '../../src/clock.js';
import type { ServerConfig } from '../../src/types.js';
import { exchange, openSocket, serverRead, splitResponses, startTestServer } from '../helpers/raw-http.js';

/** A server whose deadlines move only when the test calls `timers.advanceMs`. */
async function manualServer(overrides: Partial<ServerConfig>) {
  const clock = new ManualClock(1_000_000);
  const timers = new ManualTimers(clock);
  const server = await startTestServer(overrides, { clock, timers });
  return { server, timers };
}

/** Collect what the server sends until it closes the socket. */
function collectUntilClose(socket: import('node:net').Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  socket.on('data', (c: Buffer) => parts.push(c));
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(parts))));
}

test('slowloris: a header section dribbled in byte by byte gets 408 and is closed', async () => {
  const { server, timers } = await manualServer({ headersTimeoutMs: 200 });
  try {
    const accepted = server.waitFor('connection');
    const socket = await openSocket(server.port);
    await accepted; // the headers deadline runs from here: 200 ms of server time
    const received = collectUntilClose(socket);
    const start = 'GET / HTTP/1.1\r\nHost: t\r\n';
    let read = serverRead(server, socket, start.length);
    socket.write(start);
    await read;
    // One byte of a never-ending header per 20 ms of server time, each read by the server before time moves on:
    // the bytes keep coming, yet the deadline set at accept must fire (at 200 ms, the tenth step).
    let timedOut = -1;
    server.on('response', (_conn, status) => {
      if (status === 408) timedOut = step;
    });
    let step = 0;
    for (; step < 20 && timedOut < 0; step++) {
      read = serverRead(server, socket, 1);
      socket.write('X');
      await read;
      timers.advanceMs(20);
    }
    assert.equal(timedOut, 9, 'the 408 came at the first sweep past 200 ms, however many bytes arrived');
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
  const { server, timers } = await manualServer({ bodyTimeoutMs: 150 });
  try {
    const socket = await openSocket(server.port);
    const received = collectUntilClose(socket);
    const partial = 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc';
    const read = serverRead(server, socket, partial.length);
    socket.write(partial);
    await read; // the body deadline now runs from the last read
    timers.advanceMs(149);
    assert.equal(server.stats().responsesByStatus['408'], undefined, 'not before the body timeout');
    timers.advanceMs(1);
    const responses = splitResponses(await received).responses;
    assert.deepEqual(responses.map((r) => r.status), [408]);
  } finally {
    await server.close(500);
  }
});

test('idle keep-alive connections are closed silently after the keep-alive timeout; fresh silent ones too', async () => {
  const { server, timers } = await manualServer({ keepAliveTimeoutMs: 150, headersTimeoutMs: 150 });
  try {
    let accepts = 0;
    const bothAccepted = server.waitFor('connection', () => ++accepts === 2);
    const answered = server.waitFor('response');
    const idle = await openSocket(server.port);
    const afterRequest = collectUntilClose(idle);
    idle.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    const silent = await openSocket(server.port);
    const nothing = collectUntilClose(silent);
    await Promise.all([bothAccepted, answered]); // both deadlines are armed: idle from the answer, silent from accept
    timers.advanceMs(150);
    const responses = splitResponses(await afterRequest).responses;
    assert.deepEqual(responses.map((r) => r.status), [200]);
    assert.equal(responses[0]!.headers.get('keep-alive'), 'timeout=1');
    assert.equal((await nothing).length, 0);
    await server.whenIdle();
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

// Server events: connection, data, request, response, closed with who closed first, idle; waitFor's bounds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../src/errors.js';
import type { ServerConnection as Connection } from '../../src/server/index.js';
import { exchange, openSocket, startTestServer } from '../helpers/raw-http.js';

test('one keep-alive exchange reports connection, data, request, response, closed (client first), idle, in that order', async () => {
  const server = await startTestServer();
  try {
    const seen: string[] = [];
    let conn: Connection | null = null;
    server.on('connection', (c) => {
      conn = c;
      seen.push(`connection ${c.id}`);
    });
    server.on('data', (c, bytes) => seen.push(`data ${c.id} ${bytes}`));
    server.on('request', (c, method, target) => seen.push(`request ${c.id} ${method} ${target}`));
    server.on('response', (c, status) => seen.push(`response ${c.id} ${status}`));
    server.on('closed', (c, kind) => seen.push(`closed ${c.id} ${kind}`));
    server.on('idle', () => seen.push('idle'));
    const idle = server.waitFor('idle');
    const request = 'GET /bytes/2 HTTP/1.1\r\nHost: t\r\n\r\n';
    const ex = await exchange(server.port, request, { responses: 1 }); // then the client closes first
    assert.equal(ex.responses[0]!.status, 200);
    await idle;
    const id = conn!.id;
    assert.deepEqual(seen, [`connection ${id}`, `data ${id} ${request.length}`, `request ${id} GET /bytes/2`, `response ${id} 200`, `closed ${id} client`, 'idle']);
  } finally {
    await server.close(500);
  }
});

test('closed says who closed first: server (Connection: close), reset (RST)', async () => {
  const server = await startTestServer();
  try {
    const byServer = server.waitFor('closed');
    await exchange(server.port, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal((await byServer)[1], 'server');
    const accepted = server.waitFor('connection');
    const socket = await openSocket(server.port);
    await accepted;
    const reset = server.waitFor('closed');
    socket.resetAndDestroy();
    assert.equal((await reset)[1], 'reset');
    await server.whenIdle();
    const stats = server.stats();
    assert.equal(stats.closedByServer, 1);
    assert.equal(stats.reset, 1);
  } finally {
    await server.close(500);
  }
});

test('a protocol error is reported as a response with its status', async () => {
  const server = await startTestServer();
  try {
    const answered = server.waitFor('response');
    await exchange(server.port, 'GET / HTTP/1.1\r\nHost : t\r\n\r\n');
    assert.equal((await answered)[1], 400);
  } finally {
    await server.close(500);
  }
});

test('waitFor: a clear H1B_TIMEOUT instead of a hang; a throwing predicate rejects the waiter, not the server', async () => {
  const server = await startTestServer();
  try {
    await assert.rejects(server.waitFor('request', undefined, 20), (error: unknown) => isH1Error(error) && error.code === 'H1B_TIMEOUT' && /'request'/.test(error.message));
    // assert.rejects attaches its handler now: the rejection comes before the exchange below resolves.
    const failing = assert.rejects(
      server.waitFor('request', () => {
        throw new Error('predicate failed');
      }),
      /predicate failed/,
    );
    const ex = await exchange(server.port, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal(ex.responses[0]!.status, 200, 'the server answered regardless');
    await failing;
    await server.whenIdle(); // resolves at once when nothing is open
    await server.whenIdle();
  } finally {
    await server.close(500);
  }
});

test('off() detaches; a listener may remove itself while the event is emitted', async () => {
  const server = await startTestServer();
  try {
    let calls = 0;
    const once = (): void => {
      calls++;
      server.off('request', once);
    };
    server.on('request', once);
    let later = 0;
    server.on('request', () => later++);
    for (let i = 0; i < 2; i++) await exchange(server.port, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal(calls, 1);
    assert.equal(later, 2);
  } finally {
    await server.close(500);
  }
});

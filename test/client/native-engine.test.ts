// Native engine against literal-bytes servers: handshake counts per mode, reconnects, failure paths, abort, warm-up.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NativeEngine } from '../../src/client/engines/native.js';
import type { LoadConfig } from '../../src/client/engine.js';
import { response, startLiteralServer } from './literal-server.js';
import { unusedPort } from '../helpers/ports.js';
import { loadConfig } from '../helpers/load-config.js';

const OK = response('ok');
const OK_CLOSE = response('ok', 'Connection: close\r\n');

function config(url: URL, over: Partial<LoadConfig>): LoadConfig {
  return loadConfig(url, { durationMs: 20_000, timeoutMs: 0, ...over });
}

const run = (cfg: LoadConfig, signal = new AbortController().signal) => new NativeEngine().run(cfg, signal);

describe('native engine: handshakes per mode', () => {
  test('1.0 -n 2000 -c 10: one connection per request, every one closed by the server', async () => {
    const server = await startLiteralServer(({ socket }) => socket.end(OK_CLOSE));
    const result = await run(config(server.url, { mode: '1.0', connections: 10, requests: 2000 }));
    await server.close();
    assert.equal(result.httpVersionOnWire, '1.0');
    assert.equal(result.completed, 2000);
    assert.equal(result.sent, 2000);
    assert.deepEqual(result.errors, {});
    assert.equal(result.connections!.opened, 2000);
    assert.equal(result.connections!.closedByServer, 2000);
    assert.equal(result.connections!.closedByClient, 0);
    assert.equal(server.accepted, 2000);
    assert.equal(result.connect.totalCount, 2000, 'one connect time per request that opened a connection');
    // A slot opens its next connection at once while the last one waits for the server's FIN: two per slot at most.
    assert.ok(result.connections!.maxOpen <= 20, `maxOpen ${result.connections!.maxOpen}`);
  });

  test('1.0 reads close-delimited bodies to the end', async () => {
    const server = await startLiteralServer(({ socket }) => socket.end('HTTP/1.0 200 OK\r\nServer: t\r\n\r\nbody until close'));
    const result = await run(config(server.url, { mode: '1.0', connections: 3, requests: 60 }));
    await server.close();
    assert.equal(result.completed, 60);
    assert.deepEqual(result.errors, {});
    assert.equal(result.bytesIn, 60 * Buffer.byteLength('HTTP/1.0 200 OK\r\nServer: t\r\n\r\nbody until close'));
  });

  test('1.1 -n 2000 -c 8: eight handshakes, closed by the client at the end', async () => {
    const server = await startLiteralServer(({ socket }) => socket.write(OK));
    const result = await run(config(server.url, { connections: 8, requests: 2000 }));
    await server.close();
    assert.equal(result.httpVersionOnWire, '1.1');
    assert.equal(result.completed, 2000);
    assert.equal(server.requests, 2000, 'no request beyond -n is sent');
    assert.equal(result.connections!.opened, 8);
    assert.equal(result.connections!.closedByClient, 8);
    assert.equal(server.accepted, 8);
    assert.equal(server.clientClosedFirst, 8);
    assert.equal(result.connect.totalCount, 8);
    assert.equal(result.ttfb.totalCount, 2000);
    assert.equal(result.timeline.reduce((sum, p) => sum + p.requests, 0), 2000);
    assert.deepEqual(result.statusCodes, { '200': 2000 });
  });

  test('1.1 reconnects after Connection: close and counts it', async () => {
    let closes = 0;
    const server = await startLiteralServer(({ socket, onConnection }) => {
      if (onConnection % 5 === 4) {
        closes++;
        socket.end(OK_CLOSE);
      } else socket.write(OK);
    });
    const result = await run(config(server.url, { connections: 4, requests: 1000 }));
    await server.close();
    assert.equal(result.completed, 1000);
    assert.deepEqual(result.errors, {});
    assert.equal(result.resent, 0);
    assert.equal(result.connections!.opened, server.accepted);
    assert.ok(closes >= 196 && closes <= 200, `every fifth response on a connection closes it (${closes})`);
    assert.equal(result.connections!.closedByServer, closes, 'every close the server announced, it made first');
    // The connections still short of their fifth answer when the run ended are closed by the client.
    assert.equal(result.connections!.closedByClient, result.connections!.opened - closes);
    assert.equal(result.connections!.serverCloseLate, 0);
  });

  test('pipeline -n 2000 -c 4 -P 10: all responses on four connections', async () => {
    const server = await startLiteralServer(({ socket }) => socket.write(OK));
    const result = await run(config(server.url, { mode: 'pipeline', connections: 4, requests: 2000, pipelining: 10 }));
    await server.close();
    assert.equal(result.completed, 2000);
    assert.equal(server.requests, 2000);
    assert.equal(result.connections!.opened, 4);
    assert.deepEqual(result.errors, {});
  });

  test('pipeline: requests written after a close response are sent again on a new connection', async () => {
    const server = await startLiteralServer(({ socket, onConnection }) => {
      if (socket.writableEnded) return; // pipelined behind the close: never processed
      if (onConnection === 6) socket.end(OK_CLOSE);
      else socket.write(OK);
    });
    const result = await run(config(server.url, { mode: 'pipeline', connections: 2, requests: 500, pipelining: 8 }));
    await server.close();
    assert.equal(result.completed, 500);
    assert.deepEqual(result.errors, {});
    assert.ok(result.sent > 500, 'the unanswered requests were written again');
    assert.ok(result.notes.some((n) => n.includes('sent again')));
    assert.equal(result.connections!.closedByServer, Math.floor(500 / 7));
  });
});

describe('native engine: responses and errors', () => {
  test('HEAD responses carry no body', async () => {
    const server = await startLiteralServer(({ socket }) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'));
    const result = await run(config(server.url, { method: 'HEAD', requests: 100 }));
    await server.close();
    assert.equal(result.completed, 100);
    assert.deepEqual(result.errors, {});
  });

  test('large and chunked bodies are read in full, split across many reads', async () => {
    const big = response('x'.repeat(1 << 20));
    const chunked = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4000\r\n${'y'.repeat(0x4000)}\r\n0\r\n\r\n`;
    const server = await startLiteralServer(({ socket, global }) => socket.write(global % 2 === 0 ? big : chunked));
    const result = await run(config(server.url, { mode: 'pipeline', connections: 2, requests: 40, pipelining: 4 }));
    await server.close();
    assert.equal(result.completed, 40);
    assert.deepEqual(result.errors, {});
    assert.equal(result.bytesIn, 20 * Buffer.byteLength(big) + 20 * Buffer.byteLength(chunked));
  });

  test('non-2xx responses are counted by status', async () => {
    const server = await startLiteralServer(({ socket, global }) => {
      socket.write(global % 2 === 0 ? OK : 'HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n');
    });
    const result = await run(config(server.url, { connections: 1, requests: 100 }));
    await server.close();
    assert.equal(result.completed, 100);
    assert.equal(result.non2xx, 50);
    assert.deepEqual(result.statusCodes, { '200': 50, '503': 50 });
    assert.deepEqual(result.errors, { HTTP_503: 50 });
    // The timeline's errors mean failed requests, as requests.errors does for every engine: 503s are not failures.
    assert.equal(result.timeline.reduce((sum, point) => sum + point.errors, 0), 0);
  });

  test('malformed responses are parse errors', async () => {
    const server = await startLiteralServer(({ socket }) => socket.write('HTTP/1.1 2OO OK\r\n\r\n'));
    const result = await run(config(server.url, { connections: 2, requests: 20 }));
    await server.close();
    assert.equal(result.completed, 0);
    assert.equal(result.errors.H1B_PARSE_ERROR, 20);
    // A bounded sample keeps the parser's own reason, the phase and both ends of the connection.
    const samples = result.errorSamples.H1B_PARSE_ERROR ?? [];
    assert.equal(samples.length, 5);
    assert.match(samples[0]!.reason, /status code/);
    assert.equal(samples[0]!.phase, 'head');
    assert.equal(samples[0]!.remote, `127.0.0.1:${server.url.port}`);
    assert.match(samples[0]!.local ?? '', /^127\.0\.0\.1:\d+$/);
  });

  test('per-request timeout fails the stuck request and reconnects', async () => {
    // Three answers per connection, then silence.
    const server = await startLiteralServer(({ socket, onConnection }) => {
      if (onConnection < 3) socket.write(OK);
    });
    const result = await run(config(server.url, { connections: 2, durationMs: 1500, timeoutMs: 250 }));
    await server.close();
    assert.ok((result.errors.H1B_TIMEOUT ?? 0) >= 2, `timeouts: ${JSON.stringify(result.errors)}`);
    assert.ok(result.completed >= 6);
    assert.equal(result.completed % 3, 0, 'each connection answered exactly three before it stalled');
    assert.ok(result.connections!.opened >= 4, 'the slots reconnected after their timeouts');
  });

  test('a refused target finishes by itself, counting refused connects', async () => {
    const port = await unusedPort();
    const started = Date.now();
    const result = await run(config(new URL(`http://127.0.0.1:${port}/`), { connections: 4, durationMs: 60_000 }));
    assert.ok(Date.now() - started < 30_000, 'it did not run for the whole duration');
    assert.equal(result.completed, 0);
    assert.equal(result.sent, 0, 'nothing reached the wire');
    assert.equal(result.connections!.opened, 0);
    assert.ok((result.errors.H1B_CONNECT_REFUSED ?? 0) >= 4);
    assert.ok(result.notes.some((n) => n.includes('unreachable')));
    const sample = result.errorSamples.H1B_CONNECT_REFUSED?.[0];
    assert.equal(sample?.phase, 'connect');
    assert.match(sample?.reason ?? '', /ECONNREFUSED/);
    assert.equal(sample?.remote, `127.0.0.1:${port}`);
  });

  test('a refused target in request-count mode also finishes', async () => {
    const port = await unusedPort();
    const result = await run(config(new URL(`http://127.0.0.1:${port}/`), { mode: '1.0', connections: 2, requests: 1_000_000, durationMs: 60_000 }));
    assert.equal(result.completed, 0);
    assert.ok((result.errors.H1B_CONNECT_REFUSED ?? 0) >= 2);
    assert.ok(result.errors.H1B_CONNECT_REFUSED! < 1000, 'connects were retried with back-off, not in a hot loop');
  });

  test('a server destroyed mid-run: the run counts the failures and ends', async () => {
    let destroyed = false;
    const holder: { close?: () => Promise<void> } = {};
    const server = await startLiteralServer(({ socket, global }) => {
      if (global === 500 && !destroyed) {
        destroyed = true;
        void holder.close!();
        return;
      }
      if (!destroyed) socket.write(OK);
    });
    holder.close = () => server.close();
    const result = await run(config(server.url, { connections: 4, durationMs: 60_000 }));
    assert.ok(result.completed >= 400 && result.completed <= 500);
    const failures = (result.errors.H1B_PREMATURE_CLOSE ?? 0) + (result.errors.H1B_CONNECT_RESET ?? 0);
    assert.ok(failures >= 1, JSON.stringify(result.errors));
    assert.ok((result.errors.H1B_CONNECT_REFUSED ?? 0) >= 1);
    assert.ok(result.notes.some((n) => n.includes('unreachable')));
  });
});

describe('native engine: control', () => {
  test('AbortSignal stops the run and returns what was measured', async () => {
    const controller = new AbortController();
    const server = await startLiteralServer(({ socket, global }) => {
      if (global === 300) controller.abort();
      socket.write(OK);
    });
    const result = await run(config(server.url, { connections: 2, durationMs: 60_000 }), controller.signal);
    await server.close();
    assert.equal(result.interrupted, true);
    assert.ok(result.completed >= 250 && result.completed <= 302, `completed ${result.completed}`);
    assert.ok(result.measuredUs < 30_000_000);
  });

  test('an already aborted signal returns at once with nothing measured', async () => {
    const controller = new AbortController();
    controller.abort();
    const server = await startLiteralServer(({ socket }) => socket.write(OK));
    const result = await run(config(server.url, {}), controller.signal);
    await server.close();
    assert.equal(result.interrupted, true);
    assert.equal(result.completed, 0);
    assert.equal(server.accepted, 0);
  });

  test('progress reports the phase and counts while running', async () => {
    const engine = new NativeEngine();
    const seen: string[] = [];
    const server = await startLiteralServer(({ socket, global }) => {
      if (global % 100 === 0) seen.push(`${engine.progress().phase}:${engine.progress().completed >= 0}`);
      socket.write(OK);
    });
    assert.equal(engine.progress().phase, 'idle');
    const result = await engine.run(config(server.url, { connections: 2, requests: 400 }), new AbortController().signal);
    await server.close();
    assert.equal(result.completed, 400);
    assert.ok(seen.includes('measure:true'), seen.join(','));
    assert.equal(engine.progress().completed, 400);
    assert.equal(engine.progress().targetRequests, 400);
  });

  test('an invalid config is refused before any connection', async () => {
    await assert.rejects(run(config(new URL('http://127.0.0.1:1/'), { connections: 0 })), { code: 'H1B_INVALID_OPTION' });
    await assert.rejects(run(config(new URL('http://127.0.0.1:1/'), { method: 'G T' })), { code: 'H1B_INVALID_OPTION' });
    await assert.rejects(run(config(new URL('http://127.0.0.1:1/'), { headers: [['X-A', 'a\r\nInjected: 1']] })), { code: 'H1B_INVALID_OPTION' });
  });
});

describe('native engine: targets', () => {
  test('a host name goes to the address the runner chose; without one the config is refused, never resolved per connection', async () => {
    const server = await startLiteralServer(({ socket }) => socket.end(OK_CLOSE));
    const url = new URL(`http://localhost:${server.url.port}/`);
    const result = await run(config(url, { mode: '1.0', connections: 2, requests: 50, address: '127.0.0.1' }));
    await assert.rejects(run(config(url, { mode: '1.0', connections: 2, requests: 5 })), { code: 'H1B_INVALID_OPTION' });
    await server.close();
    assert.equal(result.completed, 50);
    assert.deepEqual(result.errors, {});
  });
});

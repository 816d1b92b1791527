// HTTPS under bad input and pressure: failed handshakes counted and dropped, handshake deadline, shutdown, backpressure.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { RunningServer } from '../../src/server/index.js';
import type { ServerStats } from '../../src/measurements.js';
import { splitResponses, until } from '../helpers/raw-http.js';
import { captureClientHello, openTlsSocket, startTlsTestServer, tlsExchange, tlsOptions } from '../helpers/raw-tls.js';

const GOOD = 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n';

/** Every TCP connection is accounted for once none is open (see StatsCounters.snapshot). */
function assertAccounted(stats: ServerStats): void {
  assert.equal(stats.connectionsOpen, 0);
  const failed = stats.tlsHandshakes!.failed;
  assert.equal(stats.connectionsAccepted, stats.closedByServer + stats.closedByClient + stats.reset + failed);
  assert.equal(
    Object.values(stats.tlsFailuresByCode!).reduce((a, b) => a + b, 0),
    failed,
    'every failure has a code',
  );
}

function tcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('bad TLS input: counted as failed, the socket dropped, the server keeps serving', () => {
  let server: RunningServer;
  let hello: Buffer;
  before(async () => {
    server = await startTlsTestServer({ headersTimeoutMs: 300 });
    hello = await captureClientHello();
    assert.equal(hello[0], 0x16, 'a TLS handshake record');
  });
  after(() => server.close(1000));

  /** Open a TCP socket, let `misbehave` act on it, and wait for the server to count one more failed handshake. */
  async function failOnce(misbehave: (socket: Socket) => void): Promise<{ code: string; received: Buffer }> {
    const before = server.stats().tlsFailuresByCode!;
    const failed = server.stats().tlsHandshakes!.failed;
    const socket = await tcp(server.port);
    const parts: Buffer[] = [];
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('error', () => {}); // a reset from the server is one of the expected outcomes
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    misbehave(socket);
    await until(server, () => server.stats().tlsHandshakes!.failed === failed + 1, 'the failed handshake to be counted');
    await closed; // the server destroyed its side
    const after = server.stats().tlsFailuresByCode!;
    const code = Object.keys(after).find((k) => after[k] !== before[k]) ?? '?';
    const ok = await tlsExchange(server, GOOD);
    assert.equal(ok.responses[0]?.status, 200, 'the server still answers');
    return { code, received: Buffer.concat(parts) };
  }

  test('plain HTTP sent to the TLS port', async () => {
    const { code, received } = await failOnce((s) => s.write(GOOD));
    assert.equal(code, 'ERR_SSL_HTTP_REQUEST');
    assert.equal(received.length, 0, 'no answer in clear text');
  });

  test('a truncated ClientHello followed by FIN', async () => {
    const { code } = await failOnce((s) => s.end(hello.subarray(0, Math.floor(hello.length / 2))));
    assert.equal(code, 'ECONNRESET');
  });

  test('a ClientHello then RST', async () => {
    await failOnce((s) => {
      s.write(hello);
      s.resetAndDestroy();
    });
  });

  test('random garbage', async () => {
    // 0x16 would start a plausible handshake record; anything else is no TLS at all.
    const garbage = randomBytes(1024);
    garbage[0] = 0x42;
    const { code } = await failOnce((s) => s.write(garbage));
    assert.match(code, /^ERR_SSL_/);
  });

  test('a client that connects and sends nothing is dropped at the handshake deadline (headers timeout)', async () => {
    const started = Date.now();
    const { code } = await failOnce(() => {});
    assert.equal(code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
    assert.ok(Date.now() - started >= 250, 'not before the deadline');
  });

  test('a ClientHello dribbled a byte at a time does not extend the deadline', async () => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const { code } = await failOnce((socket) => {
      let at = 0;
      const drip = (): void => {
        if (socket.destroyed || at >= hello.length - 1) return;
        socket.write(hello.subarray(at, ++at));
        timer = setTimeout(drip, 20);
      };
      drip();
    });
    clearTimeout(timer);
    assert.equal(code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
    assert.ok(Date.now() - started < 2000);
  });

  test('a client offering only h2 in ALPN gets a fatal alert (no_application_protocol)', async () => {
    const failed = server.stats().tlsHandshakes!.failed;
    await assert.rejects(openTlsSocket(server, { ALPNProtocols: ['h2'] }), /no application protocol|ALPN/i);
    await until(server, () => server.stats().tlsHandshakes!.failed === failed + 1, 'the failed handshake to be counted');
  });

  test('the counts add up: accepted = closed + reset + failed, failures by code', async () => {
    await server.whenIdle();
    const stats = server.stats();
    assertAccounted(stats);
    assert.ok(stats.tlsHandshakes!.failed >= 7, JSON.stringify(stats.tlsFailuresByCode));
  });
});

describe('HTTPS lifecycle: half-close, deadlines, shutdown, backpressure', () => {
  test('requests and FIN written before the handshake completes are all answered (half-open after the handshake)', async () => {
    const server = await startTlsTestServer({ mode: 'keep-alive' });
    try {
      for (let round = 0; round < 5; round++) {
        // node queues the writes and the FIN until secureConnect: they follow the client's Finished at once.
        const socket = tlsConnect(tlsOptions(server));
        const parts: Buffer[] = [];
        socket.on('data', (c: Buffer) => parts.push(c));
        const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
        // A deferred answer first: the others wait behind it, after the FIN has been read.
        socket.end('GET /delay/10 HTTP/1.1\r\nHost: t\r\n\r\n' + 'GET /bytes/3 HTTP/1.1\r\nHost: t\r\n\r\n'.repeat(2));
        await closed;
        assert.deepEqual(splitResponses(Buffer.concat(parts)).responses.map((r) => r.body.length), [13, 3, 3], `round ${round}`);
      }
      await server.whenIdle();
      assert.equal(server.stats().closedByClient, 5);
      assert.deepEqual(server.stats().tlsHandshakes, { full: 5, resumed: 0, failed: 0 });
    } finally {
      await server.close(500);
    }
  });

  test('after the handshake, a slow header section still gets 408 (headers deadline from the handshake)', async () => {
    const server = await startTlsTestServer({ headersTimeoutMs: 200 });
    try {
      const socket = await openTlsSocket(server);
      const parts: Buffer[] = [];
      socket.on('data', (c: Buffer) => parts.push(c));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write('GET / HTTP/1.1\r\nHost: t\r\n');
      await closed;
      assert.deepEqual(splitResponses(Buffer.concat(parts)).responses.map((r) => r.status), [408]);
      await server.whenIdle();
      assertAccounted(server.stats());
      assert.equal(server.stats().closedByServer, 1);
    } finally {
      await server.close(500);
    }
  });

  test('close(): idle TLS connections close, an in-flight answer completes, a handshaking socket is dropped at the grace', async () => {
    // A long headers timeout: only the shutdown grace can end the silent socket's handshake.
    const server = await startTlsTestServer({ headersTimeoutMs: 60_000, maxDelayMs: 5000 });
    const idle = await openTlsSocket(server);
    const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    const busy = await openTlsSocket(server);
    const answers: Buffer[] = [];
    busy.on('data', (c: Buffer) => answers.push(c));
    const busyClosed = new Promise<void>((resolve) => busy.on('close', () => resolve()));
    busy.write('GET /delay/100 HTTP/1.1\r\nHost: t\r\n\r\n');
    const silent = await tcp(server.port);
    silent.on('error', () => {});
    const silentClosed = new Promise<void>((resolve) => silent.on('close', () => resolve()));
    await until(server, () => server.stats().requests === 1 && server.stats().connectionsAccepted === 3, 'the delayed request and the silent accept');
    const started = Date.now();
    await server.close(400);
    assert.ok(Date.now() - started < 3000, `close() took ${Date.now() - started} ms`);
    await Promise.all([idleClosed, busyClosed, silentClosed]);
    const responses = splitResponses(Buffer.concat(answers)).responses;
    assert.deepEqual(responses.map((r) => r.status), [200]);
    assert.equal(responses[0]!.headers.get('connection'), 'close');
    const stats = server.stats();
    assertAccounted(stats);
    assert.deepEqual(stats.tlsHandshakes, { full: 2, resumed: 0, failed: 1 });
    assert.equal(stats.closedByServer, 2);
  });

  test('backpressure: a pipelining TLS client that never reads pauses the connection; reading resumes it', async () => {
    const size = 65536;
    const requests = 1000;
    const server = await startTlsTestServer({ writeHighWaterMark: 64 * 1024, keepAliveTimeoutMs: 30_000 });
    try {
      const socket = await openTlsSocket(server);
      socket.write(`GET /bytes/${size} HTTP/1.1\r\nHost: t\r\n\r\n`.repeat(requests));
      await until(server, () => server.stats().backpressurePauses >= 1, 'the server to pause the connection');
      const paused = server.stats();
      assert.ok(paused.bytesOut < 32 * 1024 * 1024, `bytesOut ${paused.bytesOut}`);
      assert.ok(paused.requests < requests / 4, `requests ${paused.requests}`);
      let received = 0;
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      await until(server, () => server.stats().requests === requests, 'all requests answered after the client reads', 20_000);
      socket.destroy();
      await server.whenIdle();
      assert.ok(received > 0);
      assertAccounted(server.stats());
    } finally {
      await server.close(500);
    }
  });
});

// Shared server cases, literal bytes over node:net or node:tls, run against both modes (server-close / server-keep-alive
// tests over TCP, tls-cases test over TLS): the same RFC 9112 behaviour whatever carries the bytes.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/server/index.js';
import type { ServerMode } from '../../src/types.js';
import { splitResponses, TCP_TRANSPORT, type RawTransport } from '../helpers/raw-http.js';

const GET = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

/** Bad input → status. Each must be answered with Connection: close, then the connection closed. */
const BAD: Array<[string, string, number]> = [
  ['space before colon', 'GET / HTTP/1.1\r\nHost : t\r\n\r\n', 400],
  ['missing Host', 'GET / HTTP/1.1\r\n\r\n', 400],
  ['obs-fold', 'GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n', 400],
  ['NUL in value', 'GET / HTTP/1.1\r\nHost: t\r\nX: \x00\r\n\r\n', 400],
  ['CL and TE', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ['differing CL', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400],
  ['bad chunk size', 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n', 400],
  ['binary garbage', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 400],
  ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: t\r\n\r\n', 505],
  ['long request line', `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: t\r\n\r\n`, 414],
  ['huge header section', `GET / HTTP/1.1\r\nHost: t\r\nX: ${'v'.repeat(17000)}\r\n\r\n`, 431],
  ['too many fields', `GET / HTTP/1.1\r\nHost: t\r\n${'X: 1\r\n'.repeat(101)}\r\n`, 431],
  ['body too large', 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n', 413],
];

export function runServerCases(mode: ServerMode, transport: RawTransport = TCP_TRANSPORT): void {
  const keepAlive = mode === 'keep-alive';
  const { start, exchange, openSocket } = transport;
  describe(`server cases, mode ${mode}, over ${transport.name}`, () => {
    let server: RunningServer;
    before(async () => {
      server = await start({ mode, maxBytesRoute: 1 << 20, maxDelayMs: 1000 });
    });
    after(() => server.close(1000));

    test('GET / → 200 with the fixed body, Date, Content-Length, and the mode’s connection handling', async () => {
      const ex = await exchange(server, GET('/'), keepAlive ? { responses: 1 } : {});
      const r = ex.responses[0]!;
      assert.equal(ex.responses.length, 1);
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), 'Hello, World!');
      assert.equal(r.headers.get('content-length'), '13');
      assert.match(r.headers.get('date') ?? '', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      if (keepAlive) {
        assert.equal(r.headers.get('connection'), undefined, 'HTTP/1.1 persists by default');
        assert.equal(r.headers.get('keep-alive'), 'timeout=5');
        assert.equal(ex.closedByServer, false);
      } else {
        assert.equal(r.headers.get('connection'), 'close');
        assert.equal(ex.closedByServer, true);
      }
    });

    test('HEAD gets the headers of GET and no body, on every route', async () => {
      for (const path of ['/', '/bytes/10', '/nope', '/stats']) {
        const ex = await exchange(server, `HEAD ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`, { head: [true] });
        assert.equal(ex.responses.length, 1, path);
        assert.equal(ex.responses[0]!.body.length, 0);
        assert.ok(Number(ex.responses[0]!.headers.get('content-length')) > 0 || path === '/bytes/0');
        assert.equal(ex.raw.toString('latin1').endsWith('\r\n\r\n'), true, 'nothing after the head');
      }
    });

    test('routes: /bytes/N, /delay/MS, /stats, 404, bounds', async () => {
      const cases: Array<[string, number, (body: Buffer) => void]> = [
        ['/bytes/100000', 200, (b) => assert.ok(b.length === 100000 && b.every((x) => x === 0x78))],
        ['/bytes/0', 200, (b) => assert.equal(b.length, 0)],
        ['/bytes/abc', 400, () => {}],
        [`/bytes/${(1 << 20) + 1}`, 400, () => {}],
        ['/delay/20', 200, (b) => assert.equal(b.toString(), 'Hello, World!')],
        ['/delay/5000', 400, () => {}],
        ['/stats?x=1', 200, (b) => assert.equal(typeof JSON.parse(b.toString()).connectionsAccepted, 'number')],
        ['/nope', 404, () => {}],
        ['http://t/bytes/3?q', 200, (b) => assert.equal(b.length, 3)],
      ];
      for (const [path, status, check] of cases) {
        const ex = await exchange(server, GET(path, 'Connection: close\r\n'));
        assert.equal(ex.responses[0]?.status, status, path);
        check(ex.responses[0]!.body);
      }
    });

    test('HTTP/1.0: closed unless it asks for keep-alive (echoed back in keep-alive mode)', async () => {
      const plain = await exchange(server, 'GET / HTTP/1.0\r\n\r\n');
      assert.equal(plain.responses[0]!.headers.get('connection'), 'close');
      assert.equal(plain.closedByServer, true);
      const ka = await exchange(server, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', keepAlive ? { responses: 1 } : {});
      assert.equal(ka.responses[0]!.headers.get('connection'), keepAlive ? 'keep-alive' : 'close');
      assert.equal(ka.closedByServer, !keepAlive);
    });

    test('HTTP/1.1 Connection: close is honoured', async () => {
      const ex = await exchange(server, GET('/', 'Connection: close\r\n'));
      assert.equal(ex.responses[0]!.headers.get('connection'), 'close');
      assert.equal(ex.closedByServer, true);
    });

    test('pipelined requests are answered in order (a deferred answer holds the later ones back)', async () => {
      const batch = GET('/delay/30') + GET('/bytes/3') + `HEAD / HTTP/1.1\r\nHost: t\r\n\r\n` + GET('/nope');
      if (keepAlive) {
        const ex = await exchange(server, batch, { responses: 4, head: [false, false, true, false] });
        assert.deepEqual(ex.responses.map((r) => r.status), [200, 200, 200, 404]);
        assert.deepEqual(ex.responses.map((r) => r.body.length), [13, 3, 0, 10]);
      } else {
        // close mode answers the first request only, then sends FIN.
        const ex = await exchange(server, batch);
        assert.deepEqual(ex.responses.map((r) => r.status), [200]);
        assert.equal(ex.closedByServer, true);
      }
    });

    test('a request split at every byte, and bodies (Content-Length, chunked, Expect: 100-continue)', async () => {
      const req = 'POST /bytes/2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n';
      const ex = await exchange(server, [...req], { responses: 1 });
      assert.equal(ex.responses[0]!.status, 200);
      const cl = await exchange(server, 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
      assert.equal(cl.responses[0]!.status, 200);
      // Expect: 100-continue: the interim answer comes before the body is sent.
      const socket = await openSocket(server);
      const got: Buffer[] = [];
      const interim = new Promise<void>((resolve) =>
        socket.on('data', (chunk: Buffer) => {
          got.push(chunk);
          if (Buffer.concat(got).toString('latin1').startsWith('HTTP/1.1 100 Continue\r\n\r\n')) resolve();
        }),
      );
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write('POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
      await interim;
      socket.write('abc');
      await closed;
      const all = splitResponses(Buffer.concat(got)).responses;
      assert.deepEqual(all.map((r) => r.status), [100, 200]);
    });

    describe('bad input → status, Connection: close, connection closed, server alive', () => {
      for (const [name, input, status] of BAD) {
        test(name, async () => {
          const ex = await exchange(server, input);
          assert.equal(ex.responses.length, 1, ex.raw.toString('latin1').slice(0, 200));
          assert.equal(ex.responses[0]!.status, status);
          assert.equal(ex.responses[0]!.headers.get('connection'), 'close');
          assert.equal(ex.closedByServer, true);
          const ok = await exchange(server, GET('/', 'Connection: close\r\n'));
          assert.equal(ok.responses[0]!.status, 200);
        });
      }
      test('a good pipelined request before the bad one is answered first', async () => {
        const ex = await exchange(server, GET('/') + 'GET / HTTP/1.1\r\nHost : t\r\n\r\n');
        assert.deepEqual(ex.responses.map((r) => r.status), keepAlive ? [200, 400] : [200]);
        assert.equal(ex.closedByServer, true);
      });
    });

    test('handshake counts: N HTTP/1.0 requests → N accepted, N closed by the server', async () => {
      const own = await start({ mode });
      try {
        const n = 5;
        for (let i = 0; i < n; i++) assert.equal((await exchange(own, 'GET / HTTP/1.0\r\n\r\n')).closedByServer, true);
        await own.whenIdle();
        const stats = own.stats();
        assert.equal(stats.connectionsAccepted, n);
        assert.equal(stats.closedByServer, n);
        assert.equal(stats.closedByClient, 0);
        assert.equal(stats.requests, n);
        assert.deepEqual(stats.responsesByStatus, { '200': n });
        if (own.tls !== null) {
          // Over TLS: one completed handshake per TCP connection, none failed.
          assert.equal(stats.tlsHandshakes!.full + stats.tlsHandshakes!.resumed, n);
          assert.equal(stats.tlsHandshakes!.failed, 0);
        } else assert.equal(stats.tlsHandshakes, null);
      } finally {
        await own.close(1000);
      }
    });

    test('handshake counts: N requests on one connection → 1 accepted (keep-alive) or N connections (close)', async () => {
      const own = await start({ mode });
      try {
        const n = 5;
        if (keepAlive) {
          const ex = await exchange(own, Array.from({ length: n }, () => GET('/')).join(''), { responses: n });
          assert.equal(ex.responses.length, n);
          await own.whenIdle();
          const stats = own.stats();
          assert.equal(stats.connectionsAccepted, 1);
          assert.equal(stats.closedByClient, 1);
          assert.equal(stats.requests, n);
          if (own.tls !== null) assert.deepEqual(stats.tlsHandshakes, { full: 1, resumed: 0, failed: 0 });
        } else {
          for (let i = 0; i < n; i++) await exchange(own, GET('/'));
          await own.whenIdle();
          assert.equal(own.stats().connectionsAccepted, n);
          assert.equal(own.stats().closedByServer, n);
          if (own.tls !== null) assert.equal(own.stats().tlsHandshakes!.full + own.stats().tlsHandshakes!.resumed, n);
        }
      } finally {
        await own.close(1000);
      }
    });
  });
}

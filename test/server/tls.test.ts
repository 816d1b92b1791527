// HTTPS: the generated certificate, real clients (undici, node:https, curl) in both modes, resumption in TLS 1.2 and 1.3.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import { Agent, Client, request } from 'undici';
import type { RunningServer } from '../../src/server/index.js';
import { CERTIFICATE_LINE, formatCertificateLine } from '../../src/server/tls-identity.js';
import type { ServerStats } from '../../src/measurements.js';
import type { ServerMode } from '../../src/types.js';
import { exchange, startTestServer } from '../helpers/raw-http.js';
import { openTlsSocket, startTlsTestServer, tlsExchange, tlsOptions } from '../helpers/raw-tls.js';

const handshakes = (stats: ServerStats): number => stats.tlsHandshakes!.full + stats.tlsHandshakes!.resumed;

describe('the self-signed certificate', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTlsTestServer();
  });
  after(() => server.close(1000));

  test('EC P-256, SANs localhost, 127.0.0.1, ::1, not a CA, valid one day; the fingerprint line parses', () => {
    const cert = new X509Certificate(server.tls!.certificatePem);
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(cert.ca, false);
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    assert.ok(days > 1 && days < 1.01, `validity ${days} days`);
    assert.equal(server.tls!.fingerprint256, cert.fingerprint256);
    assert.equal(server.tls!.selfSigned, true);
    const line = CERTIFICATE_LINE.exec(formatCertificateLine(server.tls!));
    assert.equal(line?.[1], cert.fingerprint256);
    assert.equal(line?.[2], 'self-signed for localhost, 127.0.0.1, ::1');
    assert.equal(server.url, `https://127.0.0.1:${server.port}/`);
  });

  test('a client given it as CA verifies it by IP and by name; ALPN http/1.1; TLS 1.3 unless capped', async () => {
    const byIp = await openTlsSocket(server, { ALPNProtocols: ['http/1.1'] });
    assert.equal(byIp.authorized, true);
    assert.equal(byIp.alpnProtocol, 'http/1.1');
    assert.equal(byIp.getProtocol(), 'TLSv1.3');
    byIp.destroy();
    const byName = await openTlsSocket(server, { servername: 'localhost', maxVersion: 'TLSv1.2' });
    assert.equal(byName.authorized, true);
    assert.equal(byName.getProtocol(), 'TLSv1.2');
    byName.destroy();
    await assert.rejects(openTlsSocket(server, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }), /protocol|version/i, 'TLS 1.1 is refused');
  });

  // The client side relies on this: a self-signed server is only trusted when its certificate is passed as CA.
  test('a client without the CA refuses it (self-signed), and a wrong name is refused', async () => {
    await assert.rejects(openTlsSocket(server, { ca: undefined }), (error: NodeJS.ErrnoException) => {
      assert.ok(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'].includes(error.code ?? ''), error.code);
      return true;
    });
    await assert.rejects(openTlsSocket(server, { servername: 'example.com' }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  test('IPv6: served on ::1 as https://[::1]:PORT/, verified by its IP SAN', async (t) => {
    let v6: RunningServer;
    try {
      v6 = await startTlsTestServer({ host: '::1' });
    } catch {
      t.skip('no IPv6 loopback here');
      return;
    }
    try {
      assert.equal(v6.url, `https://[::1]:${v6.port}/`);
      const ex = await tlsExchange(v6, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', {}, { host: '::1' });
      assert.equal(ex.responses[0]?.status, 200);
    } finally {
      await v6.close(1000);
    }
  });
});

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}
const hasCurl = (await curl(['--version'])).code === 0;

function httpsGet(url: string, agent: https.Agent | false, ca: string): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent, ca }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), connection: res.headers.connection }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

for (const mode of ['close', 'keep-alive'] as ServerMode[]) {
  describe(`real HTTPS clients, mode ${mode}`, () => {
    let server: RunningServer;
    let ca: string;
    let dir: string;
    let caFile: string;
    before(async () => {
      server = await startTlsTestServer({ mode });
      ca = server.tls!.certificatePem;
      dir = mkdtempSync(join(tmpdir(), 'h1b-tls-'));
      caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, ca);
    });
    after(async () => {
      await server.close(1000);
      rmSync(dir, { recursive: true, force: true });
    });

    /**
     * Run `body` (n requests), then check: n TCP accepts in close mode (at most `keepAliveAccepts` in keep-alive),
     * exactly one completed handshake per accept, none failed.
     */
    async function counted(n: number, keepAliveAccepts: number, body: () => Promise<void>): Promise<ServerStats> {
      const start = server.stats();
      await body();
      await server.whenIdle();
      const end = server.stats();
      const accepted = end.connectionsAccepted - start.connectionsAccepted;
      if (mode === 'close') assert.equal(accepted, n, 'TCP accepts');
      else assert.ok(accepted >= 1 && accepted <= keepAliveAccepts, `TCP accepts ${accepted}`);
      assert.equal(handshakes(end) - handshakes(start), accepted, 'one completed handshake per TCP connection');
      assert.equal(end.tlsHandshakes!.failed, start.tlsHandshakes!.failed, 'no failed handshake');
      assert.equal(end.requests - start.requests, n);
      return end;
    }

    test('undici Client with connect.ca: pipelining 10, every answer correct', async () => {
      const n = 40;
      const client = new Client(server.url.slice(0, -1), { pipelining: 10, connect: { ca } });
      await counted(n, 1, async () => {
        const results = await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            const res = await client.request({ path: i % 2 === 0 ? '/' : `/bytes/${i}`, method: 'GET' });
            return [res.statusCode, Buffer.from(await res.body.arrayBuffer()).length, i] as const;
          }),
        );
        for (const [status, length, i] of results) {
          assert.equal(status, 200);
          assert.equal(length, i % 2 === 0 ? 13 : i);
        }
        await client.close();
      });
    });

    test('undici Agent with connect.ca: N requests → N TCP accepts and N handshakes in close mode', async () => {
      const n = 8;
      const agent = new Agent({ connect: { ca } });
      // keep-alive: undici's Agent opens a second connection for the second request, over TCP too.
      await counted(n, 2, async () => {
        for (let i = 0; i < n; i++) {
          const res = await request(server.url, { dispatcher: agent });
          assert.equal(res.statusCode, 200);
          assert.equal(await res.body.text(), 'Hello, World!');
        }
        await agent.close();
      });
    });

    test('node:https without an agent and with a keep-alive agent', async () => {
      const n = 6;
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
      // keep-alive: three connections without an agent (it sends Connection: close), one for the agent.
      await counted(n, 4, async () => {
        for (let i = 0; i < 3; i++) assert.equal((await httpsGet(server.url, false, ca)).body, 'Hello, World!');
        for (let i = 0; i < 3; i++) {
          const r = await httpsGet(`${server.url}bytes/${i}`, agent, ca);
          assert.equal(r.status, 200);
          assert.equal(r.body.length, i);
          assert.equal(r.connection, mode === 'close' ? 'close' : undefined);
        }
        agent.destroy();
      });
    });

    test('curl --cacert: two URLs in one run', async (t) => {
      if (!hasCurl) {
        t.skip('curl is not installed (apt-get install curl)');
        return;
      }
      await counted(2, 1, async () => {
        const r = await curl(['-sS', '-i', '--http1.1', '--cacert', caFile, server.url, `${server.url}bytes/5`]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual([...r.stdout.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]), ['200', '200']);
        assert.ok(r.stdout.includes('Hello, World!'));
      });
      const refused = await curl(['-sS', server.url]);
      assert.equal(refused.code, 60, 'curl without --cacert refuses the self-signed certificate');
    });
  });
}

interface Visit {
  reused: boolean;
  protocol: string | null;
  /** The last session (ticket) the server handed out on this connection, if any. */
  session: Buffer | undefined;
}

/** One `GET /` on a fresh TLS connection of exactly `version`, offering `session` when given. */
function visit(server: RunningServer, version: SecureVersion, session: Buffer | undefined): Promise<Visit> {
  return new Promise((resolve, reject) => {
    const socket = connect(tlsOptions(server, { minVersion: version, maxVersion: version, session }));
    let latest: Buffer | undefined;
    let reused = false;
    let protocol: string | null = null;
    socket.on('session', (s: Buffer) => (latest = s));
    socket.on('secureConnect', () => {
      reused = socket.isSessionReused();
      protocol = socket.getProtocol();
      socket.write('GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', () => {});
    socket.on('error', reject);
    // TLS 1.3 tickets arrive after the handshake: wait for the close so every one has been seen.
    socket.on('close', () => resolve({ reused, protocol, session: latest }));
  });
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as SecureVersion[]) {
  describe(`session resumption, ${version}`, () => {
    test('tickets on (default): the next connection offering the session resumes; the server counts it', async () => {
      const server = await startTlsTestServer({ mode: 'close' });
      try {
        const first = await visit(server, version, undefined);
        assert.equal(first.protocol, version);
        assert.equal(first.reused, false);
        assert.ok(first.session, 'the server issued a ticket');
        const second = await visit(server, version, first.session);
        assert.equal(second.reused, true);
        const third = await visit(server, version, second.session ?? first.session);
        assert.equal(third.reused, true);
        await server.whenIdle();
        assert.deepEqual(server.stats().tlsHandshakes, { full: 1, resumed: 2, failed: 0 });
      } finally {
        await server.close(1000);
      }
    });

    test('--tls-tickets off: the same offer is refused (full handshake), including a TLS 1.2 session ID', async () => {
      const server = await startTlsTestServer({ mode: 'close' }, { sessionTickets: false });
      try {
        const first = await visit(server, version, undefined);
        assert.equal(first.reused, false);
        // TLS 1.2: a session ID only (no ticket), which no server cache holds; TLS 1.3: a stateful ticket, likewise.
        assert.ok(first.session, 'the client has a session to offer');
        const second = await visit(server, version, first.session);
        assert.equal(second.reused, false, 'resumption refused');
        await server.whenIdle();
        assert.deepEqual(server.stats().tlsHandshakes, { full: 2, resumed: 0, failed: 0 });
      } finally {
        await server.close(1000);
      }
    });
  });
}

test('a plain server reports tlsHandshakes and tlsFailuresByCode as null (same JSON keys)', async () => {
  const server = await startTestServer();
  try {
    const ex = await exchange(server.port, 'GET /stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    const stats = JSON.parse(ex.responses[0]!.body.toString()) as Record<string, unknown>;
    assert.equal(stats.tlsHandshakes, null);
    assert.equal(stats.tlsFailuresByCode, null);
    assert.equal(server.tls, null);
  } finally {
    await server.close(1000);
  }
});

// `bench run` over HTTPS end to end (loopback only): the embedded server with --tls in all three modes, exact TCP and
// TLS counts from client and server, resumption off and on, verification failures, --ca, -k, --servername, --resolve.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readReport } from '../../src/report/store.js';
import type { RunReport } from '../../src/report/schema.js';
import type { RunningServer } from '../../src/server/index.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { startTlsTestServer } from '../helpers/raw-tls.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const REQUESTS = 200;
const CONNECTIONS = 2;

function tlsCounts(report: RunReport): { client: unknown; server: unknown } {
  const server = report.server.statsDelta?.tlsHandshakes ?? null;
  return { client: report.handshakes.tls, server: server === null ? null : { full: server.full, resumed: server.resumed, failed: server.failed } };
}

describe('bench run --tls: the embedded server over HTTPS', () => {
  test('1.0, 1.1 and pipeline: TCP and TLS handshakes counted exactly on both sides; resumption on by default', async () => {
    const out = join(dir, 'tls.json');
    const result = await runCli(['run', '--tls', '--mode', '1.0', '--mode', '1.1', '--mode', 'pipeline', '-n', String(REQUESTS), '-c', String(CONNECTIONS), '--warmup', '0', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^tls TLSv1\.3 · TLS_\w+ · ALPN http\/1\.1$/m);
    assert.match(result.stdout, /^tls handshakes +client full \d+ · resumed \d+ · server full \d+ · resumed \d+ · failed 0$/m);
    for (const mode of ['1.0', '1.1', 'pipeline'] as const) {
      const report = readReport(join(dir, `tls-${mode}.json`)) as RunReport;
      assertMatchesPublishedSchema(report, `${mode} over TLS`);
      assert.equal(report.requests.completed, REQUESTS, mode);
      assert.deepEqual(report.errors, {}, mode);
      assert.match(report.target.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(report.target.tls?.alpn, 'http/1.1');
      const opened = mode === '1.0' ? REQUESTS : CONNECTIONS;
      assert.equal(report.handshakes.client, opened, `${mode}: TCP handshakes, client`);
      assert.equal(report.handshakes.server, opened, `${mode}: TCP handshakes, server`);
      // The resumption rule: the first -c connections are full, every later one resumes (see engines-tls.case).
      const expected = { full: Math.min(CONNECTIONS, opened), resumed: opened - Math.min(CONNECTIONS, opened) };
      assert.deepEqual(tlsCounts(report), { client: expected, server: { ...expected, failed: 0 } }, mode);
      assert.equal(report.server.statsDelta?.requests, REQUESTS);
      assert.ok(report.tlsMs !== undefined && report.tlsMs.p50 > 0, 'TLS handshake time');
      assert.ok(report.histograms.tlsUs !== undefined);
      assert.ok(report.sources.tlsMs && report.sources['handshakes.tls']);
    }
  });

  test('1.0 with --tls-resume off: handshakes.client = requests = tls.full, nothing resumed (client and server)', async () => {
    const out = join(dir, 'full.json');
    const result = await runCli(['run', '--tls', '--tls-resume', 'off', '--mode', '1.0', '-n', String(REQUESTS), '-c', String(CONNECTIONS), '--warmup', '0', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const report = readReport(out) as RunReport;
    assert.equal(report.requests.completed, REQUESTS);
    assert.equal(report.handshakes.client, REQUESTS);
    assert.deepEqual(tlsCounts(report), { client: { full: REQUESTS, resumed: 0 }, server: { full: REQUESTS, resumed: 0, failed: 0 } });
    assert.equal(report.config.tls?.resume, false);
  });
});

describe('bench run against a server with a self-signed certificate', () => {
  let server: RunningServer;
  let caFile = '';
  before(async () => {
    server = await startTlsTestServer({ mode: 'keep-alive' });
    caFile = join(dir, 'server.pem');
    writeFileSync(caFile, server.tls!.certificatePem);
  });
  after(async () => {
    await server.close(1_000);
  });

  test('without -k: one clear error (code, host, the TLS reason), exit 1, report written, at once', async () => {
    const out = join(dir, 'unverified.json');
    const started = Date.now();
    const result = await runCli(['run', '--url', server.url, '-d', '30s', '-c', '4', '--out', out]);
    assert.equal(result.code, 1, result.stderr);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.match(result.stderr, new RegExp(`^bench: 127\\.0\\.0\\.1:${server.port}: certificate verification failed: DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate; trust the server's CA with --ca FILE, or skip verification with -k; report\\(s\\) written: .*unverified\\.json \\[H1B_TLS_VERIFY\\]$`, 'm'));
    const report = readReport(out) as RunReport;
    assert.equal(report.requests.completed, 0);
    assert.ok((report.errors.H1B_TLS_VERIFY ?? 0) >= 1);
    assert.equal(report.errorSamples.H1B_TLS_VERIFY?.[0]?.phase, 'connect');
  });

  test('--ca trusts it, -k skips verification; --servername is checked against the certificate', async () => {
    for (const flags of [['--ca', caFile], ['-k']]) {
      const result = await runCli(['run', '--url', server.url, ...flags, '-n', '50', '-c', '2', '--warmup', '0', '--json']);
      assert.equal(result.code, 0, `${flags.join(' ')}: ${result.stderr}`);
      const report = JSON.parse(result.stdout) as RunReport;
      assert.equal(report.requests.completed, 50);
    }
    const wrongName = await runCli(['run', '--url', server.url, '--ca', caFile, '--servername', 'example.com', '-n', '5', '--warmup', '0', '--out', join(dir, 'name.json')]);
    assert.equal(wrongName.code, 1);
    assert.match(wrongName.stderr, /certificate verification failed: ERR_TLS_CERT_ALTNAME_INVALID/);
    assert.match(wrongName.stderr, /--servername does not match the certificate either/);
    // A name pinned to the server with --resolve: the CA is trusted, the name is not in the certificate.
    const pinned = await runCli(['run', '--url', `https://myservice.test:${server.port}/`, '--resolve', `myservice.test:${server.port}:127.0.0.1`, '--ca', caFile, '-n', '5', '--warmup', '0', '--out', join(dir, 'pinned-name.json')]);
    assert.equal(pinned.code, 1);
    assert.match(pinned.stderr, /ERR_TLS_CERT_ALTNAME_INVALID.*name the host the certificate was issued for with --servername NAME/);
    assert.doesNotMatch(pinned.stderr, /--ca FILE/);
  });

  test('https://localhost pinned to ::1 then 127.0.0.1: the certificate matches the name, the address is the one that accepts', async () => {
    const url = `https://localhost:${server.port}/`;
    const result = await runCli(['run', '--url', url, '--resolve', `localhost:${server.port}:::1,127.0.0.1`, '--ca', caFile, '-n', '20', '-c', '1', '--warmup', '0', '--out', join(dir, 'pinned.json')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^target ${url.replace(/[./]/g, '\\$&')} at 127\\.0\\.0\\.1 \\(external server\\)`, 'm'));
    const report = readReport(join(dir, 'pinned.json')) as RunReport;
    assert.equal(report.target.address, '127.0.0.1');
    assert.equal(report.target.resolved?.source, 'pin');
    assert.equal(report.requests.completed, 20);
  });
});

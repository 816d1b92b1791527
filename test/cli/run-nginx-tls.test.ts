// `bench run` over HTTPS against nginx (1 worker, TLS, a certificate the test makes): nginx's access log counts the
// requests, and its $ssl_session_reused the resumed handshakes, exactly as the report does.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startNginx, type RunningNginx } from '../../bench/peers/nginx.js';
import { readReport } from '../../src/report/store.js';
import type { RunReport } from '../../src/report/schema.js';
import { writeTestCertificate } from '../helpers/test-cert.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
const accessLog = join(dir, 'access.log');
let nginx: RunningNginx | null = null;
let skipReason: string | null = null;
let caFile = '';

interface LogLine {
  status: string;
  protocol: string;
  reused: boolean;
  connection: string;
  /** 1 for the first request on its connection: the one that paid for the handshake. */
  connectionRequests: number;
}

function logLines(): LogLine[] {
  return readFileSync(accessLog, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [status, protocol, reused, connection, requests] = line.split(' ');
      return { status: status!, protocol: protocol!, reused: reused === 'r', connection: connection!, connectionRequests: Number(requests) };
    });
}

before(async () => {
  const cert = await writeTestCertificate(dir, 'nginx', ['localhost', '127.0.0.1']);
  caFile = cert.certFile;
  const start = await startNginx({ dir, accessLog, keepaliveRequests: null, tls: { certFile: cert.certFile, keyFile: cert.keyFile, sessionTickets: true, protocols: 'TLSv1.3' } });
  if (start.state === 'skipped') {
    skipReason = start.reason;
    return;
  }
  nginx = start.nginx;
});

after(async () => {
  await nginx?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('bench run over HTTPS against nginx', () => {
  for (const [mode, resume, extra] of [
    ['1.0', 'on', ['-n', '600', '-c', '4']],
    ['1.0', 'off', ['-n', '300', '-c', '4']],
    ['1.1', 'on', ['-n', '2000', '-c', '4']],
    ['pipeline', 'on', ['-n', '2000', '-c', '4', '--pipelining', '10']],
  ] as const) {
    test(`--mode ${mode} --tls-resume ${resume}: nginx logs the completed requests, and $ssl_session_reused the resumed handshakes`, async (t) => {
      if (skipReason) return t.skip(skipReason);
      const before = logLines().length;
      const out = join(dir, `nginx-${mode}-${resume}.json`);
      // No warm-up: every request nginx logs belongs to the measured phase (the probe connect sends no request).
      const result = await runCli(['run', '--url', nginx!.url, '--ca', caFile, '--mode', mode, '--tls-resume', resume, ...extra, '--warmup', '0', '--no-progress', '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      const report = readReport(out) as RunReport;
      const lines = logLines().slice(before);
      assert.equal(report.requests.completed, Number(extra[1]));
      assert.equal(report.requests.errors, 0, JSON.stringify(report.errors));
      assert.equal(lines.length, report.requests.completed, 'nginx logged every completed request');
      assert.ok(lines.every((line) => line.status === '200' && line.protocol === 'TLSv1.3'));
      // One line per connection carries its handshake: the first request on it.
      const handshakes = lines.filter((line) => line.connectionRequests === 1);
      const resumed = handshakes.filter((line) => line.reused).length;
      assert.equal(report.handshakes.tls?.resumed, resumed, "resumed handshakes = nginx's $ssl_session_reused");
      assert.equal(report.handshakes.tls?.full, handshakes.length - resumed);
      assert.equal(report.handshakes.client, handshakes.length, 'one TCP handshake per connection nginx saw');
      if (resume === 'off') assert.equal(resumed, 0);
      if (mode === '1.0') {
        assert.equal(report.handshakes.client, report.requests.completed);
        if (resume === 'on') assert.equal(resumed, report.requests.completed - 4, 'all but the first -c connections resumed');
      }
    });
  }
});

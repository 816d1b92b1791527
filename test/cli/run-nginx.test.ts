// `bench run` against nginx (1 worker, access log on): the requests nginx logs equal the report's completed requests.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readReport } from '../../src/report/store.js';
import type { RunReport } from '../../src/report/schema.js';
import { startNginx, type RunningNginx } from '../../bench/peers/nginx.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
const accessLog = join(dir, 'access.log');
let nginx: RunningNginx | null = null;
let url = '';
let skipReason: string | null = null;

function loggedRequests(): number {
  return readFileSync(accessLog, 'utf8').split('\n').filter((line) => line.length > 0).length;
}

before(async () => {
  // nginx's default keepalive_requests (1000) stays: the client must follow nginx's Connection: close.
  const start = await startNginx({ dir, accessLog, keepaliveRequests: null });
  if (start.state === 'skipped') {
    skipReason = start.reason;
    return;
  }
  nginx = start.nginx;
  url = nginx.url;
});

after(async () => {
  await nginx?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('bench run against nginx', () => {
  for (const [mode, extra] of [
    ['1.0', ['-n', '1500', '-c', '8']],
    ['1.1', ['-n', '3000', '-c', '4']],
    ['pipeline', ['-n', '3000', '-c', '4', '--pipelining', '10']],
  ] as const) {
    test(`--mode ${mode}: nginx logs exactly the completed requests`, async (t) => {
      if (skipReason) return t.skip(skipReason);
      const before = loggedRequests();
      const out = join(dir, `nginx-${mode}.json`);
      // No warm-up, so every request nginx logs belongs to the measured phase.
      const result = await runCli(['run', '--url', url, '--mode', mode, ...extra, '--warmup', '0', '--no-progress', '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      const report = readReport(out) as RunReport;
      assert.equal(report.requests.completed, Number(extra[1]));
      assert.equal(report.requests.errors, 0, JSON.stringify(report.errors));
      assert.equal(loggedRequests() - before, report.requests.completed);
      assert.equal(report.handshakes.server, null, 'nginx has no /stats');
      if (mode === '1.0') assert.equal(report.handshakes.client, report.requests.completed);
    });
  }
});

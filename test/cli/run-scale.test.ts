// bench run --workers / --server-workers end to end: exact counts on both sides, one whole report after Ctrl-C.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../src/report/schema.js';
import { readReport } from '../../src/report/store.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('bench run --workers', () => {
  test('--workers 2 --server-workers 2 -n 3001 -c 6: completed is -n exactly, handshakes equal on both sides', async () => {
    const out = join(dir, 'w2.json');
    const result = await runCli(['run', '--workers', '2', '--server-workers', '2', '-n', '3001', '-c', '6', '--warmup', '200ms', '--no-progress', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const report = readReport(out) as RunReport;
    assertMatchesPublishedSchema(report, 'bench run --workers 2');
    assert.equal(report.requests.completed, 3001);
    assert.equal(report.workers, 2);
    assert.equal(report.config.workers, 2);
    assert.equal(report.config.serverWorkers, 2);
    assert.deepEqual(
      report.perWorker!.map((share) => [share.connections, share.requests, share.completed]),
      [
        [3, 1501, 1501],
        [3, 1500, 1500],
      ],
    );
    // The embedded cluster's /stats sums both server processes: client and server agree exactly.
    assert.equal(report.handshakes.client, 6);
    assert.equal(report.handshakes.server, 6);
    assert.equal(report.server.statsDelta?.requests, 3001);
    assert.ok(report.server.cpuSec !== null && report.server.cpuSec >= 0);
  });

  test('--mode 1.0 --workers 2 -n 600: a handshake per request, counted the same by client and server cluster', async () => {
    const out = join(dir, 'w2-10.json');
    const result = await runCli(['run', '--mode', '1.0', '--workers', '2', '--server-workers', '2', '-n', '600', '-c', '4', '--warmup', '0', '--no-progress', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const report = readReport(out) as RunReport;
    assert.equal(report.requests.completed, 600);
    assert.equal(report.handshakes.client, 600);
    assert.equal(report.handshakes.server, 600);
    assert.equal(report.server.statsDelta?.closedByServer, 600);
  });

  test('Ctrl-C stops every worker and still writes one whole report (exit 130)', async () => {
    const out = join(dir, 'w2-sigint.json');
    let sent = false;
    const result = await runCli(['run', '--workers', '2', '-d', '30s', '-c', '4', '--warmup', '0', '--progress', '--out', out], {
      onStderrLine: (line, child) => {
        if (!sent && /^1\.1 measuring .* [1-9]\d* req /.test(line)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(sent, result.stderr);
    assert.equal(result.code, 130, result.stderr);
    const report = readReport(out) as RunReport;
    assert.equal(report.interrupted, true);
    assert.ok(report.requests.completed > 0);
    assert.equal(report.perWorker!.reduce((sum, share) => sum + share.completed, 0), report.requests.completed);
    assert.ok(report.durationSec < 30);
  });
});

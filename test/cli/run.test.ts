// End-to-end `bench run` against the embedded server: handshake counts from client, server and kernel in each mode.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readReport } from '../../src/report/store.js';
import type { RunReport } from '../../src/report/schema.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(name: string, args: string[]): Promise<RunReport> {
  const out = join(dir, `${name}.json`);
  const result = await runCli(['run', '--out', out, '--no-progress', ...args]);
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  const report = readReport(out) as RunReport;
  assert.equal(report.kind, 'run');
  assertMatchesPublishedSchema(report, `bench run ${args.join(' ')}`);
  return report;
}

describe('bench run against the embedded server', () => {
  test('--mode=1.0 -n 2000 -c 10: 2000 handshakes seen by client and server, 2000 server-first closes', async () => {
    // A short warm-up runs too: its connections must not leak into the measured counts.
    const report = await run('m10', ['--mode=1.0', '-n', '2000', '-c', '10', '--warmup', '200ms']);
    assert.equal(report.requests.completed, 2000);
    assert.equal(report.handshakes.client, 2000);
    assert.equal(report.handshakes.server, 2000);
    assert.equal(report.connections.closedByServer, 2000);
    assert.equal(report.server.statsDelta?.closedByServer, 2000);
    assert.equal(report.server.statsDelta?.requests, 2000);
    assert.equal(report.handshakes.perRequest, 1);
    assert.equal(report.target.serverMode, 'close');
    assert.equal(report.engine.httpVersionOnWire, '1.0');
    // Other processes on this host may connect too: the kernel sees at least our handshakes.
    assert.ok(report.handshakes.kernel === null || report.handshakes.kernel.activeOpens >= 2000);
    // The server closed first, so TIME_WAIT sits on its side. Not exactly 2000: a new SYN on the same
    // 4-tuple may legally take over a TIME_WAIT socket (RFC 6191), so only the side is checked.
    assert.ok(report.timeWait.serverSide >= 1000, `server-side TIME_WAIT ${report.timeWait.serverSide}`);
    assert.equal(report.timeWait.clientSide, 0);
    assert.ok(report.connectMs.p50 > 0, 'every request paid for a connect');
    assert.equal(report.interrupted, false);
  });

  test('--mode=1.1 -n 2000 -c 8: 8 handshakes', async () => {
    const report = await run('m11', ['--mode=1.1', '-n', '2000', '-c', '8', '--warmup', '0']);
    assert.equal(report.requests.completed, 2000);
    assert.equal(report.handshakes.client, 8);
    assert.equal(report.handshakes.server, 8);
    assert.equal(report.server.statsDelta?.requests, 2000);
    assert.equal(report.server.statsDelta?.closedByServer, 0);
    assert.equal(report.handshakes.perRequest, 0.004);
    assert.equal(report.target.serverMode, 'keep-alive');
  });

  test('--mode=pipeline: every request answered, counted once by the server', async () => {
    const report = await run('mp', ['--mode=pipeline', '-n', '2000', '-c', '4', '--pipelining', '10', '--warmup', '0']);
    assert.equal(report.requests.completed, 2000);
    assert.deepEqual(report.requests.statusCodes, { '200': 2000 });
    assert.equal(report.requests.errors, 0);
    assert.equal(report.server.statsDelta?.requests, 2000);
    assert.equal(report.handshakes.server, 4);
    assert.equal(report.config.pipelining, 10);
  });

  test('--runs 2 keeps each run and sums the counts', async () => {
    const report = await run('runs', ['--mode=1.1', '-n', '300', '-c', '3', '--warmup', '0', '--runs', '2']);
    assert.equal(report.runs?.length, 2);
    assert.equal(report.requests.completed, 600);
    assert.equal(report.handshakes.server, 6);
    assert.deepEqual(report.runs?.map((r) => r.requests.completed), [300, 300]);
  });

  test('two modes: summaries side by side, one report per mode, --json gives an array', async () => {
    const cwd = tempDir();
    try {
      const text = await runCli(['run', '--mode=1.0', '--mode=1.1', '-n', '300', '-c', '3', '--warmup', '0', '--no-progress'], { cwd });
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /handshakes per request\s*│\s*1\.000\s*│\s*0\.01\d*\s*│/);
      assert.match(text.stdout, /mode 1\.1 ÷ mode 1\.0/);
      const files = readdirSync(join(cwd, 'results')).sort();
      assert.equal(files.length, 2);
      assert.match(files[0]!, /^\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z-1\.0\.json$/);
      assert.match(files[1]!, /-1\.1\.json$/);

      const json = await runCli(['run', '--mode=1.0', '--mode=1.1', '-n', '100', '-c', '2', '--warmup', '0', '--json', '--out', join(cwd, 'j.json')], { cwd });
      assert.equal(json.code, 0, json.stderr);
      const reports = JSON.parse(json.stdout) as RunReport[];
      assert.deepEqual(reports.map((r) => r.config.mode), ['1.0', '1.1']);
      assert.ok(existsSync(join(cwd, 'j-1.0.json')) && existsSync(join(cwd, 'j-1.1.json')));
      assert.equal(json.stderr, '', 'no progress on a pipe by default');

      // --out without an extension: FILE-<mode>.json, as the README says.
      const bare = await runCli(['run', '--mode=1.0', '--mode=1.1', '-n', '50', '-c', '2', '--warmup', '0', '--out', join(cwd, 'both')], { cwd });
      assert.equal(bare.code, 0, bare.stderr);
      assert.ok(existsSync(join(cwd, 'both-1.0.json')) && existsSync(join(cwd, 'both-1.1.json')));
      assert.equal(existsSync(join(cwd, 'both-1.0')), false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

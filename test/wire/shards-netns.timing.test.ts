// Shards as separate hosts: three `bench run --shard I/3 --start-at T` processes, each in its own network namespace,
// load one server in a fourth over veth links; `bench merge` of their --json output is the whole run, exactly.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../src/report/schema.js';
import { readReport } from '../../src/report/store.js';
import { CLI, runCli, tempDir } from '../cli/cli-helpers.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { completion, createHosts, firstLine, SERVER_ADDRESS, type Hosts } from './netns-hosts.js';
import { netnsSkipReason, toolSkipReason } from './privileges.js';

const SHARDS = 3;
const CONNECTIONS = 12;
const REQUESTS = 6000;
/**
 * The shared start lies this far ahead of the moment the shards are spawned. The second is enough for the
 * waiting itself; the rest is the CLI's start-up, which takes 1.5 s or more per process on a busy 2-core machine,
 * four of them at once. A shard that started late would show it in startSkewMs.
 */
const START_AHEAD_MS = 5_000;

let skip: string | null = null;
let hosts: Hosts | null = null;
const dir = tempDir();

before(async () => {
  skip = toolSkipReason('curl', 'curl') ?? (await netnsSkipReason());
  if (!skip) hosts = await createHosts(SHARDS);
});
after(async () => {
  await hosts?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** /stats of the server, read from client host 0 (the test process itself is in no namespace of the topology). */
function serverStats(url: string): Record<string, number> {
  const [file, ...args] = hosts!.clients[0]!.execArgv('curl', ['-sS', '--max-time', '10', `${url}stats`]);
  return JSON.parse(execFileSync(file!, args, { encoding: 'utf8', timeout: 15_000 })) as Record<string, number>;
}

test('3 shards on 3 hosts with --start-at: merged completed is the sum, the server counts the same, skew < 50 ms', async (t) => {
  if (skip) return t.skip(skip);
  const h = hosts!;
  const url = await firstLine(h.spawnIn(h.server, process.execPath, [CLI, 'serve', '--host', SERVER_ADDRESS, '--port', '0']));
  assert.equal(new URL(url).hostname, SERVER_ADDRESS);
  const before = serverStats(url);
  const startAt = Date.now() + START_AHEAD_MS;
  const shards = h.clients.map((host, index) =>
    completion(
      h.spawnIn(host, process.execPath, [
        CLI, 'run', '--url', url, '-c', String(CONNECTIONS), '-n', String(REQUESTS), '--warmup', '0',
        '--shard', `${index}/${SHARDS}`, '--start-at', String(startAt), '--json', '--no-progress', '--out', join(dir, `own-${index}.json`),
      ]),
    ),
  );
  const results = await Promise.all(shards);
  // Each shard's stdout is its report, as a pod log would be: that is what gets merged.
  const files = results.map((result, index) => {
    assert.equal(result.code, 0, `shard ${index}: ${result.stderr}`);
    const path = join(dir, `shard-${index}.json`);
    writeFileSync(path, result.stdout);
    return path;
  });
  const after = serverStats(url);

  const reports = files.map((file) => readReport(file) as RunReport);
  for (const [index, report] of reports.entries()) {
    assert.deepEqual(report.shard && { index: report.shard.index, count: report.shard.count }, { index, count: SHARDS });
    assert.equal(report.requests.completed, REQUESTS / SHARDS);
    assert.ok(report.startSkewMs !== undefined && Math.abs(report.startSkewMs) < 50, `shard ${index} started ${report.startSkewMs} ms off`);
  }
  t.diagnostic(`start skew per shard (ms): ${reports.map((report) => report.startSkewMs).join(', ')}`);
  const out = join(dir, 'total.json');
  const merge = await runCli(['merge', ...files, '-o', out]);
  assert.equal(merge.code, 0, merge.stderr);
  const merged = readReport(out) as RunReport;
  assertMatchesPublishedSchema(merged, 'merged shards');
  assert.equal(merged.requests.completed, REQUESTS);
  assert.equal(merged.config.connections, CONNECTIONS);
  assert.equal(merged.config.requests, REQUESTS);
  assert.equal(merged.shards?.length, SHARDS);
  // The server saw exactly the merged client figures (the one /stats request between the snapshots aside, and each
  // shard's probe connect before its warm-up, runner/resolve.ts, which sends no request).
  assert.equal(after['requests']! - before['requests']! - 1, merged.requests.completed);
  assert.equal(after['connectionsAccepted']! - before['connectionsAccepted']! - 1 - SHARDS, merged.handshakes.client);
  assert.equal(merged.handshakes.client, CONNECTIONS);
});

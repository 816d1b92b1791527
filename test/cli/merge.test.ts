// bench merge end to end: shard files in, one report out (exit 0); a missing index, noise around the JSON, exit 2.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../src/report/schema.js';
import { readReport } from '../../src/report/store.js';
import { CONFIG, loadResult, runReport } from '../report/fixtures.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

function writeShard(index: number, count: number, text?: string): string {
  const report = runReport({
    config: { ...CONFIG, url: 'http://10.0.0.1:8080/', connections: 5, requests: 500, shard: { index, count, startOffsetUs: 0 } },
    target: { url: 'http://10.0.0.1:8080/', embedded: false, serverMode: null, port: 8080 },
    serverDelta: null,
    serverUsage: null,
    result: loadResult({ sent: 500, completed: 500, statusCodes: { '200': 500 } }),
  });
  const path = join(dir, `shard-${index}-of-${count}.json`);
  writeFileSync(path, text ?? `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

describe('bench merge', () => {
  test('-o total.json: one report of every shard, readable like any other; the summary is printed', async () => {
    const files = [0, 1, 2].map((index) => writeShard(index, 3));
    const out = join(dir, 'total.json');
    const result = await runCli(['merge', ...files, '-o', out]);
    assert.equal(result.code, 0, result.stderr);
    const merged = readReport(out) as RunReport;
    assert.equal(merged.requests.completed, 1500);
    assert.equal(merged.config.connections, 15);
    assert.equal(merged.shards?.length, 3);
    assert.match(result.stdout, /report: .*total\.json/);
    const html = await runCli(['report', out, '-o', join(dir, 'total.html')]);
    assert.equal(html.code, 0, html.stderr);
  });

  test('a missing shard index: exit 2, H1B_REPORT_MISMATCH, the indexes named', async () => {
    const result = await runCli(['merge', writeShard(0, 3), writeShard(2, 3)]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /H1B_REPORT_MISMATCH/);
    assert.match(result.stderr, /shard 1 of 3 missing \(given: 0, 2\)/);
  });

  test('a pod log with noise around the JSON: exit 2, the file named and how it starts', async () => {
    const good = writeShard(0, 2);
    const noisy = writeShard(1, 2, 'Defaulted container "bench" out of: bench\n{"schemaVersion": 1}\n');
    const result = await runCli(['merge', good, noisy]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /H1B_REPORT_READ/);
    assert.ok(result.stderr.includes(`${noisy} is not a JSON report (it starts with 'Defaulted container`), result.stderr);
  });
});

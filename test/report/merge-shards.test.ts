// bench merge's core: N shard reports → one report, exact in every count; mixed targets and bad indexes refused.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadResult } from '../../src/measurements.js';
import { createHistogram, decodeHistogram, recordUs, summarizeMs } from '../../src/metrics/histogram.js';
import { compareReports } from '../../src/report/compare.js';
import { mergeShardReports, type ShardInput } from '../../src/report/merge-shards.js';
import type { RunReport } from '../../src/report/schema.js';
import { validateReport } from '../../src/report/store.js';
import type { RunConfig } from '../../src/types.js';
import { isH1Error } from '../../src/errors.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { CONFIG, loadResult, runReport } from './fixtures.js';

const START = Date.UTC(2026, 10, 30, 12, 0, 0);
const URL_ = 'http://10.0.0.1:8080/';

/** Shard `index` of `count`: `-c 9 -n 900` split, latencies `first…first+n−1` µs, started `offsetMs` after START. */
function shard(index: number, count: number, first: number, offsetMs: number, over: Partial<RunConfig> = {}, result: Partial<LoadResult> = {}): RunReport {
  const latency = createHistogram();
  for (let i = 0; i < 300; i++) recordUs(latency, first + i);
  return runReport({
    config: { ...CONFIG, mode: '1.1', url: URL_, connections: 3, requests: 300, shard: { index, count, startOffsetUs: 0 }, startAtMs: START, ...over },
    target: { url: URL_, embedded: false, serverMode: null, port: 8080 },
    serverDelta: null,
    serverUsage: null,
    startSkewMs: 3 + index,
    machine: { cpuModel: 'c', cores: 2, node: 'v20', kernel: '6', platform: 'linux-x64', hostname: `pod-${index}` },
    result: loadResult({
      startedAtMs: START + offsetMs,
      measuredUs: 2_000_000,
      sent: 300,
      completed: 300,
      statusCodes: { '200': 300 },
      bytesIn: 30_000,
      latency,
      connections: { opened: 3, closedByServer: 0, closedByClient: 3, reset: 0, maxOpen: 3 },
      timeline: [
        { second: 0, requests: 150, errors: 0, connectionsOpened: 3, p50Ms: 0.2, p99Ms: 0.4 },
        { second: 1, requests: 150, errors: 0, connectionsOpened: 0, p50Ms: 0.2, p99Ms: 0.4 },
      ],
      ...result,
    }),
  });
}

const inputs = (reports: RunReport[]): ShardInput[] => reports.map((report, index) => ({ source: `shard-${index}.json`, report }));

function refused(reports: ShardInput[], pattern: RegExp): void {
  assert.throws(
    () => mergeShardReports(reports),
    (error: unknown) => isH1Error(error) && error.code === 'H1B_REPORT_MISMATCH' && error.exitCode === 2 && pattern.test(error.message),
  );
}

describe('mergeShardReports', () => {
  test('counts summed, histograms merged exactly, config of the whole run, shards[] in index order', () => {
    // Given out of order: the merge orders by index.
    const reports = [shard(2, 3, 700, 4), shard(0, 3, 100, 0), shard(1, 3, 400, 1_200)];
    const merged = mergeShardReports(inputs(reports));
    assert.equal(merged.requests.completed, 900);
    assert.equal(merged.requests.sent, 900);
    assert.deepEqual(merged.requests.statusCodes, { '200': 900 });
    assert.equal(merged.handshakes.client, 9);
    assert.equal(merged.connections.opened, 9);
    assert.equal(merged.connections.maxOpen, 9);
    assert.equal(merged.config.connections, 9);
    assert.equal(merged.config.requests, 900);
    assert.equal(merged.config.shard, undefined);
    assert.equal(merged.shard, undefined);
    assert.equal(merged.workers, 3);
    const all = createHistogram();
    for (let value = 100; value < 1000; value++) recordUs(all, value);
    assert.deepEqual(merged.latencyMs, summarizeMs(decodeHistogram(merged.histograms.latencyUs)));
    assert.equal(merged.latencyMs.p50, summarizeMs(all).p50);
    assert.equal(merged.latencyMs.p99, summarizeMs(all).p99);
    assert.equal(decodeHistogram(merged.histograms.latencyUs).totalCount, 900);
    assert.deepEqual(
      merged.shards!.map((s) => [s.index, s.host, s.startSkewMs, s.summary.requests.completed]),
      [
        [0, 'pod-0', 3, 300],
        [1, 'pod-1', 4, 300],
        [2, 'pod-2', 5, 300],
      ],
    );
    // From the earliest start (shard 0) to the latest end (shard 1: 1.2 s late, 2 s long).
    assert.equal(merged.startedAt, new Date(START).toISOString());
    assert.equal(merged.durationSec, 3.2);
    assert.equal(merged.throughput.requestsPerSec, Math.round((900 / 3.2) * 1000) / 1000);
    // Shard 1 started 1.2 s late: its seconds land one second later.
    assert.deepEqual(
      merged.timeline.map((point) => point.requests),
      [300, 450, 150],
    );
    assertMatchesPublishedSchema(merged, 'merged shard report');
    validateReport(JSON.parse(JSON.stringify(merged)), 'merged');
    // A normal report: compare reads it.
    assert.equal(compareReports(reports[1]!, merged).kind, 'run');
  });

  test('open loop: the shards’ rates add up to the whole run’s, and its coordinated-omission note says so', () => {
    const reports = [0, 1].map((index) => shard(index, 2, 100, 0, { rate: 500 }, { uncorrectedLatency: createHistogram() }));
    const merged = mergeShardReports(inputs(reports));
    assert.equal(merged.config.rate, 1000);
    assert.match(merged.coordinatedOmission.method, /open loop at 1000 req\/s/);
  });

  test('refused: mixed targets, mixed modes, a missing index, a duplicate index, a report that is no shard', () => {
    const elsewhere = shard(1, 2, 1, 0);
    refused(inputs([shard(0, 2, 1, 0), { ...elsewhere, target: { ...elsewhere.target, url: 'http://10.0.0.2:8080/' } }]), /not shards of one run: their targets \(http:\/\/10\.0\.0\.1:8080\/, http:\/\/10\.0\.0\.2:8080\/\) differ/);
    refused(inputs([shard(0, 2, 1, 0), shard(1, 2, 1, 0, { mode: '1.0' })]), /their modes \(1\.1, 1\.0\) differ/);
    refused(inputs([shard(0, 3, 1, 0), shard(2, 3, 1, 0)]), /shard 1 of 3 missing \(given: 0, 2\)/);
    refused(inputs([shard(0, 2, 1, 0), shard(0, 2, 1, 0), shard(1, 2, 1, 0)]), /shard 0 of 2 is given twice: shard-0\.json and shard-1\.json/);
    refused(inputs([shard(0, 2, 1, 0), shard(1, 3, 1, 0)]), /shard counts \(2, 3\)/);
    refused([{ source: 'plain.json', report: runReport() }], /plain\.json is not a shard report/);
  });
});

// Tests for the report builder, the --runs merge and the text renderers.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { countFailures } from '../../src/report/build.js';
import { mergeRunReports } from '../../src/report/merge.js';
import { renderRunSummary, renderSideBySide } from '../../src/report/render-text.js';
import { SCHEMA_VERSION } from '../../src/report/schema.js';
import { CONFIG, loadResult, runReport } from './fixtures.js';

describe('buildRunReport', () => {
  test('carries every contract field with the measured values', () => {
    const report = runReport();
    for (const field of [
      'schemaVersion', 'tool', 'label', 'startedAt', 'durationSec', 'interrupted', 'config', 'target', 'requests', 'throughput',
      'latencyMs', 'connectMs', 'ttfbMs', 'connections', 'handshakes', 'timeWait', 'errors', 'timeline', 'histograms',
      'coordinatedOmission', 'sources',
    ]) {
      assert.ok(field in report, `missing ${field}`);
    }
    assert.equal(report.schemaVersion, SCHEMA_VERSION);
    assert.equal(report.kind, 'run');
    assert.equal(report.tool.name, 'h1bench');
    assert.equal(report.startedAt, '2026-11-25T04:00:00.000Z');
    assert.equal(report.durationSec, 0.5);
    assert.equal(report.throughput.requestsPerSec, 2000);
    assert.equal(report.throughput.bytesPerSec, 200_000);
    assert.deepEqual(report.handshakes.client, 1000);
    assert.deepEqual(report.handshakes.server, 1000);
    assert.equal(report.handshakes.kernel?.activeOpens, 1003);
    assert.match(report.handshakes.kernel?.note ?? '', /other processes|every other process/);
    assert.equal(report.handshakes.perRequest, 1);
    assert.deepEqual(report.timeWait, { serverSide: 1000, clientSide: 0, port: 8080 });
    assert.equal(report.latencyMs.p50, 0.5);
    assert.equal(report.latencyMs.max, 1);
    assert.equal(report.connectMs.p99, 0.1);
    assert.equal(report.coordinatedOmission.corrected, false);
    assert.equal(report.uncorrectedLatencyMs, null);
    assert.equal(report.cpu.perHundredKRequestsSec, 40);
    assert.equal(report.server.cpuSec, 0.2);
    assert.equal(report.config.requests, 1000);
    assert.equal(report.sources['handshakes.kernel']?.source, 'kernel');
    assert.equal(report.sources['handshakes.server']?.source, 'server');
    assert.equal(report.sources.latencyMs?.resolution, '1 µs');
    // Histograms round-trip, so reports can be merged later.
    assert.equal(decodeHistogram(report.histograms.latencyUs).totalCount, 1000);
    assert.doesNotThrow(() => JSON.stringify(report));
  });

  test('open loop marks coordinated omission corrected and keeps the uncorrected latency', () => {
    const base = loadResult();
    const report = runReport({ config: { ...CONFIG, rate: 2000 }, result: { ...base, uncorrectedLatency: base.ttfb } });
    assert.equal(report.coordinatedOmission.corrected, true);
    assert.match(report.coordinatedOmission.method, /intended send time/);
    assert.ok(report.uncorrectedLatencyMs);
    assert.ok(report.histograms.uncorrectedLatencyUs);
  });

  test('engines without connection counts fall back to the server view for perRequest', () => {
    const report = runReport({ result: loadResult({ connections: null }) });
    assert.equal(report.handshakes.client, null);
    assert.equal(report.handshakes.perRequest, 1);
    assert.deepEqual(report.connections, { opened: 0, closedByServer: 0, closedByClient: 0, reset: 0, maxOpen: 0, serverCloseLate: null });
    assert.match(report.sources.connections?.note ?? '', /cannot count/);
  });

  test('errors: socket failures counted apart from non-2xx', () => {
    assert.equal(countFailures({ H1B_CONNECT_REFUSED: 3, H1B_TIMEOUT: 2, HTTP_503: 7 }), 5);
    const report = runReport({ result: loadResult({ errors: { H1B_CONNECT_REFUSED: 3, HTTP_503: 7 }, non2xx: 7 }) });
    assert.equal(report.requests.errors, 3);
    assert.equal(report.requests.non2xx, 7);
  });

  test('no completed request: zero rates, no division by zero', () => {
    const report = runReport({ result: loadResult({ completed: 0, measuredUs: 0 }), serverDelta: null, kernel: null, serverUsage: null });
    assert.equal(report.throughput.requestsPerSec, 0);
    assert.equal(report.handshakes.perRequest, 0);
    assert.equal(report.cpu.perHundredKRequestsSec, null);
    assert.equal(report.handshakes.server, null);
    assert.equal(report.handshakes.kernel, null);
  });
});

describe('mergeRunReports', () => {
  test('sums counters, merges histograms and keeps each run', () => {
    const a = runReport();
    const b = runReport({ result: loadResult({ completed: 3000, sent: 3000, measuredUs: 1_500_000 }), timeWait: { serverSide: 4000, clientSide: 0 } });
    const merged = mergeRunReports([a, b]);
    assert.equal(merged.runs?.length, 2);
    assert.equal(merged.requests.completed, 4000);
    assert.equal(merged.durationSec, 2);
    assert.equal(merged.throughput.requestsPerSec, 2000);
    assert.equal(merged.handshakes.client, 2000);
    assert.equal(merged.handshakes.server, 2000);
    assert.equal(merged.handshakes.kernel?.activeOpens, 2006);
    assert.equal(merged.handshakes.perRequest, 0.5);
    assert.equal(merged.timeWait.serverSide, 4000, 'TIME_WAIT is the last snapshot');
    assert.equal(decodeHistogram(merged.histograms.latencyUs).totalCount, 2000);
    assert.equal(merged.latencyMs.p50, 0.5);
    assert.equal(merged.server.statsDelta?.connectionsAccepted, 2000);
    assert.deepEqual(merged.server.statsDelta?.responsesByStatus, { '200': 2000 });
    assert.equal(merged.runs?.[1]?.requests.completed, 3000);
    assert.equal(merged.timeline.length, 2);
    assert.equal(merged.timeline[1]?.second, 1, 'second run’s timeline is offset by the first run’s length');
  });

  test('a single run is returned as is, without runs[]', () => {
    const a = runReport();
    assert.equal(mergeRunReports([a]), a);
    assert.throws(() => mergeRunReports([]));
  });
});

describe('render-text', () => {
  test('run summary names the figures and the report path', () => {
    const text = renderRunSummary(runReport({ result: loadResult({ errors: { H1B_ADDR_NOT_AVAIL: 2 } }) }), 'results/x.json');
    for (const needle of ['mode 1.0', 'latency', 'connect', 'first byte', '2,000 req/s', 'client 1,000', 'server 1,000', '1.000 per request', 'TIME_WAIT', 'report: results/x.json']) {
      assert.ok(text.includes(needle), `summary lacks '${needle}':\n${text}`);
    }
    assert.match(text, /H1B_ADDR_NOT_AVAIL: .*ephemeral ports/, 'error codes come with their advice');
    assert.doesNotMatch(text, /\x1b\[/, 'no ANSI colours');
  });

  test('run summary quotes an error sample: when, which phase, both ends, the reason', () => {
    const sample = { reason: 'invalid Content-Length', phase: 'head' as const, local: '127.0.0.1:41000', remote: '127.0.0.1:8080', atSec: 0.25 };
    const text = renderRunSummary(runReport({ result: loadResult({ errors: { H1B_PARSE_ERROR: 3 }, errorSamples: { H1B_PARSE_ERROR: [sample] } }) }), null);
    assert.match(text, /e\.g\. at 0\.250 s, head, 127\.0\.0\.1:41000 → 127\.0\.0\.1:8080: invalid Content-Length/);
  });

  test('side by side shows handshakes per request and a ratio column for two runs', () => {
    const closeRun = runReport();
    const keepAlive = runReport({
      config: { ...CONFIG, mode: '1.1' },
      result: loadResult({ connections: { opened: 10, closedByServer: 0, closedByClient: 10, reset: 0, maxOpen: 10 }, measuredUs: 250_000 }),
    });
    const text = renderSideBySide([closeRun, keepAlive]);
    assert.match(text, /mode 1\.0.*mode 1\.1.*mode 1\.1 ÷ mode 1\.0/);
    assert.match(text, /handshakes per request\s*│\s*1\.000\s*│\s*0\.0100\s*│\s*0\.0100×/);
    assert.match(text, /requests\/s\s*│\s*2,000\s*│\s*4,000\s*│\s*2\.00×/);
  });
});

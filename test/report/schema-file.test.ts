// The report schema is one definition: the published JSON Schema file is generated from it (and stays in sync),
// every kind of report h1bench builds matches it, and readers refuse a field of the wrong type, naming its path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isH1Error } from '../../src/errors.js';
import { buildHeartbeatReport } from '../../src/report/heartbeat.js';
import { mergeRunReports } from '../../src/report/merge.js';
import { reportJsonSchema, SCHEMA_VERSION, type RunReport } from '../../src/report/schema.js';
import { validateReport } from '../../src/report/store.js';
import { suiteModel } from '../../src/report/suite-model.js';
import { createHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';
import { assertMatchesPublishedSchema, SCHEMA_FILE } from '../helpers/published-schema.js';
import { loadResult, runReport } from './fixtures.js';

test('schema/report-v1.json is what `npm run schema` writes from src/report/schema.ts', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), `${JSON.stringify(reportJsonSchema(), null, 2)}\n`, 'stale: run `npm run schema`');
  assert.equal(SCHEMA_VERSION, 1);
});

test('a run report, merged runs with wire counts and error samples, and a suite match the published schema', () => {
  const single = runReport();
  assertMatchesPublishedSchema(single, 'run report');
  const wire = {
    handshakes: 3,
    teardowns: { serverFirst: 3, clientFirst: 0, reset: 0 },
    section: {
      files: ['a.pcap'], connections: 3, segments: 30, syn: 3, synAck: 3, fin: 6, rst: 0, dataSegments: 6, retransmissions: 0,
      failedHandshakes: 0, stillOpen: 0, preexisting: 0, droppedByKernel: null, flushed: true,
    },
  };
  const failing = runReport({
    result: loadResult({
      errors: { H1B_PARSE_ERROR: 2 },
      errorSamples: { H1B_PARSE_ERROR: [{ reason: 'invalid Content-Length', phase: 'head', local: '127.0.0.1:5000', remote: '127.0.0.1:80', atSec: 0.25 }] },
    }),
    wire,
  });
  assertMatchesPublishedSchema(failing, 'run report with wire counts and error samples');
  const merged = mergeRunReports([failing, runReport({ wire })]);
  assert.equal(merged.runs?.length, 2);
  assertMatchesPublishedSchema(merged, 'merged runs');
  const suite = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'suite' as const,
    tool: single.tool,
    label: null,
    preset: 'quick',
    startedAt: single.startedAt,
    durationSec: 2,
    interrupted: false,
    machine: single.machine,
    cases: [{ id: '1.0-c10', mode: '1.0' as const, connections: 10, report: merged }],
    model: suiteModel([{ id: '1.0-c10', mode: '1.0', connections: 10, report: merged }]),
  };
  assertMatchesPublishedSchema(suite, 'suite report');
  validateReport(JSON.parse(JSON.stringify(suite)), 'suite.json');
});

test('a heartbeat report matches the published schema', () => {
  const h = createHistogram();
  recordUs(h, 180);
  const encoded = encodeHistogram(h);
  h.destroy();
  const fleet = {
    clients: 2, sent: 20, answered: 20, skipped: 0, timeouts: 0, opened: 0, preopened: 2, bytesOut: 2000, bytesIn: 3000, non2xx: 0,
    statusCodes: { '200': 20 }, errors: {}, closedByServer: 0, closedByClient: 2, reset: 0, maxOpen: 2, serverCloseLate: 0, resent: 0, cpuUserSec: 0.1, cpuSystemSec: 0.02,
    rttUs: encoded, connectUs: encoded, sendLagUs: encoded, serverDownNoticedUs: [], falseAlarms: 0,
  };
  const report = buildHeartbeatReport({
    config: {
      run: { clients: 2, intervalMs: 100, timeoutMs: 300, durationMs: 1000, mode: '1.1', offline: 0, offlineMode: 'freeze', serverFailure: null, clientsPerProcess: 10 },
      url: null,
      tcpKeepAliveMs: 0,
      label: 'hb',
    },
    target: { url: 'http://127.0.0.1:9000/', embedded: true, serverMode: 'keep-alive', port: 9000 },
    outcome: {
      startedAtMs: Date.UTC(2026, 10, 30), startUs: 1_000_000, endUs: 2_000_000, interrupted: false, processes: 1, fleets: [fleet], stopFleet: null,
      victims: new Map(), serverStoppedAtUs: null, verdicts: new Map(), countsStart: null, countsEnd: null, pollFailures: 0, serverUsage: null,
    },
    kernel: { activeOpens: 2, passiveOpens: 2, scope: 'host' },
    timeWait: { serverSide: 0, clientSide: 2 },
    serverDelta: null,
    keepAlive: null,
    machine: runReport().machine,
    notes: [],
  });
  assert.equal(report.heartbeat?.clients, 2);
  assertMatchesPublishedSchema(report, 'heartbeat report');
  validateReport(JSON.parse(JSON.stringify(report)), 'heartbeat.json');
});

test('readers refuse a field of the wrong type or one the schema does not define, naming its path', () => {
  const report = JSON.parse(JSON.stringify(runReport())) as RunReport & Record<string, unknown>;
  (report.latencyMs as unknown as Record<string, unknown>).p50 = 'fast';
  report['extra'] = true;
  assert.throws(
    () => validateReport(report, 'bad.json'),
    (error: unknown) =>
      isH1Error(error) && error.code === 'H1B_REPORT_SCHEMA' && /bad\.json/.test(error.message) && /\/latencyMs\/p50/.test(error.message) && /\/extra/.test(error.message),
  );
  assert.throws(() => validateReport({ hello: 'world' }, 'x.json'), /not an h1bench report/);
  assert.throws(() => validateReport({ schemaVersion: 2, kind: 'run' }, 'new.json'), /schemaVersion 2/);
});

// The report's path section and the suite's measured points, from synthetic figures: the model checks (1.0 ≥ 2 r, connect ≈ r, 1.1 ≈ r), the words, merging runs, the terminal table, the HTML chart, the published schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LatencySummary } from '../../src/measurements.js';
import { caseId } from '../../src/report/compare.js';
import { rttModelChart } from '../../src/report/html/model.js';
import { buildPathSection, mergePathSections, pathFacts, type PathObservation } from '../../src/report/path-section.js';
import { renderSuiteSummary } from '../../src/report/render-suite.js';
import type { RunReport } from '../../src/report/schema.js';
import { suiteModel } from '../../src/report/suite-model.js';
import { fakeRun, fakeSuite } from '../helpers/fake-report.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';

const latency = (p50: number): LatencySummary => ({ min: p50 * 0.9, mean: p50, stdev: 0.1, p50, p90: p50 * 1.1, p99: p50 * 1.2, p999: p50 * 1.3, max: p50 * 1.4 });
const NONE = { min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
const quiet = { retransSegs: 0, synRetrans: 0, delayedAcks: 0, timeouts: 0 };

function observation(overrides: Partial<PathObservation> = {}): PathObservation {
  return {
    impl: 'delay-line',
    configured: { rttMs: 10, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null },
    priority: 'realtime',
    measured: { method: 'icmp', probes: 20, samples: 20, lost: 0, minMs: 10.5, p50Ms: 10.6, p99Ms: 11.2, maxMs: 11.3 },
    relay: {
      packets: 1000, forwarded: 1000, dropped: 0, overflow: 0, bytes: 70_000, udpBufferErrors: 0,
      cpuUs: 20_000, cpuUsPerPacket: 20, bridgeCpuUs: 10_000, bridgeCpuUsPerPacket: 10, lateUsSinceOpen: { p50: 2, p99: 60, max: 300 },
    },
    tcp: { client: { ...quiet }, server: { ...quiet } },
    ...overrides,
  };
}

test('HTTP/1.0 at 10 ms: latency against 2 round trips, connect against 1; in ms and % of the model, and beyond the probe’s RTT', () => {
  const section = buildPathSection(observation(), { mode: '1.0', latencyMs: latency(21.3), connectMs: latency(10.4) });
  assert.equal(section.overheadMs, 0.6);
  const [lat, connect] = section.model;
  assert.deepEqual(lat, {
    figure: 'latencyP50', rule: lat!.rule, roundTrips: 2, modelMs: 20, measuredMs: 21.3, diffMs: 1.3, diffPct: 6.5, pathModelMs: 21.2, excessMs: 0.1,
  });
  assert.match(lat!.rule, /HTTP\/1\.0: ≥ 2 round trips/);
  assert.deepEqual({ ...connect, rule: '' }, { figure: 'connectP50', rule: '', roundTrips: 1, modelMs: 10, measuredMs: 10.4, diffMs: 0.4, diffPct: 4, pathModelMs: 10.6, excessMs: -0.2 });
  assert.match(section.notes[0]!, /the path itself adds 0\.6 ms to each round trip/);
  assert.match(section.notes[1]!, /latency p50 21\.3 ms vs the model's 2 × 10 ms = 20 ms .*: \+1\.3 ms \(\+6\.5 %\)/);
  // Quiet TCP and a lossless relay: nothing more to say.
  assert.equal(section.notes.length, 3);
});

test('HTTP/1.1: one round trip; no connect check when the measured phase opened no connection; RTT 0 has no %', () => {
  const section = buildPathSection(observation(), { mode: '1.1', latencyMs: latency(10.7), connectMs: NONE });
  assert.deepEqual(section.model.map((item) => [item.figure, item.roundTrips, item.modelMs, item.diffMs]), [['latencyP50', 1, 10, 0.7]]);
  const atZero = buildPathSection(observation({ configured: { rttMs: 0, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null } }), { mode: 'pipeline', latencyMs: latency(0.4), connectMs: NONE });
  assert.equal(atZero.model[0]?.diffPct, null);
});

test('retransmits, delayed ACKs and relay losses are named when they happened, with both ends’ counts', () => {
  const section = buildPathSection(
    observation({
      tcp: { client: { retransSegs: 3, synRetrans: 1, delayedAcks: 2, timeouts: 1 }, server: { retransSegs: 2, synRetrans: 1, delayedAcks: 0, timeouts: 0 } },
      relay: { ...observation().relay!, dropped: 7, overflow: 1 },
    }),
    { mode: '1.0', latencyMs: latency(900), connectMs: latency(1010) },
  );
  const text = section.notes.join('\n');
  assert.match(text, /TCP sent 5 segment\(s\) again \(client 3, server 2\), 2 of them SYN or SYN-ACK retransmits .*a lost SYN waits 1 s/);
  assert.match(text, /2 delayed ACK\(s\) \(client 2, server 0\)/);
  assert.match(text, /the relay dropped 7 packet\(s\) by the loss draw and 1 to a full queue/);
  const facts = new Map(pathFacts(section));
  assert.match(facts.get('path')!, /^delay-line · RTT 10 ms configured · probe min 10\.5 ms/);
  assert.match(facts.get('model latency')!, /p50 900 ms vs 2 × RTT = 20 ms: \+880 ms/);
  assert.match(facts.get('path TCP')!, /client 3 · server 2 \(SYN 2\) · delayed ACKs 2 · relay 1000 packets, dropped 8/);
});

test('merging runs sums the path’s counters and checks the model against the merged figures', () => {
  const one = buildPathSection(observation({ tcp: { client: { ...quiet, retransSegs: 1 }, server: null } }), { mode: '1.0', latencyMs: latency(21), connectMs: latency(10.2) });
  const two = buildPathSection(observation({ tcp: { client: { ...quiet, retransSegs: 2 }, server: { ...quiet } } }), { mode: '1.0', latencyMs: latency(23), connectMs: latency(10.6) });
  const merged = mergePathSections([one, two], { mode: '1.0', latencyMs: latency(22), connectMs: latency(10.4) });
  assert.equal(merged.tcp.client.retransSegs, 3);
  assert.equal(merged.tcp.server, null, 'a run without the server’s counters makes the sum unknown');
  assert.equal(merged.relay?.packets, 2000);
  assert.equal(merged.relay?.cpuUsPerPacket, 20);
  assert.equal(merged.model[0]?.measuredMs, 22);
  assert.equal(merged.model[0]?.diffMs, 2);
});

/** A suite case measured across a path: the fake run with a path config and section. */
function pathCase(mode: '1.0' | '1.1', rps: number, p50: number, rttMs: number): { id: string; report: RunReport } {
  const report = fakeRun({ mode, connections: 10, rps: [rps] });
  report.config.path = { rttMs, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl: 'auto', priority: 'nice', seed: null };
  report.latencyMs = latency(p50);
  report.path = buildPathSection(observation({ configured: { rttMs, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null } }), { mode, latencyMs: report.latencyMs, connectMs: report.connectMs });
  return { id: caseId({ mode, connections: 10, path: { rttMs } }), report };
}

test('suite --rtt: path cases become measured points beside the loopback model at their RTT; the published schema holds', () => {
  const suite = fakeSuite([
    { id: '1.0-c10', report: fakeRun({ mode: '1.0', connections: 10, rps: [1000] }) },
    { id: '1.1-c10', report: fakeRun({ mode: '1.1', connections: 10, rps: [4000] }) },
    pathCase('1.0', 200, 45, 20),
    pathCase('1.1', 800, 12, 20),
  ]);
  assert.deepEqual(suite.cases.map((item) => item.id), ['1.0-c10', '1.1-c10', '1.0-c10-rtt20ms', '1.1-c10-rtt20ms']);
  const model = suiteModel(suite.cases);
  assert.deepEqual(model.rttsMs, [1, 10, 20, 50, 100], 'the path RTT joins the modelled ones');
  assert.deepEqual(model.headlines.map((item) => item.id), ['1.0-c10', '1.1-c10'], 'the model is built from loopback cases only');
  const http10 = model.measured?.find((point) => point.id === '1.0-c10-rtt20ms');
  // Model: 10 connections / (10 ms loopback cycle + 2 × 20 ms) = 200 req/s; p50 = 1 ms (fake) + 2 × 20 ms = 41 ms.
  assert.deepEqual(http10?.model, { requestsPerSec: 200, p50Ms: 41 });
  assert.deepEqual(http10?.diff, { requestsPerSecPct: 0, p50Ms: 4, p50Pct: 9.8 });
  assert.equal(http10?.baseId, '1.0-c10');
  assert.equal(http10?.pathRttP50Ms, 10.6);
  const report = { ...suite, model };
  assertMatchesPublishedSchema(report, 'suite report with path cases');
  const text = renderSuiteSummary(report);
  assert.match(text, /Measured across emulated network paths \(delay-line\) beside the model's prediction/);
  assert.match(text, /1\.0-c10-rtt20ms .* 200 .* 200 .* \+0\.0 % .* \+4\.000 ms \(\+9\.8 %\)/);
  // The answer compares 1.0 with 1.1 at the same RTT, path cases with path cases.
  assert.match(text, /What one request costs in HTTP\/1\.0 over 1\.1 keep-alive \(c=10, across an emulated 20 ms RTT path/);
  assert.match(text, /latency p50 {2}\+33\.0 ms/);
  const chart = rttModelChart(report, suite.cases.map((item, index) => ({ name: item.id, color: `#00000${index}`, report: item.report })));
  const measured = chart?.series.find((series) => series.label === '1.0-c10 measured');
  assert.ok(measured?.dash, 'measured points are dashed beside the modelled line');
  // Categories: loopback, 1, 10, 20, 50, 100 ms; measured at loopback and 20 ms only.
  assert.deepEqual(measured?.values, [1000, null, null, 200, null, null]);
});

test('a run report with a path section matches the published schema', () => {
  const { report } = pathCase('1.0', 200, 45, 20);
  assertMatchesPublishedSchema(report, 'run report with path');
});

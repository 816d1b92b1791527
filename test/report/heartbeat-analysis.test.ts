// Heartbeat analysis: detection from injection to verdict, misses, false positives (seen and unseen), server-down.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientsCounts, FleetResult, HeartbeatOutcome, OfflineEntry } from '../../src/measurements.js';
import { analyzeHeartbeat, distributionMs } from '../../src/report/heartbeat-analysis.js';
import type { HeartbeatRunConfig } from '../../src/types.js';
import { createHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';

const CONFIG: HeartbeatRunConfig = {
  clients: 10,
  intervalMs: 200,
  timeoutMs: 600,
  durationMs: 5000,
  mode: '1.1',
  offline: 2,
  offlineMode: 'freeze',
  serverFailure: null,
  clientsPerProcess: 100,
};

function fleet(overrides: Partial<FleetResult> = {}): FleetResult {
  const h = createHistogram();
  recordUs(h, 150);
  recordUs(h, 250);
  const rtt = encodeHistogram(h);
  h.destroy();
  return {
    clients: 10, sent: 100, answered: 98, skipped: 0, timeouts: 0, opened: 10, preopened: 0, bytesOut: 5000, bytesIn: 9000, non2xx: 0,
    statusCodes: { 200: 98 }, errors: {}, closedByServer: 0, closedByClient: 0, reset: 0, maxOpen: 10, serverCloseLate: 0, resent: 0, cpuUserSec: 0.1, cpuSystemSec: 0.05,
    rttUs: rtt, connectUs: rtt, sendLagUs: rtt, serverDownNoticedUs: [], falseAlarms: 0,
    ...overrides,
  };
}

function counts(offlineTransitions: number): ClientsCounts {
  return { clients: 10, online: 10, offline: 0, timeoutMs: 600, transitions: { online: 10, offline: offlineTransitions }, connectionEnds: { close: 0, reset: 0, timeout: 0 }, nowUs: 1_300_000 };
}

const entry = (id: string, sinceUs: number): OfflineEntry => ({ id, sinceUs, lastSeenUs: sinceUs - 600_000, lastEnd: null, lastEndUs: 0 });

function outcome(over: Partial<HeartbeatOutcome>): HeartbeatOutcome {
  return {
    startedAtMs: 0, startUs: 1_000_000, endUs: 6_000_000, interrupted: false, processes: 1, fleets: [fleet()], stopFleet: null,
    victims: new Map(), serverStoppedAtUs: null, verdicts: new Map(), countsStart: counts(0), countsEnd: counts(0), pollFailures: 0,
    serverUsage: { cpuSec: 0.5, maxRssBytes: 60_000_000, baselineRssBytes: 50_000_000 },
    ...over,
  };
}

describe('analyzeHeartbeat', () => {
  test('detection runs from each victim’s injection to its verdict; a silent victim counts as missed', () => {
    const victims = new Map([['c1', 2_000_000], ['c2', 2_000_000], ['c3', 2_000_100]]);
    const verdicts = new Map([['c1', [entry('c1', 2_500_000)]], ['c2', [entry('c2', 2_700_000)]]]);
    const hb = analyzeHeartbeat({ ...CONFIG, offline: 3 }, 0, outcome({ victims, verdicts, countsEnd: counts(2) }), null);
    assert.equal(hb.offlineInjected, 3);
    assert.equal(hb.detected, 2);
    assert.equal(hb.missed, 1);
    assert.equal(hb.falsePositives, 0);
    assert.deepEqual(hb.detectionMs, { p50: 500, p99: 700, max: 700 });
    assert.equal(hb.detectedWithinBudget, 2);
    assert.equal(hb.offlineMode, 'freeze');
  });

  test('healthy clients marked offline, and victims marked before injection, are false positives', () => {
    const victims = new Map([['c1', 3_000_000]]);
    const verdicts = new Map([
      ['c1', [entry('c1', 2_000_000), entry('c1', 3_600_000)]],
      ['c5', [entry('c5', 4_000_000)]],
      ['c6', [entry('c6', 7_000_000)]], // after the run: not a judgement of the run
    ]);
    const hb = analyzeHeartbeat(CONFIG, 0, outcome({ victims, verdicts, countsEnd: counts(3) }), null);
    assert.equal(hb.detected, 1);
    assert.deepEqual(hb.detectionMs, { p50: 600, p99: 600, max: 600 });
    assert.equal(hb.falsePositives, 2);
  });

  test('a verdict before the baseline reading (warm-up flap) is setup, neither a false positive nor unexplained', () => {
    const verdicts = new Map([['c7', [entry('c7', 1_200_000)]]]);
    const hb = analyzeHeartbeat({ ...CONFIG, offline: 0 }, 0, outcome({ verdicts, countsEnd: counts(0) }), null);
    assert.equal(hb.falsePositives, 0);
  });

  test('offline verdicts that flipped back between polls are counted from the transition counter', () => {
    const hb = analyzeHeartbeat({ ...CONFIG, offline: 0 }, 0, outcome({ countsEnd: counts(4) }), null);
    assert.equal(hb.falsePositives, 4);
    assert.ok(hb.notes.some((n) => n.includes('flipped back online')));
    assert.equal(hb.offlineMode, null);
  });

  test('server failure: each healthy client’s first timeout after the stop; misses counted; verdicts after the stop ignored', () => {
    const f = fleet({
      serverDownNoticedUs: [
        { id: 'c0', atUs: 3_700_000 },
        { id: 'c1', atUs: 3_900_000 },
        { id: 'c2', atUs: -1 },
      ],
      falseAlarms: 1,
    });
    const verdicts = new Map([['c4', [entry('c4', 4_000_000)]]]);
    const hb = analyzeHeartbeat(
      { ...CONFIG, offline: 0, serverFailure: 'stop' },
      0,
      outcome({ fleets: [f], serverStoppedAtUs: 3_000_000, verdicts, countsEnd: null }),
      null,
    );
    assert.deepEqual(hb.serverDownDetectedMs, { p50: 700, p99: 900, max: 900, noticedBy: 2 });
    assert.equal(hb.serverDownMissed, 1);
    assert.equal(hb.clientFalseAlarms, 1);
    assert.equal(hb.falsePositives, 0);
  });

  test('cost figures: handshakes and bytes per second, server CPU and RSS growth per 1,000 clients', () => {
    const hb = analyzeHeartbeat({ ...CONFIG, offline: 0 }, 0, outcome({}), null);
    assert.deepEqual(hb.handshakes, { total: 10, perSecond: 2 });
    assert.equal(hb.bytesPerSec, 2800);
    assert.equal(hb.server.cpuSecPerThousandClients, 50);
    assert.equal(hb.server.rssBytesPerThousandClients, 1_000_000_000);
    assert.equal(hb.serverCpuCoreShare, 0.1);
    assert.equal(hb.heartbeatRttMs.max, 0.25);
  });

  test('TCP keepalive: kernel-ended connections are reported with the probe schedule', () => {
    const end = { ...counts(0), connectionEnds: { close: 0, reset: 0, timeout: 3 } };
    const hb = analyzeHeartbeat({ ...CONFIG, offline: 0 }, 1000, outcome({ countsEnd: end }), { intervalSec: 75, probes: 9 });
    assert.deepEqual(hb.tcpKeepAlive, { delayMs: 1000, detected: 3 });
    assert.ok(hb.notes.some((n) => n.includes('9 probes 75 s apart')));
  });
});

describe('distributionMs', () => {
  test('nearest-rank percentiles of exact samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => (i + 1) * 1000);
    assert.deepEqual(distributionMs(samples), { p50: 50, p99: 99, max: 100 });
    assert.equal(distributionMs([]), null);
  });
});

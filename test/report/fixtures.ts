// Test helpers: a LoadResult and a RunReport built from known numbers, for report-layer tests.

import type { LoadResult } from '../../src/measurements.js';
import { createHistogram, recordUs } from '../../src/metrics/histogram.js';
import { buildRunReport, type RunRecord } from '../../src/report/build.js';
import type { RunReport } from '../../src/report/schema.js';
import type { RunConfig } from '../../src/types.js';

export const CONFIG: RunConfig = Object.freeze({
  mode: '1.0',
  keepAlive: false,
  engine: 'native',
  url: null,
  serverMode: null,
  connections: 10,
  durationMs: 3_600_000,
  requests: 1000,
  warmupMs: 0,
  rate: null,
  timeoutMs: 10_000,
  method: 'GET',
  headers: [],
  body: null,
  pipelining: 1,
  label: null,
  runs: 1,
  capture: null,
  netns: false,
  tls: null,
  resolve: [],
});

/** 1000 requests over 0.5 s: latencies 1..1000 µs, each paying a 100 µs connect. */
export function loadResult(overrides: Partial<LoadResult> = {}): LoadResult {
  const latency = createHistogram();
  const connect = createHistogram();
  const ttfb = createHistogram();
  for (let i = 1; i <= 1000; i++) {
    recordUs(latency, i);
    recordUs(connect, 100);
    recordUs(ttfb, i / 2);
  }
  return {
    engine: 'native',
    engineVersion: '0.1.0',
    httpVersionOnWire: '1.0',
    startedAtMs: Date.UTC(2026, 10, 25, 4, 0, 0),
    measuredUs: 500_000,
    interrupted: false,
    sent: 1000,
    completed: 1000,
    non2xx: 0,
    statusCodes: { '200': 1000 },
    bytesIn: 100_000,
    errors: {},
    errorSamples: {},
    connections: { opened: 1000, closedByServer: 1000, closedByClient: 0, reset: 0, maxOpen: 10, serverCloseLate: 0 },
    resent: 0,
    abandoned: 0,
    latency,
    connect,
    ttfb,
    uncorrectedLatency: null,
    sendLag: null,
    tls: null,
    timeline: [{ second: 0, requests: 1000, errors: 0, connectionsOpened: 1000, p50Ms: 0.5, p99Ms: 0.99 }],
    notes: [],
    resolution: { latency: '1 µs', connect: '1 µs', ttfb: '1 µs' },
    ...overrides,
  };
}

export function measurements(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    config: CONFIG,
    target: { url: 'http://127.0.0.1:8080/', embedded: true, serverMode: 'close', port: 8080 },
    result: loadResult(),
    kernel: { activeOpens: 1003, passiveOpens: 1003, scope: 'host' },
    timeWait: { serverSide: 1000, clientSide: 0 },
    serverDelta: {
      connectionsAccepted: 1000, connectionsOpen: 1, closedByServer: 1000, closedByClient: 0, reset: 0, requests: 1000,
      responsesByStatus: { '200': 1000 }, bytesIn: 50_000, bytesOut: 100_000, backpressurePauses: 0, tlsHandshakes: null,
      tlsFailuresByCode: null,
    },
    serverUsage: { cpuSec: 0.2, maxRssBytes: 50_000_000 },
    clientCpu: { userSec: 0.3, systemSec: 0.1 },
    machine: { cpuModel: 'test cpu', cores: 2, node: 'v20.20.2', kernel: '6.1', platform: 'linux-x64', hostname: 'h' },
    wire: null,
    netnsUnavailable: null,
    heartbeat: null,
    notes: [],
    ...overrides,
  };
}

export function runReport(overrides: Partial<RunRecord> = {}): RunReport {
  return buildRunReport(measurements(overrides));
}

// Synthetic run and suite reports with chosen per-run figures, for comparison and format tests.

import type { LatencySummary } from '../../src/measurements.js';
import { SCHEMA_VERSION, type RunReport, type RunSummary, type SuiteReport } from '../../src/report/schema.js';
import type { ClientMode } from '../../src/types.js';

export interface FakeRuns {
  mode?: ClientMode;
  connections?: number;
  /** One entry per run; other metrics default to values derived from it. */
  rps: number[];
  p99?: number[];
  hostname?: string;
}

function latency(p50: number, p99: number): LatencySummary {
  return { min: p50 / 2, mean: p50 * 1.1, stdev: p50 / 10, p50, p90: p50 * 1.5, p99, p999: p99 * 1.5, max: p99 * 2 };
}

function summary(rps: number, p99: number, handshakesPerRequest: number): RunSummary {
  const p50 = 1000 / rps; // ms, one connection's closed loop
  return {
    durationSec: 1,
    interrupted: false,
    requests: { sent: rps, completed: rps, errors: 0, non2xx: 0, statusCodes: { '200': rps } },
    throughput: { requestsPerSec: rps, bytesPerSec: rps * 100 },
    latencyMs: latency(p50, p99),
    connectMs: latency(0.05, 0.2),
    ttfbMs: latency(p50, p99),
    handshakesPerRequest,
    cpu: { userSec: 0.5, systemSec: 0.2 },
  };
}

export function fakeRun(options: FakeRuns): RunReport {
  const mode = options.mode ?? '1.1';
  const connections = options.connections ?? 1;
  const hs = mode === '1.0' ? 1 : 0.001;
  const runs = options.rps.map((rps, i) => summary(rps, options.p99?.[i] ?? 2000 / rps, hs));
  const first = runs[0] as RunSummary;
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    tool: { name: 'h1bench', version: '0.1.0' },
    label: null,
    startedAt: '2026-11-25T04:00:00.000Z',
    durationSec: runs.length,
    interrupted: false,
    config: {
      mode, engine: 'native', url: null, serverMode: null, connections, durationMs: 1000, requests: null, warmupMs: 0,
      rate: null, timeoutMs: 0, method: 'GET', headers: [], body: null, pipelining: 1, label: null, runs: runs.length, capture: null, netns: false,
    },
    target: { url: 'http://127.0.0.1:1/', embedded: true, serverMode: mode === '1.0' ? 'close' : 'keep-alive' },
    engine: { name: 'native', version: '0.1.0', httpVersionOnWire: mode === '1.0' ? '1.0' : '1.1', notes: [] },
    machine: { cpuModel: 'test cpu', cores: 2, node: 'v20', kernel: 'linux', platform: 'linux', hostname: options.hostname ?? 'host-a' },
    requests: first.requests,
    throughput: first.throughput,
    latencyMs: first.latencyMs,
    uncorrectedLatencyMs: null,
    connectMs: first.connectMs,
    ttfbMs: first.ttfbMs,
    connections: { opened: 1, closedByServer: 0, closedByClient: 1, reset: 0, maxOpen: 1 },
    handshakes: { client: 1, server: 1, kernel: null, perRequest: hs },
    timeWait: { serverSide: 0, clientSide: 0, port: 1 },
    errors: {},
    errorSamples: {},
    timeline: [],
    histograms: { latencyUs: '', connectUs: '', ttfbUs: '', uncorrectedLatencyUs: null },
    coordinatedOmission: { corrected: false, method: 'closed loop' },
    server: { statsDelta: null, cpuSec: null, maxRssBytes: null },
    cpu: { userSec: 0.5, systemSec: 0.2, perHundredKRequestsSec: null },
    sources: {},
    notes: [],
    ...(runs.length > 1 ? { runs } : {}),
  };
}

export function fakeSuite(cases: Array<{ id: string; report: RunReport }>, hostname = 'host-a'): SuiteReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'suite',
    tool: { name: 'h1bench', version: '0.1.0' },
    label: null,
    preset: 'test',
    startedAt: '2026-11-25T04:00:00.000Z',
    durationSec: 1,
    interrupted: false,
    machine: { cpuModel: 'test cpu', cores: 2, node: 'v20', kernel: 'linux', platform: 'linux', hostname },
    cases: cases.map((item) => ({ id: item.id, mode: item.report.config.mode, connections: item.report.config.connections, report: item.report })),
  };
}

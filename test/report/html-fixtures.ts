// Realistic RunReport/SuiteReport fixtures for the HTML report tests, with real encoded HdrHistograms.

import { createHistogram, encodeHistogram, recordUs, summarizeMs } from '../../src/metrics/histogram.js';
import type { TimelinePoint } from '../../src/measurements.js';
import { SCHEMA_VERSION, type RunReport, type RunSummary, type SuiteReport } from '../../src/report/schema.js';
import type { ClientMode } from '../../src/types.js';
import { seededRandom } from '../../src/wire/path/delay-queue.js';

/** Log-normal sample (µs) around `medianUs`: the usual shape of request latency. */
function lognormal(random: () => number, medianUs: number, sigma: number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return medianUs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

export interface FixtureOptions {
  mode: ClientMode;
  label: string | null;
  seed?: number;
  requests?: number;
  seconds?: number;
  connections?: number;
  interrupted?: boolean;
  errors?: Record<string, number>;
  non2xx?: number;
}

export function runReportFixture(options: FixtureOptions): RunReport {
  const random = seededRandom(options.seed ?? 1);
  // Throughput differs by mode as it does in practice, so overlaid lines do not hide each other.
  const total = options.requests ?? (options.mode === '1.0' ? 9_000 : options.mode === '1.1' ? 20_000 : 26_000);
  const seconds = options.seconds ?? 5;
  const connections = options.connections ?? 10;
  const closeMode = options.mode === '1.0';
  const latency = createHistogram();
  const connect = createHistogram();
  const ttfb = createHistogram();
  const perSecond = Array.from({ length: seconds }, () => createHistogram());
  const median = closeMode ? 420 : options.mode === 'pipeline' ? 900 : 190;
  let opened = closeMode ? 0 : connections;
  for (let i = 0; i < connections && !closeMode; i++) recordUs(connect, lognormal(random, 60, 0.3));
  for (let i = 0; i < total; i++) {
    // A stall in the middle second gives the timeline and the tail something to show.
    const second = Math.min(seconds - 1, Math.floor((i / total) * seconds));
    const stall = second === Math.floor(seconds / 2) && random() < 0.01 ? 20 : 1;
    const connectUs = closeMode ? lognormal(random, 70, 0.35) : 0;
    if (closeMode) {
      recordUs(connect, connectUs);
      opened++;
    }
    const ttfbUs = lognormal(random, median, 0.45) * stall;
    const totalUs = connectUs + ttfbUs + lognormal(random, 15, 0.2);
    recordUs(ttfb, ttfbUs);
    recordUs(latency, totalUs);
    recordUs(perSecond[second]!, totalUs);
  }
  const errorTotal = Object.values(options.errors ?? {}).reduce((a, b) => a + b, 0);
  // Errors spread over the seconds as the recorder counts them (the last second takes the remainder).
  const errorsIn = (second: number): number => Math.floor(errorTotal / seconds) + (second === seconds - 1 ? errorTotal % seconds : 0);
  const timeline: TimelinePoint[] = perSecond.map((histogram, second) => ({
    second,
    requests: histogram.totalCount,
    errors: errorsIn(second),
    connectionsOpened: closeMode ? histogram.totalCount : second === 0 ? connections : 0,
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
  }));
  const errorCount = Object.values(options.errors ?? {}).reduce((a, b) => a + b, 0);
  const non2xx = options.non2xx ?? 0;
  const statusCodes: Record<string, number> = { '200': total - non2xx };
  if (non2xx > 0) statusCodes['503'] = non2xx;
  const machine = { cpuModel: 'Test CPU @ 2.40GHz', cores: 2, node: 'v20.20.0', kernel: '6.1.0-test', platform: 'linux', hostname: 'bench-host' };
  const report: RunReport = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    tool: { name: 'h1bench', version: '0.1.0' },
    label: options.label,
    startedAt: '2026-11-25T04:00:00.000Z',
    durationSec: seconds,
    interrupted: options.interrupted ?? false,
    config: {
      mode: options.mode,
      engine: 'native',
      url: null,
      serverMode: null,
      connections,
      durationMs: seconds * 1000,
      requests: null,
      warmupMs: 1000,
      rate: null,
      timeoutMs: 0,
      method: 'GET',
      headers: [],
      body: null,
      pipelining: options.mode === 'pipeline' ? 10 : 1,
      label: options.label,
      runs: 1,
      capture: null,
      netns: false,
    },
    target: { url: 'http://127.0.0.1:40123/', embedded: true, serverMode: closeMode ? 'close' : 'keep-alive' },
    engine: { name: 'native', version: '0.1.0', httpVersionOnWire: closeMode ? '1.0' : '1.1', notes: [] },
    machine,
    requests: { sent: total + errorCount, completed: total, errors: errorCount, non2xx, statusCodes },
    throughput: { requestsPerSec: total / seconds, bytesPerSec: (total * 120) / seconds },
    latencyMs: summarizeMs(latency),
    uncorrectedLatencyMs: null,
    connectMs: summarizeMs(connect),
    ttfbMs: summarizeMs(ttfb),
    connections: { opened, closedByServer: closeMode ? opened : 0, closedByClient: closeMode ? 0 : connections, reset: 0, maxOpen: connections },
    handshakes: {
      client: opened,
      server: opened,
      kernel: { activeOpens: opened + 3, passiveOpens: opened + 3, scope: 'host', note: 'other processes on this host are counted too' },
      perRequest: opened / total,
    },
    timeWait: { serverSide: closeMode ? Math.min(opened, 14_000) : 0, clientSide: closeMode ? 0 : connections, port: 40123 },
    errors: options.errors ?? {},
    errorSamples: {},
    timeline,
    histograms: { latencyUs: encodeHistogram(latency), connectUs: encodeHistogram(connect), ttfbUs: encodeHistogram(ttfb), uncorrectedLatencyUs: null },
    coordinatedOmission: { corrected: false, method: 'none (closed loop)' },
    server: { statsDelta: null, cpuSec: 1.2, maxRssBytes: 60_000_000 },
    cpu: { userSec: 2.1, systemSec: 1.3, perHundredKRequestsSec: (3.4 / total) * 100_000 },
    sources: { latency: { source: 'client', resolution: '1 µs' } },
    notes: [],
  };
  for (const histogram of [latency, connect, ttfb, ...perSecond]) histogram.destroy();
  return report;
}

export function suiteReportFixture(): SuiteReport {
  const cases = (['1.0', '1.1', 'pipeline'] as const).map((mode, index) => ({
    id: `${mode}-c10`,
    mode,
    connections: 10,
    report: runReportFixture({ mode, label: null, seed: 10 + index, requests: [4_000, 9_000, 12_000][index], seconds: 3 }),
  }));
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'suite',
    tool: { name: 'h1bench', version: '0.1.0' },
    label: 'quick suite',
    preset: 'quick',
    startedAt: '2026-11-25T04:10:00.000Z',
    durationSec: 12,
    interrupted: false,
    machine: cases[0]!.report.machine,
    cases,
  };
}

/**
 * Give a report `count` repeated-run summaries (as `--runs N` does), each jittered by a few
 * percent around the report's own figures, so a comparison has samples to test.
 */
export function withRepeats(report: RunReport, count: number, seed: number): RunReport {
  const random = seededRandom(seed);
  const jitter = (value: number): number => Math.round(value * (0.97 + 0.06 * random()) * 1000) / 1000;
  const latency = (summary: RunReport['latencyMs']): RunReport['latencyMs'] => ({
    min: jitter(summary.min),
    mean: jitter(summary.mean),
    stdev: jitter(summary.stdev),
    p50: jitter(summary.p50),
    p90: jitter(summary.p90),
    p99: jitter(summary.p99),
    p999: jitter(summary.p999),
    max: jitter(summary.max),
  });
  const runs: RunSummary[] = Array.from({ length: count }, () => ({
    durationSec: report.durationSec,
    interrupted: false,
    requests: { ...report.requests },
    throughput: { requestsPerSec: jitter(report.throughput.requestsPerSec), bytesPerSec: jitter(report.throughput.bytesPerSec) },
    latencyMs: latency(report.latencyMs),
    connectMs: latency(report.connectMs),
    ttfbMs: latency(report.ttfbMs),
    handshakesPerRequest: report.handshakes.perRequest,
    cpu: { userSec: report.cpu.userSec, systemSec: report.cpu.systemSec },
  }));
  return { ...report, config: { ...report.config, runs: count }, runs };
}

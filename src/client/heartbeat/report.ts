// Builds the versioned report of a heartbeat run: a `run` report whose requests are heartbeats, plus `heartbeat`.

import type { LoadResult } from '../engine.js';
import { mergeEncoded } from '../../metrics/histogram.js';
import type { TimeWaitCount } from '../../metrics/kernel.js';
import type { MachineInfo, RunReport } from '../../report/schema.js';
import { buildRunReport } from '../../report/build.js';
import type { RunConfig, ServerStats } from '../../types.js';
import { TOOL } from '../../version.js';
import type { HeartbeatSection } from './analysis.js';
import type { HeartbeatOutcome, HeartbeatRunConfig } from './run.js';

/** Measurements taken around the run by the caller (they need the server and the host, not the clients). */
export interface HeartbeatSurroundings {
  readonly url: string;
  readonly embedded: boolean;
  readonly port: number;
  readonly label: string | null;
  readonly out: string | null;
  readonly json: boolean;
  readonly tcpKeepAliveMs: number;
  readonly kernel: { activeOpens: number; passiveOpens: number; scope: 'host' | 'namespace' } | null;
  readonly timeWait: TimeWaitCount | null;
  readonly serverDelta: ServerStats | null;
  readonly machine: MachineInfo;
}

/** The RunConfig a heartbeat run corresponds to: one connection per client, GET /heartbeat, closed loop. */
export function heartbeatRunConfig(config: HeartbeatRunConfig, s: HeartbeatSurroundings): RunConfig {
  return {
    mode: config.mode,
    engine: 'native',
    url: s.embedded ? null : s.url,
    serverMode: s.embedded ? 'keep-alive' : null,
    connections: config.clients,
    durationMs: config.durationMs,
    requests: null,
    warmupMs: 0,
    rate: null,
    timeoutMs: config.timeoutMs,
    method: 'GET',
    headers: [],
    body: null,
    pipelining: 1,
    label: s.label,
    out: s.out,
    json: s.json,
    progress: false,
    runs: 1,
  };
}

export function buildHeartbeatReport(
  config: HeartbeatRunConfig,
  outcome: HeartbeatOutcome,
  section: HeartbeatSection,
  s: HeartbeatSurroundings,
): RunReport {
  const fleets = outcome.stopFleet ? [...outcome.fleets, outcome.stopFleet] : outcome.fleets;
  const sum = (pick: (f: (typeof fleets)[number]) => number): number => fleets.reduce((acc, f) => acc + pick(f), 0);
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const f of fleets) {
    for (const [k, n] of Object.entries(f.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + n;
    for (const [k, n] of Object.entries(f.errors)) errors[k] = (errors[k] ?? 0) + n;
  }
  const rtt = mergeEncoded(fleets.map((f) => f.rttUs));
  const result: LoadResult = {
    engine: 'native',
    engineVersion: TOOL.version,
    httpVersionOnWire: config.mode,
    startedAtMs: outcome.startedAtMs,
    measuredUs: outcome.endUs - outcome.startUs,
    interrupted: outcome.interrupted,
    sent: sum((f) => f.sent),
    completed: sum((f) => f.answered),
    non2xx: sum((f) => f.non2xx),
    statusCodes,
    bytesIn: sum((f) => f.bytesIn),
    errors,
    connections: {
      opened: sum((f) => f.opened + f.preopened),
      closedByServer: sum((f) => f.closedByServer),
      closedByClient: sum((f) => f.closedByClient),
      reset: sum((f) => f.reset),
      maxOpen: sum((f) => f.maxOpen),
    },
    latency: rtt,
    connect: mergeEncoded(fleets.map((f) => f.connectUs)),
    // A heartbeat answer is one small segment: its first byte and its end arrive in the same read.
    ttfb: rtt,
    uncorrectedLatency: null,
    timeline: [],
    notes: [
      `heartbeat run: ${config.clients} clients, one GET /heartbeat every ${config.intervalMs} ms each, in ${outcome.processes} client process(es)`,
      'ttfbMs equals latencyMs: a heartbeat answer arrives in one read',
      'no per-second timeline for heartbeat runs',
      'cpu: the client processes over their whole life (setup included)',
    ],
    resolution: { latency: 'µs (hrtime)', connect: 'µs (hrtime)', ttfb: 'µs (hrtime; = latency)' },
  };
  const report = buildRunReport({
    config: heartbeatRunConfig(config, s),
    target: { url: s.url, embedded: s.embedded, serverMode: s.embedded ? 'keep-alive' : null, port: s.port },
    result,
    kernel: s.kernel,
    timeWait: s.timeWait,
    serverDelta: s.serverDelta,
    serverUsage: outcome.serverUsage ? { cpuSec: outcome.serverUsage.cpuSec, maxRssBytes: outcome.serverUsage.maxRssBytes } : null,
    clientCpu: { userSec: round6(sum((f) => f.cpuUserSec)), systemSec: round6(sum((f) => f.cpuSystemSec)) },
    machine: s.machine,
    notes: section.notes,
  });
  rtt.destroy();
  result.connect.destroy();
  report.config = {
    ...report.config,
    intervalMs: config.intervalMs,
    offline: config.offline,
    offlineMode: config.offlineMode,
    serverFailure: config.serverFailure,
    tcpKeepAliveMs: s.tcpKeepAliveMs,
    clientsPerProcess: config.clientsPerProcess,
  };
  report.coordinatedOmission = {
    corrected: false,
    method:
      'fixed schedule: each client beats once per interval at its own phase; a beat due while the previous one is unanswered ' +
      'is skipped (heartbeat.beats.skipped), and latency runs from the actual send',
  };
  report.heartbeat = section;
  return report;
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

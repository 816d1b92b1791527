// Builds the versioned report of a heartbeat run: a `run` report whose requests are heartbeats, plus `heartbeat`.

import type { HeartbeatOutcome, LoadResult, MachineInfo, ServerStats, TimeWaitCount, KernelDeltas } from '../measurements.js';
import { mergeEncoded } from '../metrics/histogram.js';
import { round6 } from '../numbers.js';
import type { HeartbeatConfig, RunConfig } from '../types.js';
import { TOOL } from '../version.js';
import { buildRunReport, type ResolvedTarget } from './build.js';
import { analyzeHeartbeat, type KeepAliveSysctls } from './heartbeat-analysis.js';
import type { PathObservation } from './path-section.js';
import type { RunReport } from './schema.js';

/** Everything observed around one heartbeat run; the runner fills it, the builder only arranges it. */
export interface HeartbeatRecord {
  readonly config: HeartbeatConfig;
  readonly target: ResolvedTarget;
  readonly outcome: HeartbeatOutcome;
  readonly kernel: KernelDeltas | null;
  readonly timeWait: TimeWaitCount | null;
  /** The embedded server's /stats delta over the run; null for --url. */
  readonly serverDelta: ServerStats | null;
  readonly keepAlive: KeepAliveSysctls | null;
  readonly machine: MachineInfo;
  /** Runner-side remarks. */
  readonly notes: readonly string[];
  /** `--rtt`: the emulated network path the beats crossed, as observed around the run; absent or null otherwise. */
  readonly path?: PathObservation | null;
}

/** The RunConfig a heartbeat run corresponds to: one connection per client, GET /heartbeat, closed loop. */
export function heartbeatRunConfig(config: HeartbeatConfig): RunConfig {
  const run = config.run;
  return {
    mode: run.mode,
    keepAlive: false,
    engine: 'native',
    url: config.url,
    serverMode: config.url === null ? 'keep-alive' : null,
    connections: run.clients,
    durationMs: run.durationMs,
    requests: null,
    warmupMs: 0,
    rate: null,
    timeoutMs: run.timeoutMs,
    method: 'GET',
    headers: [],
    body: null,
    pipelining: 1,
    label: config.label,
    runs: 1,
    capture: null,
    netns: false,
    tls: null,
    resolve: [],
    path: config.path ?? null,
  };
}

/** The report of a heartbeat run, built once from its record (histograms merged over every client process). */
export function buildHeartbeatReport(record: HeartbeatRecord): RunReport {
  const { config, outcome } = record;
  const run = config.run;
  const section = analyzeHeartbeat(run, config.tcpKeepAliveMs, outcome, record.keepAlive);
  const fleets = outcome.stopFleet ? [...outcome.fleets, outcome.stopFleet] : outcome.fleets;
  const sum = (pick: (f: (typeof fleets)[number]) => number): number => fleets.reduce((acc, f) => acc + pick(f), 0);
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const f of fleets) {
    for (const [k, n] of Object.entries(f.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + n;
    for (const [k, n] of Object.entries(f.errors)) errors[k] = (errors[k] ?? 0) + n;
  }
  const rtt = mergeEncoded(fleets.map((f) => f.rttUs));
  const connect = mergeEncoded(fleets.map((f) => f.connectUs));
  const result: LoadResult = {
    engine: 'native',
    engineVersion: TOOL.version,
    httpVersionOnWire: run.mode,
    startedAtMs: outcome.startedAtMs,
    measuredUs: outcome.endUs - outcome.startUs,
    interrupted: outcome.interrupted,
    sent: sum((f) => f.sent),
    completed: sum((f) => f.answered),
    non2xx: sum((f) => f.non2xx),
    statusCodes,
    bytesIn: sum((f) => f.bytesIn),
    errors,
    errorSamples: {},
    connections: {
      opened: sum((f) => f.opened + f.preopened),
      closedByServer: sum((f) => f.closedByServer),
      closedByClient: sum((f) => f.closedByClient),
      reset: sum((f) => f.reset),
      maxOpen: sum((f) => f.maxOpen),
      serverCloseLate: sum((f) => f.serverCloseLate),
    },
    resent: sum((f) => f.resent),
    // A beat still unanswered at the end waits out its deadline in its process; none is dropped unseen.
    abandoned: null,
    latency: rtt,
    connect,
    // A heartbeat answer is one small segment: its first byte and its end arrive in the same read.
    ttfb: rtt,
    uncorrectedLatency: null,
    sendLag: mergeEncoded(fleets.map((f) => f.sendLagUs)),
    tls: null,
    timeline: [],
    notes: [
      `heartbeat run: ${run.clients} clients, one GET /heartbeat every ${run.intervalMs} ms each, in ${outcome.processes} client process(es)`,
      'ttfbMs equals latencyMs: a heartbeat answer arrives in one read',
      'no per-second timeline for heartbeat runs',
      'cpu: the client processes over their whole life (setup included)',
    ],
    resolution: { latency: 'µs (hrtime)', connect: 'µs (hrtime)', ttfb: 'µs (hrtime; = latency)' },
  };
  const report = buildRunReport({
    config: heartbeatRunConfig(config),
    target: record.target,
    result,
    kernel: record.kernel,
    timeWait: record.timeWait,
    serverDelta: record.serverDelta,
    serverUsage: outcome.serverUsage ? { cpuSec: outcome.serverUsage.cpuSec, maxRssBytes: outcome.serverUsage.maxRssBytes } : null,
    clientCpu: { userSec: round6(sum((f) => f.cpuUserSec)), systemSec: round6(sum((f) => f.cpuSystemSec)) },
    machine: record.machine,
    wire: null,
    netnsUnavailable: null,
    heartbeat: section,
    notes: [...record.notes, ...section.notes],
    path: record.path ?? null,
  });
  rtt.destroy();
  connect.destroy();
  return report;
}

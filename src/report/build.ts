// Turns one run's measurements (engine result, kernel and server deltas, CPU, machine) into a RunReport.

import type { LoadResult } from '../client/engine.js';
import { encodeHistogram, summarizeMs } from '../metrics/histogram.js';
import type { TimeWaitCount } from '../metrics/kernel.js';
import { TOOL } from '../version.js';
import type { RunConfig, ServerMode, ServerStats } from '../types.js';
import {
  SCHEMA_VERSION,
  type ConfigReport,
  type FigureSource,
  type KernelHandshakes,
  type MachineInfo,
  type RunReport,
  type RunSummary,
} from './schema.js';

export interface ResolvedTarget {
  readonly url: string;
  readonly embedded: boolean;
  readonly serverMode: ServerMode | null;
  readonly port: number;
}

/** Everything measured around one engine run; the runner fills it, the builder only arranges it. */
export interface RunMeasurements {
  readonly config: RunConfig;
  readonly target: ResolvedTarget;
  readonly result: LoadResult;
  /** ActiveOpens/PassiveOpens deltas over the measured phase; null where /proc/net/snmp is unreadable. */
  readonly kernel: { activeOpens: number; passiveOpens: number; scope: 'host' | 'namespace' } | null;
  readonly timeWait: TimeWaitCount | null;
  /** Embedded server's /stats delta over the measured phase, probe traffic removed; null for other servers. */
  readonly serverDelta: ServerStats | null;
  readonly serverUsage: { cpuSec: number; maxRssBytes: number | null } | null;
  /** This process's CPU over the measured phase (the generator's cost). */
  readonly clientCpu: { userSec: number; systemSec: number };
  readonly machine: MachineInfo;
  /** Runner-side remarks (probe traffic, missing views); appended to the engine's notes. */
  readonly notes: readonly string[];
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

const HOST_SCOPE_NOTE =
  'Kernel counters are per network namespace: in the host namespace, connections opened by every other process ' +
  'during the measured phase are counted too (h1bench’s own /stats probes run outside it); run in a private namespace for exact counts.';

export function configReport(config: RunConfig): ConfigReport {
  return {
    mode: config.mode,
    engine: config.engine,
    url: config.url,
    serverMode: config.serverMode,
    connections: config.connections,
    durationMs: config.durationMs,
    requests: config.requests,
    warmupMs: config.warmupMs,
    rate: config.rate,
    timeoutMs: config.timeoutMs,
    method: config.method,
    headers: config.headers.map(([name, value]) => [name, value] as [string, string]),
    body: config.body,
    pipelining: config.pipelining,
    label: config.label,
    out: config.out,
    runs: config.runs,
    json: config.json,
    progress: config.progress,
  };
}

/** Failures without a response (socket errors, timeouts, parse errors); `HTTP_<status>` entries are non-2xx, counted apart. */
export function countFailures(errors: Record<string, number>): number {
  let total = 0;
  for (const [code, count] of Object.entries(errors)) if (!code.startsWith('HTTP_')) total += count;
  return total;
}

export function buildRunReport(m: RunMeasurements): RunReport {
  const { result, config, target } = m;
  const durationSec = round6(result.measuredUs / 1e6);
  const perSec = (count: number): number => (durationSec > 0 ? round3(count / durationSec) : 0);
  const connections = result.connections ?? { opened: 0, closedByServer: 0, closedByClient: 0, reset: 0, maxOpen: 0 };
  const server = m.serverDelta ? m.serverDelta.connectionsAccepted : null;
  const kernel: KernelHandshakes | null = m.kernel
    ? { ...m.kernel, note: m.kernel.scope === 'host' ? HOST_SCOPE_NOTE : 'Private network namespace: only this run is counted.' }
    : null;
  // Prefer the most direct count available: the client's own, then the server's, then the kernel's.
  const handshakes = result.connections?.opened ?? server ?? kernel?.activeOpens ?? 0;
  const cpuTotal = m.clientCpu.userSec + m.clientCpu.systemSec;
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    tool: { name: TOOL.name, version: TOOL.version },
    label: config.label,
    startedAt: new Date(result.startedAtMs).toISOString(),
    durationSec,
    interrupted: result.interrupted,
    config: configReport(config),
    target: { url: target.url, embedded: target.embedded, serverMode: target.serverMode },
    engine: {
      name: result.engine,
      version: result.engineVersion,
      httpVersionOnWire: result.httpVersionOnWire,
      notes: [...result.notes],
    },
    machine: m.machine,
    requests: {
      sent: result.sent,
      completed: result.completed,
      errors: countFailures(result.errors),
      non2xx: result.non2xx,
      statusCodes: { ...result.statusCodes },
    },
    throughput: { requestsPerSec: perSec(result.completed), bytesPerSec: perSec(result.bytesIn) },
    latencyMs: summarizeMs(result.latency),
    uncorrectedLatencyMs: result.uncorrectedLatency ? summarizeMs(result.uncorrectedLatency) : null,
    connectMs: summarizeMs(result.connect),
    ttfbMs: summarizeMs(result.ttfb),
    connections: { ...connections },
    handshakes: {
      client: result.connections ? result.connections.opened : null,
      server,
      kernel,
      perRequest: result.completed > 0 ? round6(handshakes / result.completed) : 0,
    },
    timeWait: { serverSide: m.timeWait?.serverSide ?? 0, clientSide: m.timeWait?.clientSide ?? 0, port: target.port },
    errors: { ...result.errors },
    timeline: result.timeline.map((point) => ({ ...point })),
    histograms: {
      latencyUs: encodeHistogram(result.latency),
      connectUs: encodeHistogram(result.connect),
      ttfbUs: encodeHistogram(result.ttfb),
      uncorrectedLatencyUs: result.uncorrectedLatency ? encodeHistogram(result.uncorrectedLatency) : null,
    },
    coordinatedOmission: coordinatedOmission(config.rate),
    server: {
      statsDelta: m.serverDelta,
      cpuSec: m.serverUsage ? round6(m.serverUsage.cpuSec) : null,
      maxRssBytes: m.serverUsage?.maxRssBytes ?? null,
    },
    cpu: {
      userSec: m.clientCpu.userSec,
      systemSec: m.clientCpu.systemSec,
      perHundredKRequestsSec: result.completed > 0 ? round6((cpuTotal / result.completed) * 100_000) : null,
    },
    sources: sources(m),
    notes: [...result.notes, ...m.notes],
  };
}

export function coordinatedOmission(rate: number | null): RunReport['coordinatedOmission'] {
  return rate === null
    ? {
        corrected: false,
        method:
          'closed loop: each connection sends its next request when the previous response arrives, so latency is ' +
          'not corrected for coordinated omission; use --rate for an open-loop run',
      }
    : {
        corrected: true,
        method:
          `open loop at ${rate} req/s (wrk2 method): latency runs from each request's intended send time; ` +
          'uncorrectedLatencyMs keeps latency from the actual send time',
      };
}

function sources(m: RunMeasurements): Record<string, FigureSource> {
  const engine = m.result.engine;
  const resolution = m.result.resolution;
  const client = (res: string, note?: string): FigureSource =>
    note === undefined ? { source: 'client', resolution: res } : { source: 'client', resolution: res, note };
  const out: Record<string, FigureSource> = {
    requests: client('count', `${engine} engine`),
    throughput: client('count / measured phase (µs clock)'),
    latencyMs: client(resolution.latency, 'hdr-histogram, 3 significant digits'),
    connectMs: client(resolution.connect, 'connect() to the connect event, only for requests that opened a connection'),
    ttfbMs: client(resolution.ttfb),
    connections: client('count', m.result.connections ? undefined : `the ${engine} engine cannot count connections; zeros`),
    'handshakes.client': client('count'),
    'handshakes.kernel': {
      source: 'kernel',
      resolution: 'count',
      note: m.kernel ? '/proc/net/snmp Tcp: ActiveOpens/PassiveOpens delta over the measured phase' : 'unavailable: /proc/net/snmp unreadable',
    },
    timeWait: {
      source: 'kernel',
      resolution: 'count',
      note:
        '/proc/net/tcp and tcp6 at the end of the run: TIME_WAIT sockets of the target port (serverSide: local port, ' +
        'clientSide: remote port); a snapshot, so it includes warm-up and earlier runs within the last 60 s, and it can be ' +
        'lower than the closes when a new connection on the same address pair takes over a TIME_WAIT socket (RFC 6191)',
    },
    cpu: client('µs (process.cpuUsage)', 'this process over the measured phase'),
  };
  if (m.serverDelta) {
    out['handshakes.server'] = { source: 'server', resolution: 'count', note: 'embedded server /stats delta, h1bench probe requests removed' };
  }
  if (m.serverUsage) {
    out['server.cpuSec'] = { source: 'kernel', resolution: '10 ms (/proc/<pid>/stat)', note: 'embedded server process' };
  }
  return out;
}

/** A run's headline figures, as kept in `runs[]` for repeated runs. */
export function summarizeRun(report: RunReport): RunSummary {
  return {
    durationSec: report.durationSec,
    interrupted: report.interrupted,
    requests: { ...report.requests, statusCodes: { ...report.requests.statusCodes } },
    throughput: { ...report.throughput },
    latencyMs: { ...report.latencyMs },
    connectMs: { ...report.connectMs },
    ttfbMs: { ...report.ttfbMs },
    handshakesPerRequest: report.handshakes.perRequest,
    cpu: { userSec: report.cpu.userSec, systemSec: report.cpu.systemSec },
  };
}

// Builds a RunReport once, from the complete record of what one run observed; nothing edits a report afterwards.

import type { KernelDeltas, LoadResult, MachineInfo, ServerStats, TimeWaitCount, WireCounts } from '../measurements.js';
import { encodeHistogram, summarizeMs } from '../metrics/histogram.js';
import type { LatencySummary } from '../measurements.js';
import { round3, round6 } from '../numbers.js';
import type { RunConfig, ServerMode } from '../types.js';
import { TOOL } from '../version.js';
import { buildPathSection, type PathObservation } from './path-section.js';
import {
  SCHEMA_VERSION,
  type ConfigReport,
  type FigureSource,
  type HeartbeatSection,
  type KernelHandshakes,
  type RunReport,
  type RunSummary,
} from './schema.js';

/** The target as loaded: the URL, whether h1bench started it, and the port whose TIME_WAIT sockets are counted. */
export interface ResolvedTarget {
  readonly url: string;
  readonly embedded: boolean;
  readonly serverMode: ServerMode | null;
  readonly port: number;
  /** The address loaded (the first that accepted the probe) and its family; absent where nothing was resolved. */
  readonly address?: string;
  readonly family?: 4 | 6;
  readonly resolved?: NonNullable<RunReport['target']['resolved']>;
}

/**
 * Everything observed around one measured phase; the runner fills it, the builder only arranges it. Views that
 * were not available are null (the report then says why, in `sources` and `notes`).
 */
export interface RunRecord {
  readonly config: RunConfig;
  readonly target: ResolvedTarget;
  readonly result: LoadResult;
  /** ActiveOpens/PassiveOpens deltas over the measured phase; null where /proc/net/snmp is unreadable. */
  readonly kernel: KernelDeltas | null;
  readonly timeWait: TimeWaitCount | null;
  /** Embedded server's /stats delta over the measured phase, probe traffic removed; null for other servers. */
  readonly serverDelta: ServerStats | null;
  readonly serverUsage: { cpuSec: number; maxRssBytes: number | null } | null;
  /** The load generator's CPU over the measured phase. */
  readonly clientCpu: { userSec: number; systemSec: number };
  readonly machine: MachineInfo;
  /** `--capture`: what the packet capture of the measured phase showed; null without a capture. */
  readonly wire: WireCounts | null;
  /** `--netns` asked for but not possible here (not root, no iproute2): the reason; null otherwise. */
  readonly netnsUnavailable: string | null;
  /** `bench heartbeat`: the failure detector's section; null for a load run. */
  readonly heartbeat: HeartbeatSection | null;
  /** Runner-side remarks (probe traffic, missing views); appended to the engine's notes. */
  readonly notes: readonly string[];
  /** `--start-at`: how late (ms) the measured phase began after its planned instant; absent or null without it. */
  readonly startSkewMs?: number | null;
  /** `--rtt`: the emulated network path the load crossed, as observed around the measured phase; absent or null otherwise. */
  readonly path?: PathObservation | null;
}

const HOST_SCOPE_NOTE =
  'Kernel counters are per network namespace: in the host namespace, connections opened by every other process ' +
  'during the measured phase are counted too (h1bench’s own /stats probes run outside it); run in a private namespace for exact counts.';

/** The report's `config`: the run's validated options. */
export function configReport(config: RunConfig): ConfigReport {
  return {
    mode: config.mode,
    keepAlive: config.keepAlive,
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
    runs: config.runs,
    capture: config.capture,
    netns: config.netns,
    tls:
      config.tls === null
        ? null
        : {
            caFile: config.tls.caFile,
            certFile: config.tls.certFile,
            keyFile: config.tls.keyFile,
            insecure: config.tls.insecure,
            servername: config.tls.servername,
            resume: config.tls.resume,
            maxVersion: config.tls.maxVersion,
          },
    resolve: config.resolve.map((pin) => ({ host: pin.host, port: pin.port, addresses: [...pin.addresses] })),
    // Scale-out and path options appear only when given, so an ordinary run's config reads as before.
    ...((config.workers ?? 1) > 1 ? { workers: config.workers } : {}),
    ...((config.serverWorkers ?? 1) > 1 ? { serverWorkers: config.serverWorkers } : {}),
    ...(config.source ? { source: [...config.source] } : {}),
    ...(config.shard ? { shard: { index: config.shard.index, count: config.shard.count } } : {}),
    ...(config.startAtMs != null ? { startAt: new Date(config.startAtMs).toISOString() } : {}),
    ...(config.path ? { path: { ...config.path } } : {}),
  };
}

/** The report's `target`: what was named, what was resolved, what was loaded, and the TLS seen. */
function targetReport(target: ResolvedTarget, result: LoadResult): RunReport['target'] {
  const out: RunReport['target'] = { url: target.url, embedded: target.embedded, serverMode: target.serverMode };
  if (target.address !== undefined) out.address = target.address;
  if (target.family !== undefined) out.family = target.family;
  if (target.resolved !== undefined) out.resolved = structuredClone(target.resolved);
  if (result.tls !== null) out.tls = result.tls.session === null ? null : { ...result.tls.session };
  return out;
}

/** Failures without a response (socket errors, timeouts, parse errors); `HTTP_<status>` entries are non-2xx, counted apart. */
export function countFailures(errors: Record<string, number>): number {
  let total = 0;
  for (const [code, count] of Object.entries(errors)) if (!code.startsWith('HTTP_')) total += count;
  return total;
}

function kernelHandshakes(record: RunRecord): KernelHandshakes | null {
  if (record.kernel === null) return null;
  let note = record.kernel.scope === 'host' ? HOST_SCOPE_NOTE : 'Private network namespace: only this run is counted.';
  if (record.netnsUnavailable !== null) note = `${netnsUnavailableNote(record.netnsUnavailable)}. ${note}`;
  return { ...record.kernel, note };
}

function netnsUnavailableNote(reason: string): string {
  return `--netns was requested but not possible (${reason}); the run used the host namespace, so kernel counts include other processes`;
}

/** Build the report of one run from its complete record (pure: the record is not modified). */
export function buildRunReport(record: RunRecord): RunReport {
  const { result, config, target } = record;
  const durationSec = round6(result.measuredUs / 1e6);
  const perSec = (count: number): number => (durationSec > 0 ? round3(count / durationSec) : 0);
  const connections = result.connections ?? { opened: 0, closedByServer: 0, closedByClient: 0, reset: 0, maxOpen: 0, serverCloseLate: null };
  const latencyMs = summarizeMs(result.latency);
  const uncorrectedLatencyMs = result.uncorrectedLatency ? summarizeMs(result.uncorrectedLatency) : null;
  const sendLagMs = result.sendLag ? summarizeMs(result.sendLag) : null;
  const server = record.serverDelta ? record.serverDelta.connectionsAccepted : null;
  const kernel = kernelHandshakes(record);
  // Prefer the most direct count available: the client's own, then the server's, then the kernel's.
  const handshakes = result.connections?.opened ?? server ?? kernel?.activeOpens ?? 0;
  const cpuTotal = record.clientCpu.userSec + record.clientCpu.systemSec;
  const report: RunReport = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    tool: { name: TOOL.name, version: TOOL.version },
    label: config.label,
    startedAt: new Date(result.startedAtMs).toISOString(),
    durationSec,
    interrupted: result.interrupted,
    config: configReport(config),
    target: targetReport(target, result),
    engine: {
      name: result.engine,
      version: result.engineVersion,
      httpVersionOnWire: result.httpVersionOnWire,
      notes: [...result.notes],
    },
    machine: record.machine,
    requests: {
      sent: result.sent,
      completed: result.completed,
      errors: countFailures(result.errors),
      non2xx: result.non2xx,
      statusCodes: { ...result.statusCodes },
      resent: result.resent,
      abandoned: result.abandoned,
    },
    throughput: { requestsPerSec: perSec(result.completed), bytesPerSec: perSec(result.bytesIn) },
    latencyMs,
    uncorrectedLatencyMs,
    sendLagMs,
    connectMs: summarizeMs(result.connect),
    ttfbMs: summarizeMs(result.ttfb),
    connections: { ...connections },
    handshakes: {
      client: result.connections ? result.connections.opened : null,
      server,
      kernel,
      perRequest: result.completed > 0 ? round6(handshakes / result.completed) : 0,
    },
    timeWait: { serverSide: record.timeWait?.serverSide ?? 0, clientSide: record.timeWait?.clientSide ?? 0, port: target.port },
    errors: { ...result.errors },
    errorSamples: structuredClone(result.errorSamples),
    timeline: result.timeline.map((point) => ({ ...point })),
    histograms: {
      latencyUs: encodeHistogram(result.latency),
      connectUs: encodeHistogram(result.connect),
      ttfbUs: encodeHistogram(result.ttfb),
      uncorrectedLatencyUs: result.uncorrectedLatency ? encodeHistogram(result.uncorrectedLatency) : null,
      sendLagUs: result.sendLag ? encodeHistogram(result.sendLag) : null,
    },
    coordinatedOmission: record.heartbeat ? HEARTBEAT_SCHEDULE : coordinatedOmission(config.rate),
    server: {
      statsDelta: record.serverDelta,
      cpuSec: record.serverUsage ? round6(record.serverUsage.cpuSec) : null,
      maxRssBytes: record.serverUsage?.maxRssBytes ?? null,
    },
    cpu: {
      userSec: record.clientCpu.userSec,
      systemSec: record.clientCpu.systemSec,
      perHundredKRequestsSec: result.completed > 0 ? round6((cpuTotal / result.completed) * 100_000) : null,
    },
    sources: sources(record),
    notes: [
      ...result.notes,
      ...(record.heartbeat === null ? sendLagNotes(sendLagMs, uncorrectedLatencyMs ?? latencyMs) : []),
      ...record.notes,
      ...wireNotes(record.wire),
      ...(record.netnsUnavailable !== null ? [netnsUnavailableNote(record.netnsUnavailable)] : []),
    ],
  };
  if (record.wire !== null) {
    report.handshakes.wire = record.wire.handshakes;
    report.teardowns = { wire: { ...record.wire.teardowns } };
    report.wire = structuredClone(record.wire.section);
  }
  if (result.tls !== null) {
    report.tlsMs = summarizeMs(result.tls.handshake);
    report.handshakes.tls = { ...result.tls.counts };
    report.histograms.tlsUs = encodeHistogram(result.tls.handshake);
  }
  if (record.heartbeat !== null) report.heartbeat = record.heartbeat;
  report.workers = config.workers ?? 1;
  if (result.perWorker !== undefined) report.perWorker = result.perWorker.map((share) => ({ ...share, cpu: { ...share.cpu } }));
  if (config.shard) report.shard = { index: config.shard.index, count: config.shard.count, host: record.machine.hostname };
  if (record.startSkewMs != null) report.startSkewMs = record.startSkewMs;
  if (record.path) {
    report.path = buildPathSection(record.path, { mode: config.mode, latencyMs: report.latencyMs, connectMs: report.connectMs });
    report.notes.push(pathNote(record.path));
  }
  return report;
}

/** The one top-level line a path run carries; the figures are in `path` (one per run, so merged reports keep one). */
function pathNote(path: PathObservation): string {
  return (
    `measured across an emulated network path (${path.impl}, ${path.configured.rttMs} ms RTT configured): generator and server in two ` +
    'namespaces; see path.model for the latency beside the round-trip model and path.notes for what the path added'
  );
}

const HEARTBEAT_SCHEDULE: RunReport['coordinatedOmission'] = {
  corrected: false,
  method:
    'fixed schedule: each client beats once per interval at its own phase; a beat due while the previous one is unanswered ' +
    'is skipped (heartbeat.beats.skipped), and latency runs from the actual send',
};

/** How latency relates to the send schedule: closed loop, or the wrk2 correction at a constant rate. */
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

/** Send lag (p50) that is this large a share of the latency (p50) gets a note: the figure is not the server's alone. */
const SEND_LAG_NOTE_SHARE = 0.25;

/**
 * Open loop: corrected latency includes how late each request went out. When that lag is large against the latency
 * itself, say so: below capacity it is the generator's own (timers, a busy machine), with every connection busy a
 * backlog, which is what the correction is for.
 */
export function sendLagNotes(sendLagMs: LatencySummary | null, servedMs: LatencySummary): string[] {
  if (sendLagMs === null || sendLagMs.max === 0) return [];
  if (sendLagMs.p50 < servedMs.p50 * SEND_LAG_NOTE_SHARE && sendLagMs.p99 < Math.max(servedMs.p99, 1)) return [];
  return [
    `requests went out late against their intended send times (sendLagMs p50 ${sendLagMs.p50} ms, p99 ${sendLagMs.p99} ms, ` +
      `against a latency p50 of ${servedMs.p50} ms from the actual send): the corrected latency includes that lag. With ` +
      'a connection free, it is the generator\'s own lateness (a busy machine); with every connection busy, a backlog.',
  ];
}

/** Caveats of a capture: drops, an unconfirmed flush, connections it saw only in part. */
function wireNotes(wire: WireCounts | null): string[] {
  if (wire === null) return [];
  const section = wire.section;
  const notes: string[] = [];
  if (section.droppedByKernel) {
    notes.push(`tcpdump dropped ${section.droppedByKernel} packet(s) (capture ring full): wire counts are a lower bound`);
  }
  if (!section.flushed) notes.push('tcpdump did not confirm its flush: the last packets of the capture may be missing');
  if (section.stillOpen > 0) {
    notes.push(`${section.stillOpen} captured connection(s) had not closed when the capture stopped: not in teardowns.wire`);
  }
  if (section.preexisting > 0) {
    notes.push(`${section.preexisting} connection(s) were already open when the capture started (warm-up or probes): not counted on the wire`);
  }
  return notes;
}

function sources(record: RunRecord): Record<string, FigureSource> {
  const engine = record.result.engine;
  const resolution = record.result.resolution;
  const client = (res: string, note?: string): FigureSource =>
    note === undefined ? { source: 'client', resolution: res } : { source: 'client', resolution: res, note };
  const out: Record<string, FigureSource> = {
    requests: client('count', `${engine} engine`),
    throughput: client('count / measured phase (µs clock)'),
    latencyMs: client(resolution.latency, 'hdr-histogram, 3 significant digits'),
    connectMs: client(resolution.connect, 'connect() to the connect event, only for requests that opened a connection'),
    ttfbMs: client(resolution.ttfb),
    connections: client('count', record.result.connections ? undefined : `the ${engine} engine cannot count connections; zeros`),
    'handshakes.client': client('count'),
    'handshakes.kernel': {
      source: 'kernel',
      resolution: 'count',
      note: record.kernel ? '/proc/net/snmp Tcp: ActiveOpens/PassiveOpens delta over the measured phase' : 'unavailable: /proc/net/snmp unreadable',
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
  if (record.serverDelta) {
    out['handshakes.server'] = { source: 'server', resolution: 'count', note: 'embedded server /stats delta, h1bench probe requests removed' };
    if (record.serverDelta.tlsHandshakes !== null) {
      out['server.statsDelta.tlsHandshakes'] = {
        source: 'server',
        resolution: 'count',
        note: "embedded server /stats delta: secureConnection events by isSessionReused(), tlsClientError as failed; h1bench's /stats probe removed",
      };
    }
  }
  if (record.target.resolved !== undefined) {
    out['target.address'] = {
      source: 'client',
      resolution: 'one lookup, ms',
      note: 'the host resolved once before the warm-up (getaddrinfo order, or --resolve); the first address that accepted a probe TCP connect is the one loaded',
    };
  }
  const tls = record.result.tls;
  if (tls !== null) {
    out.tlsMs = client(tls.resolution, 'TCP connect to the TLS secure event (ClientHello to Finished), only for requests that opened a connection');
    out['handshakes.tls'] = client('count', 'per completed TLS handshake: resumed when TLSSocket.isSessionReused(), else full');
    out['target.tls'] = client('first connection', 'TLSSocket getProtocol(), getCipher().name, alpnProtocol');
  }
  if (record.serverUsage) {
    out['server.cpuSec'] = { source: 'kernel', resolution: '10 ms (/proc/<pid>/stat)', note: 'embedded server process, with --server-workers its worker processes too' };
  }
  if (record.path) {
    out['path.measured'] = {
      source: 'path',
      resolution: 'µs',
      note: 'echo probes from the client namespace to the server end before the first run: ICMP answered by the server end’s kernel, timed by kernel timestamps (method icmp), or a Node UDP echo at each end where ping is missing (method udp)',
    };
    out['path.tcp'] = {
      source: 'kernel',
      resolution: 'count',
      note: '/proc/net/snmp and /proc/net/netstat of each end’s namespace (the server’s read through /proc/<server pid>/net) over the measured phase: only this run lives there',
    };
    out['path.relay'] = { source: 'path', resolution: 'count; CPU 10 ms (/proc) for the bridges', note: 'the delay line relay’s own counters over the measured phase; null for netem' };
    out.timeWait = {
      source: 'kernel',
      resolution: 'count',
      note:
        'TIME_WAIT sockets of the target port at the end of the run: serverSide from the server namespace (/proc/<server pid>/net/tcp{,6}), ' +
        'clientSide from the client namespace; a snapshot, so it includes warm-up and earlier runs within the last 60 s',
    };
  }
  if (record.wire !== null) {
    out['handshakes.wire'] = {
      source: 'wire',
      resolution: 'count',
      note: `tcpdump -i ${record.path ? 'any (in the client namespace)' : 'lo'} capture of the measured phase (${record.wire.section.files.join(', ')}): connections whose SYN, SYN-ACK and ACK were all seen`,
    };
    out['teardowns.wire'] = {
      source: 'wire',
      resolution: 'count',
      note: 'per connection opened in the capture: whose FIN came first, or reset when an RST came before any FIN',
    };
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
    serverCpuSec: report.server.cpuSec,
    ...(report.tlsMs !== undefined ? { tlsMs: { ...report.tlsMs } } : {}),
    ...(report.handshakes.tls !== undefined ? { tlsHandshakes: { ...report.handshakes.tls } } : {}),
  };
}

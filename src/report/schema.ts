// The versioned report schema, defined once with TypeBox: the TypeScript types below and the published JSON Schema
// (schema/report-v1.json, written by `npm run schema`) both come from these definitions.

import { Type, type Static } from '@sinclair/typebox';
import {
  closedObject,
  ConnectionCounters,
  Counts,
  ErrorSamples,
  LatencySummary,
  MachineInfo,
  Nullable,
  ServerStats,
  Teardowns,
  TimelinePoint,
  TlsClientHandshakes,
  TlsSessionInfo,
  WireSection,
  WorkerShare,
} from '../measurements.js';

/** The only schema version this build reads and writes; readers refuse any other (H1B_REPORT_SCHEMA). */
export const SCHEMA_VERSION = 1 as const;

const ClientModeSchema = Type.Union([Type.Literal('1.0'), Type.Literal('1.1'), Type.Literal('pipeline')]);
const ServerModeSchema = Type.Union([Type.Literal('close'), Type.Literal('keep-alive')]);
const EngineSchema = Type.Union([Type.Literal('native'), Type.Literal('undici'), Type.Literal('autocannon')]);
const Tool = closedObject({ name: Type.Literal('h1bench'), version: Type.String() });

/** The fields every report starts with: what wrote it, when, for how long, and whether it was cut short. */
const identity = {
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  tool: Tool,
  label: Nullable(Type.String()),
  startedAt: Type.String({ description: 'ISO 8601, UTC' }),
  durationSec: Type.Number(),
  /** Stopped by SIGINT/SIGTERM: figures up to that moment. */
  interrupted: Type.Boolean(),
};

/** Kernel handshake counters over the measured phase, with the scope that says how exact they are. */
export const KernelHandshakes = closedObject({
  /** `/proc/net/snmp` Tcp: ActiveOpens delta (connect() calls that sent a SYN). */
  activeOpens: Type.Number(),
  /** Tcp: PassiveOpens delta (SYNs accepted by listeners). */
  passiveOpens: Type.Number(),
  /** `host`: every process in this namespace is counted; `namespace`: only this run. */
  scope: Type.Union([Type.Literal('host'), Type.Literal('namespace')]),
  note: Type.String(),
});
export type KernelHandshakes = Static<typeof KernelHandshakes>;

/** `--rtt` and friends as validated: the emulated network path asked for (`impl` may say auto; `path.impl` says what ran). */
export const PathConfigReport = closedObject({
  rttMs: Type.Number({ minimum: 0 }),
  jitterMs: Type.Number({ minimum: 0 }),
  lossPct: Type.Number({ minimum: 0 }),
  bandwidthBitsPerSec: Nullable(Type.Integer({ minimum: 1 })),
  impl: Type.Union([Type.Literal('auto'), Type.Literal('netem'), Type.Literal('delay-line')]),
  priority: Type.Union([Type.Literal('nice'), Type.Literal('realtime')]),
  /** The delay line's loss and jitter seed; null = drawn fresh. */
  seed: Nullable(Type.Integer({ minimum: 0 })),
});
export type PathConfigReport = Static<typeof PathConfigReport>;

/** Every option of the run as validated (what to measure; output options are not part of a measurement). */
export const ConfigReport = closedObject({
  mode: ClientModeSchema,
  /** `--mode 1.0 --keep-alive`: HTTP/1.0 requests with `Connection: keep-alive`; absent in reports written before it. */
  keepAlive: Type.Optional(Type.Boolean()),
  engine: EngineSchema,
  url: Nullable(Type.String()),
  serverMode: Nullable(ServerModeSchema),
  connections: Type.Integer({ minimum: 1 }),
  durationMs: Type.Number(),
  requests: Nullable(Type.Integer({ minimum: 1 })),
  warmupMs: Type.Number(),
  rate: Nullable(Type.Number()),
  timeoutMs: Type.Number(),
  method: Type.String(),
  headers: Type.Array(Type.Tuple([Type.String(), Type.String()])),
  body: Nullable(Type.String()),
  pipelining: Type.Integer({ minimum: 1 }),
  label: Nullable(Type.String()),
  runs: Type.Integer({ minimum: 1 }),
  capture: Nullable(Type.String()),
  netns: Type.Boolean(),
  /** TLS client options (file names, not contents); null for a plain target. Absent in reports before TLS. */
  tls: Type.Optional(
    Nullable(
      closedObject({
        caFile: Nullable(Type.String()),
        certFile: Nullable(Type.String()),
        keyFile: Nullable(Type.String()),
        insecure: Type.Boolean(),
        servername: Nullable(Type.String()),
        resume: Type.Boolean(),
        maxVersion: Type.Union([Type.Literal('TLSv1.2'), Type.Literal('TLSv1.3')]),
      }),
    ),
  ),
  /** `--resolve` pins. Absent in reports before they existed. */
  resolve: Type.Optional(Type.Array(closedObject({ host: Type.String(), port: Type.Integer(), addresses: Type.Array(Type.String()) }))),
  /** `--workers N`, present when N > 1. */
  workers: Type.Optional(Type.Integer({ minimum: 2 })),
  /** `--server-workers N` (embedded server processes), present when N > 1. */
  serverWorkers: Type.Optional(Type.Integer({ minimum: 2 })),
  /** `--source`: the local addresses connections bound to, ranges expanded; present when given. */
  source: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
  /** `--shard I/N`, present when given; connections, requests and rate above are then this shard's share. */
  shard: Type.Optional(closedObject({ index: Type.Integer({ minimum: 0 }), count: Type.Integer({ minimum: 1 }) })),
  /** `--start-at`, ISO 8601 UTC; present when given. */
  startAt: Type.Optional(Type.String()),
  /** Present when the run crossed an emulated network path (--rtt). */
  path: Type.Optional(PathConfigReport),
});
export type ConfigReport = Static<typeof ConfigReport>;

/** Where a figure comes from and at what resolution (engines differ). */
export const FigureSource = closedObject({
  source: Type.Union([Type.Literal('client'), Type.Literal('server'), Type.Literal('kernel'), Type.Literal('wire'), Type.Literal('path')]),
  resolution: Type.String(),
  note: Type.Optional(Type.String()),
});
export type FigureSource = Static<typeof FigureSource>;

const RequestCounts = closedObject({
  sent: Type.Number(),
  completed: Type.Number(),
  /** Failures without a response (H1B_* codes); non-2xx answers are counted in non2xx, not here. */
  errors: Type.Number(),
  non2xx: Type.Number(),
  statusCodes: Counts,
  /**
   * Requests sent again on a new connection because the server closed theirs before answering (after a response
   * that announced the close, or an idle close racing them); null where the engine cannot see it. Absent in reports
   * written before it existed.
   */
  resent: Type.Optional(Nullable(Type.Number())),
  /** Requests still unanswered when the load ended: neither completed nor errors; null where unknown. */
  abandoned: Type.Optional(Nullable(Type.Number())),
});
const Throughput = closedObject({ requestsPerSec: Type.Number(), bytesPerSec: Type.Number() });
const CpuSeconds = closedObject({ userSec: Type.Number(), systemSec: Type.Number() });

/** One run's headline figures: what `runs[]` holds for repeated runs. */
export const RunSummary = closedObject({
  durationSec: Type.Number(),
  interrupted: Type.Boolean(),
  requests: RequestCounts,
  throughput: Throughput,
  latencyMs: LatencySummary,
  connectMs: LatencySummary,
  ttfbMs: LatencySummary,
  handshakesPerRequest: Type.Number(),
  cpu: CpuSeconds,
  /** The embedded server's CPU (s) in this run; null for other servers; absent in reports written before it existed. */
  serverCpuSec: Type.Optional(Nullable(Type.Number())),
  /** HTTPS only: TLS handshake time of the connections opened. */
  tlsMs: Type.Optional(LatencySummary),
  /** HTTPS only: the client's handshakes by kind. */
  tlsHandshakes: Type.Optional(TlsClientHandshakes),
});
export type RunSummary = Static<typeof RunSummary>;

const Distribution = closedObject({ p50: Type.Number(), p99: Type.Number(), max: Type.Number() });
export type DistributionMs = Static<typeof Distribution>;

/** The `heartbeat` section of a `bench heartbeat` report: the failure detector's figures and what it cost. */
export const HeartbeatSection = closedObject({
  clients: Type.Integer({ minimum: 1 }),
  intervalMs: Type.Number(),
  timeoutMs: Type.Number(),
  mode: Type.Union([Type.Literal('1.0'), Type.Literal('1.1')]),
  /** The injection as asked for (its mode applies only when `offline` > 0). */
  settings: closedObject({
    offline: Type.Integer({ minimum: 0 }),
    offlineMode: Type.Union([Type.Literal('freeze'), Type.Literal('stop'), Type.Literal('close'), Type.Literal('reset')]),
    serverFailure: Nullable(Type.Literal('stop')),
    tcpKeepAliveMs: Type.Number(),
    clientsPerProcess: Type.Integer({ minimum: 1 }),
  }),
  /** How the injected clients went offline; null when none was. */
  offlineMode: Nullable(Type.Union([Type.Literal('freeze'), Type.Literal('stop'), Type.Literal('close'), Type.Literal('reset')])),
  offlineInjected: Type.Number(),
  detected: Type.Number(),
  missed: Type.Number(),
  falsePositives: Type.Number(),
  /** Injection → the server's offline verdict. */
  detectionMs: Nullable(Distribution),
  serverDownDetectedMs: Nullable(closedObject({ p50: Type.Number(), p99: Type.Number(), max: Type.Number(), noticedBy: Type.Number() })),
  heartbeatRttMs: LatencySummary,
  handshakes: closedObject({ total: Type.Number(), perSecond: Type.Number() }),
  bytesPerSec: Type.Number(),
  server: closedObject({
    cpuSec: Nullable(Type.Number()),
    maxRssBytes: Nullable(Type.Number()),
    cpuSecPerThousandClients: Nullable(Type.Number()),
    rssBytesPerThousandClients: Nullable(Type.Number()),
  }),
  tcpKeepAlive: Nullable(closedObject({ delayMs: Type.Number(), detected: Type.Number() })),
  durationSec: Type.Number(),
  processes: Type.Integer({ minimum: 1 }),
  /** Connections opened by the warm-up beat before the run (1.1: the keep-alive connections). */
  preopenedConnections: Type.Number(),
  beats: closedObject({ sent: Type.Number(), answered: Type.Number(), skipped: Type.Number(), timeouts: Type.Number(), non2xx: Type.Number() }),
  errors: Counts,
  /** Victims whose verdict came within timeout + interval of the injection. */
  detectedWithinBudget: Type.Number(),
  detectionBudgetMs: Type.Number(),
  /** For close/reset: from the injection to the server seeing the FIN/RST. */
  connectionEndSeenMs: Nullable(Distribution),
  serverDownMissed: Type.Number(),
  /** Client timeouts while the server was up: the clients' own false alarms. */
  clientFalseAlarms: Type.Number(),
  connectMs: LatencySummary,
  /** How late the clients' beats left against schedule. */
  sendLagMs: LatencySummary,
  serverCpuCoreShare: Nullable(Type.Number()),
  serverBaselineRssBytes: Nullable(Type.Number()),
  pollFailures: Type.Number(),
  notes: Type.Array(Type.String()),
});
export type HeartbeatSection = Static<typeof HeartbeatSection>;

/** One shard of a merged report (`bench merge`): where and when it ran, and its own headline figures. */
export const ShardSummary = closedObject({
  index: Type.Integer({ minimum: 0 }),
  /** The host name the shard ran on (its pod's name under Kubernetes). */
  host: Type.String(),
  /** The shard's measured phase began, ISO 8601 UTC. */
  startedAt: Type.String(),
  /** How late the shard's measured phase began after its planned instant (--start-at); null without --start-at. */
  startSkewMs: Nullable(Type.Number()),
  /** Generator threads of the shard (--workers). */
  workers: Type.Integer({ minimum: 1 }),
  summary: RunSummary,
});
export type ShardSummary = Static<typeof ShardSummary>;
/** Kernel TCP counters of one end's network namespace over the measured phase (only this run lives there). */
export const PathTcpCounters = closedObject({
  /** /proc/net/snmp Tcp: RetransSegs delta: segments sent again (loss, or a timer that fired early). */
  retransSegs: Type.Number({ minimum: 0 }),
  /** /proc/net/netstat TcpExt: TCPSynRetrans delta: SYNs and SYN-ACKs sent again (1 s each, RFC 6298 §2.1). */
  synRetrans: Type.Number({ minimum: 0 }),
  /** TcpExt: DelayedACKs delta: ACKs held back by the delayed-ACK timer (up to 40 ms on Linux). */
  delayedAcks: Type.Number({ minimum: 0 }),
  /** TcpExt: TCPTimeouts delta: retransmission timer expiries (RTOs), not fast retransmits. */
  timeouts: Type.Number({ minimum: 0 }),
});
export type PathTcpCounters = Static<typeof PathTcpCounters>;

/** One figure measured across the path beside what the round-trip model says it should be. */
export const PathModelCheck = closedObject({
  figure: Type.Union([Type.Literal('latencyP50'), Type.Literal('connectP50')]),
  /** The model's rule, e.g. "HTTP/1.0: ≥ 2 round trips (handshake, then request and response)". */
  rule: Type.String(),
  /** Round trips the model charges this figure. */
  roundTrips: Type.Number(),
  /** roundTrips × the configured RTT, ms. */
  modelMs: Type.Number(),
  /** The run's own figure (latencyMs.p50 or connectMs.p50), ms. */
  measuredMs: Type.Number(),
  /** measuredMs − modelMs. */
  diffMs: Type.Number(),
  /** diffMs as a percentage of modelMs; null at RTT 0. */
  diffPct: Nullable(Type.Number()),
  /** roundTrips × the path's measured RTT p50 (its own overhead included), ms. */
  pathModelMs: Type.Number(),
  /** measuredMs − pathModelMs: what TCP and the server added beyond the path's round trips (server time, delayed ACKs, slow start, loss). */
  excessMs: Type.Number(),
});
export type PathModelCheck = Static<typeof PathModelCheck>;

/** The emulated network path a run crossed (--rtt): what was asked, what the path measured, what it cost, and the model beside the run. */
export const PathSection = closedObject({
  /** The implementation that carried the traffic. */
  impl: Type.Union([Type.Literal('netem'), Type.Literal('delay-line')]),
  configured: closedObject({
    rttMs: Type.Number(),
    jitterMs: Type.Number(),
    lossPct: Type.Number(),
    bandwidthBitsPerSec: Nullable(Type.Number()),
  }),
  priority: Type.Union([Type.Literal('nice'), Type.Literal('realtime')]),
  /** Echo probes across the path (client end → server end) before the first run, ms. */
  measured: closedObject({
    /** icmp: ping answered by the server end's kernel (the path alone); udp: a Node echo at each end (~0.2 ms more). */
    method: Type.Union([Type.Literal('icmp'), Type.Literal('udp')]),
    probes: Type.Integer({ minimum: 1 }),
    samples: Type.Integer({ minimum: 0 }),
    lost: Type.Integer({ minimum: 0 }),
    minMs: Type.Number(),
    p50Ms: Type.Number(),
    p99Ms: Type.Number(),
    maxMs: Type.Number(),
  }),
  /** measured.p50Ms − configured.rttMs: what the path itself adds to each round trip, ms. */
  overheadMs: Type.Number(),
  /** The delay line's relay over the measured phase; null for netem (the kernel does the work). */
  relay: Nullable(
    closedObject({
      packets: Type.Number(),
      forwarded: Type.Number(),
      /** Dropped by the loss draw. */
      dropped: Type.Number(),
      /** Dropped by a full queue (1000 packets per direction, netem's default limit). */
      overflow: Type.Number(),
      bytes: Type.Number(),
      /** Datagrams lost for want of UDP buffer between the bridges and the relay: losses outside the model. */
      udpBufferErrors: Type.Number(),
      cpuUs: Type.Number(),
      cpuUsPerPacket: Type.Number(),
      /** Both socat TUN bridges (10 ms resolution). */
      bridgeCpuUs: Type.Number(),
      bridgeCpuUsPerPacket: Type.Number(),
      /** How late the relay handed packets to the kernel after their due time, µs, since the path opened (a distribution, not a delta). */
      lateUsSinceOpen: closedObject({ p50: Type.Number(), p99: Type.Number(), max: Type.Number() }),
    }),
  ),
  /** Kernel TCP counters of each end's namespace over the measured phase; server null where its namespace could not be read. */
  tcp: closedObject({ client: PathTcpCounters, server: Nullable(PathTcpCounters) }),
  /** The run's latency and connect time beside the round-trip model (1.0: latency ≥ 2 r, connect ≈ r; 1.1: ≈ r). */
  model: Type.Array(PathModelCheck),
  /** What the path adds and where the run departs from the model, in words (ms and %). */
  notes: Type.Array(Type.String()),
});
export type PathSection = Static<typeof PathSection>;

/** A `bench run` (or `bench heartbeat`) report. */
export const RunReport = closedObject({
  ...identity,
  kind: Type.Literal('run'),
  config: ConfigReport,
  target: closedObject({
    url: Type.String(),
    embedded: Type.Boolean(),
    serverMode: Nullable(ServerModeSchema),
    /** The address that was loaded: the first of `resolved` that accepted the probe connect. */
    address: Type.Optional(Type.String()),
    family: Type.Optional(Type.Union([Type.Literal(4), Type.Literal(6)])),
    /** Every address the host resolved to, in resolver order, and how long the one lookup took. */
    resolved: Type.Optional(
      closedObject({
        addresses: Type.Array(closedObject({ address: Type.String(), family: Type.Union([Type.Literal(4), Type.Literal(6)]) })),
        lookupMs: Type.Number({ minimum: 0 }),
        /** `literal`: the URL names an IP; `pin`: --resolve; `dns`: the system resolver (getaddrinfo). */
        source: Type.Union([Type.Literal('literal'), Type.Literal('pin'), Type.Literal('dns')]),
      }),
    ),
    /** HTTPS only: the TLS the client negotiated (first connection of the phase); null when no handshake completed. */
    tls: Type.Optional(Nullable(TlsSessionInfo)),
  }),
  engine: closedObject({
    name: EngineSchema,
    version: Type.String(),
    httpVersionOnWire: Type.Union([Type.Literal('1.0'), Type.Literal('1.1')]),
    notes: Type.Array(Type.String()),
  }),
  machine: MachineInfo,
  requests: RequestCounts,
  throughput: Throughput,
  latencyMs: LatencySummary,
  /** Open loop only: latency from the actual send (not the intended one); null in closed loop. */
  uncorrectedLatencyMs: Nullable(LatencySummary),
  /**
   * Open loop (and heartbeat) only: how late each request went out against its intended time; corrected latency
   * includes it. Null in closed loop; absent in reports written before it existed.
   */
  sendLagMs: Type.Optional(Nullable(LatencySummary)),
  connectMs: LatencySummary,
  ttfbMs: LatencySummary,
  /** HTTPS only: TLS handshake time (TCP connect → secure), only for requests that opened a connection. */
  tlsMs: Type.Optional(LatencySummary),
  connections: ConnectionCounters,
  handshakes: closedObject({
    client: Nullable(Type.Number()),
    server: Nullable(Type.Number()),
    kernel: Nullable(KernelHandshakes),
    perRequest: Type.Number(),
    /** Present with --capture: connections whose SYN, SYN-ACK and ACK were all captured. */
    wire: Type.Optional(Type.Number()),
    /** HTTPS only: the client's TLS handshakes by kind; full + resumed = TLS connections opened. */
    tls: Type.Optional(TlsClientHandshakes),
  }),
  /** Present with --capture. */
  teardowns: Type.Optional(closedObject({ wire: Teardowns })),
  timeWait: closedObject({ serverSide: Type.Number(), clientSide: Type.Number(), port: Type.Integer() }),
  errors: Counts,
  /** Up to 5 samples per H1B_* code: the reason, the phase and the connection's addresses. */
  errorSamples: ErrorSamples,
  timeline: Type.Array(TimelinePoint),
  /** HdrHistogram compressed, base64; µs values. */
  histograms: closedObject({
    latencyUs: Type.String(),
    connectUs: Type.String(),
    ttfbUs: Type.String(),
    uncorrectedLatencyUs: Nullable(Type.String()),
    /** Open loop only (see sendLagMs); absent in reports written before it existed. */
    sendLagUs: Type.Optional(Nullable(Type.String())),
    /** HTTPS only: TLS handshake times. */
    tlsUs: Type.Optional(Type.String()),
  }),
  coordinatedOmission: closedObject({ corrected: Type.Boolean(), method: Type.String() }),
  server: closedObject({ statsDelta: Nullable(ServerStats), cpuSec: Nullable(Type.Number()), maxRssBytes: Nullable(Type.Number()) }),
  cpu: closedObject({ userSec: Type.Number(), systemSec: Type.Number(), perHundredKRequestsSec: Nullable(Type.Number()) }),
  sources: Type.Record(Type.String(), FigureSource),
  notes: Type.Array(Type.String()),
  /** Present with `--runs N` (N > 1): each run's own summary; top-level figures merge them. */
  runs: Type.Optional(Type.Array(RunSummary)),
  /** Present in `bench heartbeat` reports. */
  heartbeat: Type.Optional(HeartbeatSection),
  /** Present with --capture. */
  wire: Type.Optional(WireSection),
  /** Generator threads that ran the load (--workers; the sum over shards in a merged report); absent in older reports. */
  workers: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Present with --workers N > 1: each thread's share, completed requests and CPU. */
  perWorker: Type.Optional(Type.Array(WorkerShare)),
  /** Present with --shard I/N: which shard this is and the host it ran on. */
  shard: Type.Optional(closedObject({ index: Type.Integer({ minimum: 0 }), count: Type.Integer({ minimum: 1 }), host: Type.String() })),
  /**
   * Present with --start-at: how late (ms, negative = early) the measured phase began after its planned instant,
   * the --start-at instant plus the warm-up and a fixed slack (see README, Scale out); by this machine's clock.
   */
  startSkewMs: Type.Optional(Type.Number()),
  /** Present in a report merged from shards (`bench merge`): each shard's own summary, in index order. */
  shards: Type.Optional(Type.Array(ShardSummary)),
  /** Present with --rtt: the emulated network path the traffic crossed. */
  path: Type.Optional(PathSection),
});
export type RunReport = Static<typeof RunReport>;

/** One suite case's headline figures: medians across its runs. */
export const CaseHeadline = closedObject({
  id: Type.String(),
  mode: Type.String(),
  connections: Type.Number(),
  pipelining: Type.Number(),
  runs: Type.Number(),
  requestsPerSec: Type.Number(),
  p50Ms: Type.Number(),
  p99Ms: Type.Number(),
  connectP50Ms: Type.Number(),
  handshakesPerRequest: Type.Number(),
  /** Load generator CPU per completed request (µs), over all runs. */
  clientCpuUsPerRequest: Nullable(Type.Number()),
  /** Embedded server CPU per completed request (µs); null for --url targets. */
  serverCpuUsPerRequest: Nullable(Type.Number()),
});
export type CaseHeadline = Static<typeof CaseHeadline>;

export const RttPrediction = closedObject({ rttMs: Type.Number(), requestsPerSec: Type.Number(), p50Ms: Type.Number() });
export type RttPrediction = Static<typeof RttPrediction>;

export const CaseModel = closedObject({
  id: Type.String(),
  mode: Type.String(),
  connections: Type.Number(),
  /** Loopback time per request per connection: connections / req/s. */
  loopbackCycleMs: Type.Number(),
  /** Round trips each request waits for: 1 + handshakes/req, or 1/depth + handshakes/req when pipelined. */
  roundTripsPerRequest: Type.Number(),
  predictions: Type.Array(RttPrediction),
});
export type CaseModel = Static<typeof CaseModel>;

/** A case measured across an emulated path (`bench suite --rtt`) beside what the model predicts from its loopback case. */
export const MeasuredPoint = closedObject({
  /** The path case, e.g. `1.0-c10-rtt10ms`. */
  id: Type.String(),
  /** The loopback case the model predicts from (same mode and connections); null when the suite has none. */
  baseId: Nullable(Type.String()),
  mode: Type.String(),
  connections: Type.Number(),
  /** Configured RTT, ms. */
  rttMs: Type.Number(),
  /** The path's own measured RTT p50 (its probe), ms. */
  pathRttP50Ms: Type.Number(),
  impl: Type.Union([Type.Literal('netem'), Type.Literal('delay-line')]),
  /** Medians across the case's runs, as in `headlines`. */
  measured: closedObject({
    requestsPerSec: Type.Number(),
    p50Ms: Type.Number(),
    p99Ms: Type.Number(),
    connectP50Ms: Type.Number(),
    handshakesPerRequest: Type.Number(),
  }),
  /** The model's prediction for this RTT from the loopback case; null without one. */
  model: Nullable(closedObject({ requestsPerSec: Type.Number(), p50Ms: Type.Number() })),
  /** measured − model: req/s in % of the model, p50 in ms and %; null without a model. */
  diff: Nullable(closedObject({ requestsPerSecPct: Nullable(Type.Number()), p50Ms: Type.Number(), p50Pct: Nullable(Type.Number()) })),
});
export type MeasuredPoint = Static<typeof MeasuredPoint>;

/** The suite's headline table and its RTT what-if model (labelled as a model, not a measurement). */
export const SuiteModel = closedObject({
  kind: Type.Literal('rtt-model'),
  note: Type.String(),
  rttsMs: Type.Array(Type.Number()),
  /** Loopback cases only: the model's basis. */
  headlines: Type.Array(CaseHeadline),
  cases: Type.Array(CaseModel),
  /** Present when the suite ran cases across emulated paths (--rtt): each beside the model's prediction. */
  measured: Type.Optional(Type.Array(MeasuredPoint)),
});
export type SuiteModel = Static<typeof SuiteModel>;

export const SuiteCase = closedObject({
  /** Stable id, e.g. `1.1-c50`. */
  id: Type.String(),
  mode: ClientModeSchema,
  connections: Type.Integer({ minimum: 1 }),
  report: RunReport,
});
export type SuiteCase = Static<typeof SuiteCase>;

/** A `bench suite` report: one merged run report per case, and the model computed from them. */
export const SuiteReport = closedObject({
  ...identity,
  kind: Type.Literal('suite'),
  preset: Nullable(Type.String()),
  machine: MachineInfo,
  cases: Type.Array(SuiteCase),
  model: Type.Optional(SuiteModel),
});
export type SuiteReport = Static<typeof SuiteReport>;

/** Any report this version reads, discriminated by `kind`. */
export const AnyReport = Type.Union([RunReport, SuiteReport]);
export type AnyReport = RunReport | SuiteReport;

/** A schema as plain JSON: TypeBox's own symbols are not enumerable, so a JSON round trip keeps only the keywords. */
function plainJson(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/**
 * The published JSON Schema document (draft-07), what `npm run schema` writes to schema/report-v1.json. The run
 * report is defined once under `definitions` and referenced from the suite's cases.
 */
export function reportJsonSchema(): Record<string, unknown> {
  const suite = plainJson(SuiteReport) as { properties: { cases: { items: { properties: Record<string, unknown> } } } };
  suite.properties.cases.items.properties['report'] = { $ref: '#/definitions/RunReport' };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `h1bench report, schemaVersion ${SCHEMA_VERSION}`,
    description:
      'A report written by `bench run`, `bench heartbeat` (kind "run") or `bench suite` (kind "suite"). Readers refuse ' +
      'any other schemaVersion. Times are in the unit their name says (Ms, Us, Sec); histograms are HdrHistogram, ' +
      'compressed and base64-encoded, in µs.',
    definitions: { RunReport: plainJson(RunReport), SuiteReport: suite },
    anyOf: [{ $ref: '#/definitions/RunReport' }, { $ref: '#/definitions/SuiteReport' }],
  };
}

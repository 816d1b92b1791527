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
  WireSection,
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
});
export type ConfigReport = Static<typeof ConfigReport>;

/** Where a figure comes from and at what resolution (engines differ). */
export const FigureSource = closedObject({
  source: Type.Union([Type.Literal('client'), Type.Literal('server'), Type.Literal('kernel'), Type.Literal('wire')]),
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

/** A `bench run` (or `bench heartbeat`) report. */
export const RunReport = closedObject({
  ...identity,
  kind: Type.Literal('run'),
  config: ConfigReport,
  target: closedObject({ url: Type.String(), embedded: Type.Boolean(), serverMode: Nullable(ServerModeSchema) }),
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
  connections: ConnectionCounters,
  handshakes: closedObject({
    client: Nullable(Type.Number()),
    server: Nullable(Type.Number()),
    kernel: Nullable(KernelHandshakes),
    perRequest: Type.Number(),
    /** Present with --capture: connections whose SYN, SYN-ACK and ACK were all captured. */
    wire: Type.Optional(Type.Number()),
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

/** The suite's headline table and its RTT what-if model (labelled as a model, not a measurement). */
export const SuiteModel = closedObject({
  kind: Type.Literal('rtt-model'),
  note: Type.String(),
  rttsMs: Type.Array(Type.Number()),
  headlines: Type.Array(CaseHeadline),
  cases: Type.Array(CaseModel),
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

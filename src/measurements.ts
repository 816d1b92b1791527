// Shared measurement shapes (one definition: TypeBox schemas give both the TypeScript types and the JSON Schema
// that report/schema.ts composes into the published report schema). Below metrics/, so every layer can use them.

import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import type { Histogram } from 'hdr-histogram-js';
import type { EngineName } from './types.js';

/** An object schema that refuses unknown properties: a report holds exactly what its schema says. */
export function closedObject<T extends TProperties>(properties: T, description?: string) {
  return Type.Object(properties, description === undefined ? { additionalProperties: false } : { additionalProperties: false, description });
}

/** `T | null`, the JSON shape of a figure that may be unavailable. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A map of non-negative counts keyed by a code or a status (`{"200": 41, "404": 2}`). */
export const Counts = Type.Record(Type.String(), Type.Number({ minimum: 0 }));

/** Latency-like summary in milliseconds (µs resolution), from an HdrHistogram; all zeros when nothing was recorded. */
export const LatencySummary = closedObject(
  {
    min: Type.Number(),
    mean: Type.Number(),
    stdev: Type.Number(),
    p50: Type.Number(),
    p90: Type.Number(),
    p99: Type.Number(),
    p999: Type.Number(),
    max: Type.Number(),
  },
  'milliseconds, µs resolution; min ≤ every percentile ≤ max',
);
export type LatencySummary = Static<typeof LatencySummary>;

/** One second of the measured phase. */
export const TimelinePoint = closedObject({
  /** Seconds since the measured phase started (0-based). */
  second: Type.Integer({ minimum: 0 }),
  requests: Type.Number({ minimum: 0 }),
  /** Failed requests in that second, as `requests.errors` counts them (non-2xx answers are not errors). */
  errors: Type.Number({ minimum: 0 }),
  connectionsOpened: Type.Number({ minimum: 0 }),
  p50Ms: Type.Number(),
  p99Ms: Type.Number(),
});
export type TimelinePoint = Static<typeof TimelinePoint>;

/** The client's view of its connections over the measured phase. */
export const ConnectionCounters = closedObject({
  opened: Type.Number({ minimum: 0 }),
  /** The server's FIN arrived before the client ended the socket; null when the engine cannot tell (see notes). */
  closedByServer: Nullable(Type.Number({ minimum: 0 })),
  /** The client ended the socket first; null when the engine cannot tell (see notes). */
  closedByClient: Nullable(Type.Number({ minimum: 0 })),
  /** An RST ended it. */
  reset: Type.Number({ minimum: 0 }),
  /** Most connections open at once. */
  maxOpen: Type.Number({ minimum: 0 }),
  /**
   * Connections whose server announced the close (RFC 9112 §9.6) but had not sent its FIN within 250 ms (or while 8
   * more of the same connection slot were waiting for theirs), so the client closed them (counted in closedByClient);
   * the slot reconnected at once all the same. Null where the engine cannot see it; absent in reports written before
   * it existed.
   */
  serverCloseLate: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
});
export type ConnectionCounters = Static<typeof ConnectionCounters>;

/** Client-side TLS handshake counts: connections whose handshake completed, by kind (`TLSSocket.isSessionReused()`). */
export const TlsClientHandshakes = closedObject({
  /** New keys negotiated: the server sent and signed its certificate. */
  full: Type.Number({ minimum: 0 }),
  /** Resumed from a session the client offered (TLS 1.2 session ID or ticket, TLS 1.3 PSK). */
  resumed: Type.Number({ minimum: 0 }),
});
export type TlsClientHandshakes = Static<typeof TlsClientHandshakes>;

/** What TLS the client negotiated, as first seen in the load (`getProtocol()`, `getCipher()`, `alpnProtocol`). */
export const TlsSessionInfo = closedObject({
  /** `TLSv1.3`, `TLSv1.2`. */
  protocol: Type.String(),
  /** OpenSSL/IANA name, e.g. `TLS_AES_256_GCM_SHA384`. */
  cipher: Type.String(),
  /** ALPN protocol the server selected (RFC 7301), null when it selected none. */
  alpn: Nullable(Type.String()),
});
export type TlsSessionInfo = Static<typeof TlsSessionInfo>;

/** Server-side TLS handshake counts: every accepted TLS connection ends up in exactly one (or is still handshaking). */
export const TlsHandshakeStats = closedObject({
  /** Completed handshakes that negotiated new keys (certificate sent and signed). */
  full: Type.Number(),
  /** Completed handshakes that resumed a session from a ticket (`TLSSocket.isSessionReused()`). */
  resumed: Type.Number(),
  /** Connections that closed or failed before the handshake completed (`tlsClientError`). */
  failed: Type.Number(),
});
export type TlsHandshakeStats = Static<typeof TlsHandshakeStats>;

/** The counters the embedded server serves at `/stats` (JSON), and their deltas over a measured phase. */
export const ServerStats = closedObject({
  connectionsAccepted: Type.Number(),
  connectionsOpen: Type.Number(),
  closedByServer: Type.Number(),
  closedByClient: Type.Number(),
  reset: Type.Number(),
  requests: Type.Number(),
  responsesByStatus: Counts,
  bytesIn: Type.Number(),
  bytesOut: Type.Number(),
  /** Times a connection stopped reading because its unsent responses exceeded the write high-water mark. */
  backpressurePauses: Type.Number(),
  /** TLS handshakes as the server saw them; null for a plain server. */
  tlsHandshakes: Nullable(TlsHandshakeStats),
  /** Failed TLS handshakes by error code (ERR_SSL_HTTP_REQUEST, ECONNRESET…), at most 16 codes + `other`; null for plain. */
  tlsFailuresByCode: Nullable(Counts),
});
export type ServerStats = Static<typeof ServerStats>;

/** Where in a request's life a failure happened (undici's socket info on errors, reduced to what a user needs). */
export const FailurePhase = Type.Union([
  Type.Literal('connect'),
  Type.Literal('write'),
  Type.Literal('head'),
  Type.Literal('body'),
  Type.Literal('close'),
]);
export type FailurePhase = Static<typeof FailurePhase>;

/** One failed request as it happened: why (the parser's or the socket's own reason), where, on which connection. */
export const ErrorSample = closedObject({
  reason: Type.String(),
  phase: FailurePhase,
  /** Local address:port of the connection; null when it never got one (a refused connect). */
  local: Nullable(Type.String()),
  /** Remote address:port. */
  remote: Nullable(Type.String()),
  /** Seconds since the measured phase started. */
  atSec: Type.Number(),
});
export type ErrorSample = Static<typeof ErrorSample>;

/** A bounded sample of reasons per error code (see ERROR_SAMPLES_PER_CODE). */
export const ErrorSamples = Type.Record(Type.String(), Type.Array(ErrorSample));
export type ErrorSamples = Static<typeof ErrorSamples>;

/** How many samples of each error code a run keeps: enough to see a pattern, bounded so a flood costs nothing. */
export const ERROR_SAMPLES_PER_CODE = 5;

/** What a packet capture of the measured phase showed (`bench run --capture`). */
export const WireSection = closedObject({
  /** The capture file(s), one per run. */
  files: Type.Array(Type.String()),
  connections: Type.Number(),
  segments: Type.Number(),
  syn: Type.Number(),
  synAck: Type.Number(),
  fin: Type.Number(),
  rst: Type.Number(),
  dataSegments: Type.Number(),
  retransmissions: Type.Number(),
  failedHandshakes: Type.Number(),
  /** Connections still open when the capture stopped. */
  stillOpen: Type.Number(),
  /** Connections already open when the capture started (warm-up, probes). */
  preexisting: Type.Number(),
  /** Packets tcpdump's kernel ring dropped; null when tcpdump did not say. */
  droppedByKernel: Nullable(Type.Number()),
  /** tcpdump confirmed its flush (else the last packets may be missing). */
  flushed: Type.Boolean(),
});
export type WireSection = Static<typeof WireSection>;

/** Who sent the first FIN of each captured connection, or RST. */
export const Teardowns = closedObject({ serverFirst: Type.Number(), clientFirst: Type.Number(), reset: Type.Number() });
export type Teardowns = Static<typeof Teardowns>;

/** What a capture of one measured phase contributes to its report: handshakes and teardowns on the wire. */
export interface WireCounts {
  readonly handshakes: number;
  readonly teardowns: Teardowns;
  readonly section: WireSection;
}

/** The machine a report was measured on. */
export const MachineInfo = closedObject({
  cpuModel: Type.String(),
  cores: Type.Number(),
  node: Type.String(),
  kernel: Type.String(),
  platform: Type.String(),
  hostname: Type.String(),
});
export type MachineInfo = Static<typeof MachineInfo>;

/** TIME_WAIT sockets of one port, split by side (`/proc/net/tcp{,6}`). */
export interface TimeWaitCount {
  /** Local port is the target port: the server closed first. */
  serverSide: number;
  /** Remote port is the target port: the client closed first. */
  clientSide: number;
}

/** Kernel TCP counter deltas over a measured phase (`/proc/net/snmp`). */
export interface KernelDeltas {
  activeOpens: number;
  passiveOpens: number;
  /** `host`: every process of this network namespace is counted; `namespace`: only this run's. */
  scope: 'host' | 'namespace';
}

/** One generator thread's part of a `--workers N` load: its share and what it did with it. */
export const WorkerShare = closedObject({
  /** 0-based worker index; worker i's open-loop schedule starts i / (N · its rate) s after the shared start. */
  index: Type.Integer({ minimum: 0 }),
  /** Connections this worker opened at once (its share of -c). */
  connections: Type.Integer({ minimum: 1 }),
  /** Its share of -n; null when the run is bounded by a duration. */
  requests: Nullable(Type.Integer({ minimum: 1 })),
  completed: Type.Number({ minimum: 0 }),
  /** Failed requests (as `requests.errors` counts them). */
  errors: Type.Number({ minimum: 0 }),
  /** CPU of this thread over its load (/proc/thread-self/stat, USER_HZ resolution). */
  cpu: closedObject({ userSec: Type.Number(), systemSec: Type.Number() }),
});
export type WorkerShare = Static<typeof WorkerShare>;

/** Everything an engine measured in one measured phase: plain data plus histograms (µs). */
export interface LoadResult {
  readonly engine: EngineName;
  readonly engineVersion: string;
  /** HTTP version the engine put on the wire (undici and autocannon only speak 1.1). */
  readonly httpVersionOnWire: '1.0' | '1.1';
  /** Epoch ms when the measured phase started. */
  readonly startedAtMs: number;
  /** Length of the measured phase in µs. */
  readonly measuredUs: number;
  readonly interrupted: boolean;
  readonly sent: number;
  readonly completed: number;
  readonly non2xx: number;
  readonly statusCodes: Record<string, number>;
  /** Response bytes received in the measured phase (headers + body). */
  readonly bytesIn: number;
  /** Classified failures: error code (H1B_*) or `HTTP_<status>` → count. */
  readonly errors: Record<string, number>;
  /** Up to ERROR_SAMPLES_PER_CODE samples per H1B_* code. */
  readonly errorSamples: ErrorSamples;
  /** Client-side connection counts; null where the engine cannot count them. */
  readonly connections: ConnectionCounters | null;
  /** Requests sent again on a new connection after the server closed one unanswered; null where the engine cannot see it. */
  readonly resent: number | null;
  /** Requests still unanswered when the load ended (drain bound, interrupt, a close while stopping); null where unknown. */
  readonly abandoned: number | null;
  readonly latency: Histogram;
  readonly connect: Histogram;
  readonly ttfb: Histogram;
  /** Open loop only: latency from the actual send time. */
  readonly uncorrectedLatency: Histogram | null;
  /** Open loop only: how late each request was sent against its intended time (µs). */
  readonly sendLag: Histogram | null;
  /**
   * HTTPS only (null for plain): TLS handshake time from the TCP connect to the secure event (µs), one value per
   * connection opened in the phase, attributed like connect time; the counts by kind; the negotiated session.
   */
  readonly tls: {
    readonly handshake: Histogram;
    readonly counts: TlsClientHandshakes;
    readonly session: TlsSessionInfo | null;
    readonly resolution: string;
  } | null;
  readonly timeline: TimelinePoint[];
  /** Figures the engine itself cannot provide or measures coarsely (see report `sources`). */
  readonly notes: string[];
  readonly resolution: { latency: string; connect: string; ttfb: string };
  /** `--workers N`: each generator thread's share and figures; absent when the load ran in one thread. */
  readonly perWorker?: readonly WorkerShare[];
}

/** What one heartbeat client process measured (plain data: it crosses IPC; histograms encoded, µs). */
export interface FleetResult {
  readonly clients: number;
  readonly sent: number;
  readonly answered: number;
  readonly skipped: number;
  readonly timeouts: number;
  /** Connections opened during the run (handshakes the heartbeats cost). */
  readonly opened: number;
  /** Connections opened before the run (1.1 setup). */
  readonly preopened: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly non2xx: number;
  readonly statusCodes: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly closedByServer: number;
  readonly closedByClient: number;
  readonly reset: number;
  readonly maxOpen: number;
  /** Connections whose server announced its close but sent its FIN late: closed by the client (see LINGER_MS). */
  readonly serverCloseLate: number;
  /** Beats sent again on a new connection after the server closed theirs unanswered. */
  readonly resent: number;
  /** This process's CPU (the generator's cost), whole life, seconds. */
  readonly cpuUserSec: number;
  readonly cpuSystemSec: number;
  readonly rttUs: string;
  readonly connectUs: string;
  /** How late beats left against their due time (this process's own scheduling delay). */
  readonly sendLagUs: string;
  /** Per healthy client: first timeout at or after the server failure, µs; -1 if it never noticed. */
  readonly serverDownNoticedUs: Array<{ id: string; atUs: number }>;
  /** Timeouts before the server failure (or in a run without one): the clients' own false alarms. */
  readonly falseAlarms: number;
}

/** `/clients` counts, as the server's heartbeat routes serve them. */
export interface ClientsCounts {
  clients: number;
  online: number;
  offline: number;
  timeoutMs: number;
  transitions: { online: number; offline: number };
  connectionEnds: { close: number; reset: number; timeout: number };
  /** Server clock when it answered (µs, CLOCK_MONOTONIC). */
  nowUs: number;
}

/** One offline client as `/clients?state=offline` lists it (µs on the server's monotonic clock). */
export interface OfflineEntry {
  id: string;
  sinceUs: number;
  lastSeenUs: number;
  lastEnd: 'close' | 'reset' | 'timeout' | null;
  lastEndUs: number;
}

/** Everything a heartbeat run measured, as plain data; report/heartbeat.ts turns it into the report's section. */
export interface HeartbeatOutcome {
  readonly startedAtMs: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly interrupted: boolean;
  readonly processes: number;
  /** Results of the healthy processes (and of the freeze/close/reset victims, who share them). */
  readonly fleets: FleetResult[];
  /** The SIGSTOPped process's own result (offline mode `stop`); null otherwise or if it could not report. */
  readonly stopFleet: FleetResult | null;
  /** Clients that were taken offline, with the moment (µs) each went. */
  readonly victims: ReadonlyMap<string, number>;
  readonly serverStoppedAtUs: number | null;
  /** Offline verdicts seen per client (all of them, server clock). */
  readonly verdicts: ReadonlyMap<string, readonly OfflineEntry[]>;
  readonly countsStart: ClientsCounts | null;
  readonly countsEnd: ClientsCounts | null;
  readonly pollFailures: number;
  /** The server's CPU over the run (s) and peak RSS, with its RSS before any client connected; null for --url. */
  readonly serverUsage: { cpuSec: number; maxRssBytes: number | null; baselineRssBytes: number | null } | null;
}

// The versioned report schema (a contract CI tools read): types for run and suite reports.

import type { ClientMode, EngineName, ServerMode, ServerStats } from '../types.js';

export const SCHEMA_VERSION = 1 as const;

/** Latency-like summary in milliseconds (decimals kept; source resolution is µs). */
export interface LatencySummary {
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface TimelinePoint {
  /** Seconds since the measured phase started (0-based). */
  second: number;
  requests: number;
  /** Failed requests in that second, as `requests.errors` counts them (non-2xx answers are not errors). */
  errors: number;
  connectionsOpened: number;
  p50Ms: number;
  p99Ms: number;
}

export interface KernelHandshakes {
  /** `/proc/net/snmp` Tcp: ActiveOpens delta (connect() calls that sent a SYN). */
  activeOpens: number;
  /** Tcp: PassiveOpens delta (SYNs accepted by listeners). */
  passiveOpens: number;
  /** `host`: every process in this namespace is counted; `namespace`: only this run. */
  scope: 'host' | 'namespace';
  note: string;
}

export interface ConfigReport {
  mode: ClientMode;
  engine: EngineName;
  url: string | null;
  serverMode: ServerMode | null;
  connections: number;
  durationMs: number;
  requests: number | null;
  warmupMs: number;
  rate: number | null;
  timeoutMs: number;
  method: string;
  headers: Array<[string, string]>;
  body: string | null;
  pipelining: number;
  label: string | null;
  out: string | null;
  runs: number;
  [extra: string]: unknown;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  kernel: string;
  platform: string;
  hostname: string;
}

/** Where each figure comes from and at what resolution (engines differ). */
export interface FigureSource {
  source: 'client' | 'server' | 'kernel' | 'wire';
  resolution: string;
  note?: string;
}

/** One run's headline figures: also what `runs[]` holds for repeated runs. */
export interface RunSummary {
  durationSec: number;
  interrupted: boolean;
  requests: { sent: number; completed: number; errors: number; non2xx: number; statusCodes: Record<string, number> };
  throughput: { requestsPerSec: number; bytesPerSec: number };
  latencyMs: LatencySummary;
  connectMs: LatencySummary;
  ttfbMs: LatencySummary;
  handshakesPerRequest: number;
  cpu: { userSec: number; systemSec: number };
}

export interface RunReport {
  schemaVersion: typeof SCHEMA_VERSION;
  kind: 'run';
  tool: { name: 'h1bench'; version: string };
  label: string | null;
  startedAt: string;
  durationSec: number;
  interrupted: boolean;
  config: ConfigReport;
  target: { url: string; embedded: boolean; serverMode: ServerMode | null };
  engine: { name: EngineName; version: string; httpVersionOnWire: '1.0' | '1.1'; notes: string[] };
  machine: MachineInfo;
  requests: { sent: number; completed: number; errors: number; non2xx: number; statusCodes: Record<string, number> };
  throughput: { requestsPerSec: number; bytesPerSec: number };
  latencyMs: LatencySummary;
  /** Open loop only: latency from the actual send (not the intended one); null in closed loop. */
  uncorrectedLatencyMs: LatencySummary | null;
  connectMs: LatencySummary;
  ttfbMs: LatencySummary;
  connections: { opened: number; closedByServer: number; closedByClient: number; reset: number; maxOpen: number };
  handshakes: {
    client: number | null;
    server: number | null;
    kernel: KernelHandshakes | null;
    perRequest: number;
    wire?: number;
  };
  teardowns?: { wire: { serverFirst: number; clientFirst: number; reset: number } };
  timeWait: { serverSide: number; clientSide: number; port: number };
  errors: Record<string, number>;
  timeline: TimelinePoint[];
  /** HdrHistogram compressed, base64; µs values. */
  histograms: { latencyUs: string; connectUs: string; ttfbUs: string; uncorrectedLatencyUs: string | null };
  coordinatedOmission: { corrected: boolean; method: string };
  server: { statsDelta: ServerStats | null; cpuSec: number | null; maxRssBytes: number | null };
  cpu: { userSec: number; systemSec: number; perHundredKRequestsSec: number | null };
  sources: Record<string, FigureSource>;
  notes: string[];
  /** Present with `--runs N` (N > 1): each run's own summary; top-level figures merge them. */
  runs?: RunSummary[];
  heartbeat?: HeartbeatReport;
  [extra: string]: unknown;
}

export interface HeartbeatReport {
  clients: number;
  intervalMs: number;
  timeoutMs: number;
  mode: '1.0' | '1.1';
  offlineMode: 'freeze' | 'stop' | 'close' | 'reset' | null;
  offlineInjected: number;
  detected: number;
  missed: number;
  falsePositives: number;
  detectionMs: { p50: number; p99: number; max: number } | null;
  serverDownDetectedMs: { p50: number; p99: number; max: number; noticedBy: number } | null;
  heartbeatRttMs: LatencySummary;
  handshakes: { total: number; perSecond: number };
  bytesPerSec: number;
  server: { cpuSec: number | null; maxRssBytes: number | null; cpuSecPerThousandClients: number | null; rssBytesPerThousandClients: number | null };
  tcpKeepAlive: { delayMs: number; detected: number } | null;
  [extra: string]: unknown;
}

export interface SuiteCase {
  /** Stable id, e.g. `1.1-c50`. */
  id: string;
  mode: ClientMode;
  connections: number;
  report: RunReport;
}

export interface SuiteReport {
  schemaVersion: typeof SCHEMA_VERSION;
  kind: 'suite';
  tool: { name: 'h1bench'; version: string };
  label: string | null;
  preset: string | null;
  startedAt: string;
  durationSec: number;
  interrupted: boolean;
  machine: MachineInfo;
  cases: SuiteCase[];
  /** RTT what-if model computed from the measured figures (labelled as a model). */
  model?: unknown;
  [extra: string]: unknown;
}

export type AnyReport = RunReport | SuiteReport;

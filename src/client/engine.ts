// The one interface every load engine (native, undici, autocannon) implements, and the plain data it returns.

import type { Histogram } from '../metrics/histogram.js';
import type { TimelinePoint } from '../report/schema.js';
import type { ClientMode, EngineName } from '../types.js';

/** What an engine needs to run: resolved target, no CLI concerns. */
export interface LoadConfig {
  readonly mode: ClientMode;
  /** Resolved target (embedded server already started). */
  readonly url: URL;
  readonly connections: number;
  /** Measured phase length; ignored when `requests` is set (then it is only a safety bound). */
  readonly durationMs: number;
  /** Stop after this many completed (or failed) requests; null = run for durationMs. */
  readonly requests: number | null;
  readonly warmupMs: number;
  /** Open loop: requests/s across all connections; null = closed loop. */
  readonly rate: number | null;
  /** Per-request timeout; 0 = none. */
  readonly timeoutMs: number;
  readonly method: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | null;
  /** Requests in flight per connection in `pipeline` mode. */
  readonly pipelining: number;
  /**
   * Called (and awaited) between warm-up and the measured phase, after every warm-up socket has closed: the place to
   * snapshot server `/stats` and kernel counters so their deltas cover exactly the measured phase. Optional.
   */
  readonly onMeasureStart?: () => void | Promise<void>;
}

export interface ConnectionCounters {
  opened: number;
  /** The server's FIN arrived before we ended the socket. */
  closedByServer: number;
  /** We ended the socket first. */
  closedByClient: number;
  /** ECONNRESET / RST seen. */
  reset: number;
  /** Most connections open at once. */
  maxOpen: number;
}

/** Live figures for a progress bar (read by the CLI on a timer; engines only update counters). */
export interface LoadProgress {
  readonly phase: 'warmup' | 'measure' | 'drain';
  readonly elapsedMs: number;
  readonly totalMs: number | null;
  readonly completed: number;
  readonly targetRequests: number | null;
  readonly errors: number;
}

/** Everything an engine measured: plain data plus histograms (µs). The report builder turns it into JSON. */
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
  /** Client-side connection counts; null where the engine cannot count them. */
  readonly connections: ConnectionCounters | null;
  readonly latency: Histogram;
  readonly connect: Histogram;
  readonly ttfb: Histogram;
  /** Open loop only: latency from the actual send time. */
  readonly uncorrectedLatency: Histogram | null;
  readonly timeline: TimelinePoint[];
  /** Figures the engine itself cannot provide or measures coarsely (see report `sources`). */
  readonly notes: string[];
  readonly resolution: { latency: string; connect: string; ttfb: string };
}

export interface Engine {
  readonly name: EngineName;
  /**
   * Run a load. Resolves when done or when `signal` aborts (then `interrupted: true` and what was
   * measured so far). Never prints; `progress` is polled by the caller.
   */
  run(config: LoadConfig, signal: AbortSignal): Promise<LoadResult>;
  /** Current progress, cheap to call from a timer. */
  progress(): LoadProgress;
}

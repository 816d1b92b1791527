// The one interface every load engine (native, undici, autocannon) implements: one measured load, plain data out.

import { isIP } from 'node:net';
import type { LoadResult } from '../measurements.js';
import type { LiveFigures } from '../metrics/recorder.js';
import type { RunConfig, TlsClientConfig, TlsVersion } from '../types.js';

/**
 * How an engine speaks TLS to an https:// target: plain data derived once per run from the validated
 * TlsClientConfig (client/tls-context.ts turns it into one SecureContext per load, never one per connection).
 */
export interface LoadTls {
  /** Extra CA certificates (PEM) trusted in addition to node's bundled roots; empty = the roots only. */
  readonly extraCa: readonly string[];
  /** Client certificate and key (PEM); null = none. */
  readonly cert: string | null;
  readonly key: string | null;
  /** false = `--insecure`: the certificate is not verified. */
  readonly rejectUnauthorized: boolean;
  /** SNI (RFC 6066 §3: host names only); null = send none (an IP-literal host without --servername). */
  readonly servername: string | null;
  /** The name the certificate must match (RFC 6125): --servername, else the URL's host (name or IP literal). */
  readonly verifyName: string;
  /** Offer the load's most recent session on each new connection; false = every handshake is full. */
  readonly resume: boolean;
  readonly maxVersion: TlsVersion;
}

/**
 * What an engine needs for one load, derived from the run's config (no copy of its fields): the resolved target
 * and this load's bounds. Warm-up is not an engine concern: the runner runs it as a load of its own, so counters
 * can be read between the phases.
 */
export interface LoadConfig
  extends Pick<RunConfig, 'mode' | 'connections' | 'rate' | 'timeoutMs' | 'method' | 'headers' | 'body' | 'pipelining'> {
  /** The target URL (embedded server already started): Host header, path, scheme. */
  readonly url: URL;
  /**
   * The IP address every connection goes to, chosen once by the runner (resolved and probed, runner/resolve.ts);
   * engines never resolve. Absent only for direct engine users whose URL host is an IP literal.
   */
  readonly address?: string;
  /** TLS options for an https:// URL; absent or null for http://. */
  readonly tls?: LoadTls | null;
  /** This load's length in ms; with `requests` set it bounds the load. */
  readonly durationMs: number;
  /**
   * Stop after this many completed requests (a response, any status); failed ones do not count, but the load also
   * stops once this many have failed. Null = run for durationMs.
   */
  readonly requests: number | null;
  /** HTTP/1.0 with `Connection: keep-alive` (RunConfig.keepAlive); absent = false. */
  readonly keepAlive?: boolean;
  /**
   * µs after the load's start at which its open-loop schedule starts: a part of a split load (`--shard`, a worker)
   * offsets its schedule so the parts interleave into one constant rate (runner/split.ts). Absent = 0.
   */
  readonly startOffsetUs?: number;
  /**
   * Monotonic µs (Clock.nowUs) at which the measured load starts, shared by the workers of one load so their
   * schedules and timelines have one origin; absent = when run() begins. Native engine only.
   */
  readonly startAtUs?: number;
  /** Local addresses connections bind to, round-robin per connect (`--source`); absent or null = the kernel picks. */
  readonly localAddresses?: readonly string[] | null;
}

/** Where the runner found the target: its URL, the address that accepted, and a CA to trust (embedded TLS server). */
export interface LoadTarget {
  readonly url: URL;
  readonly address: string;
  /** PEM certificate trusted in addition to --ca (the embedded server's self-signed one); null = none. */
  readonly ca: string | null;
}

/** The TLS part of a LoadConfig from the run's validated TLS options: null for a plain target. */
export function loadTlsFor(tls: TlsClientConfig | null, target: LoadTarget): LoadTls | null {
  if (tls === null || target.url.protocol !== 'https:') return null;
  const host = target.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const extraCa: string[] = [];
  if (tls.ca !== null) extraCa.push(tls.ca);
  if (target.ca !== null) extraCa.push(target.ca);
  return {
    extraCa,
    cert: tls.cert,
    key: tls.key,
    rejectUnauthorized: !tls.insecure,
    servername: tls.servername ?? (isIP(host) !== 0 ? null : host),
    verifyName: tls.servername ?? host,
    resume: tls.resume,
    maxVersion: tls.maxVersion,
  };
}

/**
 * The load of `config` against `target` for `durationMs` (a warm-up: no request bound) or as configured (measured).
 * Pure: the same RunConfig and target always give the same LoadConfig.
 */
export function loadConfigFor(config: RunConfig, target: LoadTarget, phase: 'warmup' | 'measure'): LoadConfig {
  return {
    mode: config.mode,
    keepAlive: config.keepAlive,
    connections: config.connections,
    rate: config.rate,
    timeoutMs: config.timeoutMs,
    method: config.method,
    headers: config.headers,
    body: config.body,
    pipelining: config.pipelining,
    url: target.url,
    address: target.address,
    tls: loadTlsFor(config.tls, target),
    durationMs: phase === 'warmup' ? config.warmupMs : config.durationMs,
    requests: phase === 'warmup' ? null : config.requests,
    startOffsetUs: config.shard?.startOffsetUs ?? 0,
    localAddresses: config.source ?? null,
  };
}

/** Live figures for a progress display (read by the CLI on a timer; engines only update counters). */
export interface LoadProgress {
  readonly phase: 'measure' | 'drain' | 'idle';
  readonly elapsedMs: number;
  readonly totalMs: number | null;
  readonly completed: number;
  readonly targetRequests: number | null;
  readonly errors: number;
  /**
   * The live panel's figures: last second's req/s, p50/p99 and handshakes, open connections, errors by kind. Every
   * engine counts through metrics/recorder, so all three can answer; null before a load started.
   */
  readonly live: LiveFigures | null;
}

/** Progress of an engine that has not started a load yet; frozen because every engine hands out the same object. */
export const IDLE_PROGRESS: LoadProgress = Object.freeze({
  phase: 'idle',
  elapsedMs: 0,
  totalMs: null,
  completed: 0,
  targetRequests: null,
  errors: 0,
  live: null,
});

/**
 * A load engine. Single use: `run` once, then discard (the runner asks its factory for a new one per load).
 * All three engines are classes of this shape, constructed with an optional injectable clock.
 */
export interface Engine {
  readonly name: RunConfig['engine'];
  /**
   * Run one load: every request it finishes is counted. Resolves when done or when `signal` aborts (then
   * `interrupted: true` and what was measured so far). Never prints; `progress` is polled by the caller.
   * Throws H1B_INVALID_OPTION for a config it cannot run (checked before any traffic).
   */
  run(config: LoadConfig, signal: AbortSignal): Promise<LoadResult>;
  /** Current progress, cheap to call from a timer. */
  progress(): LoadProgress;
  /**
   * Resolves true when this engine's load counts its first completed response, false when the load ends without
   * one (or failed to start). An event for callers that act once traffic flows (tests abort on it), where the CLI
   * polls progress() for display.
   */
  firstResponse(): Promise<boolean>;
}

/**
 * What a caller watching a load needs of its engine: its name, progress and first response. The engine itself, or
 * a view of one that runs in another process (an emulated path's client namespace), fed by its messages.
 */
export type EngineView = Pick<Engine, 'name' | 'progress' | 'firstResponse'>;

/**
 * The one-shot signal behind Engine.firstResponse(). An engine makes one (engines are single use), hands
 * `counted` to its LoadRecorder's onFirstResponse and calls `ended` when run() settles.
 */
export class FirstResponseSignal {
  readonly promise: Promise<boolean>;
  /** For LoadRecorder.onFirstResponse: bound once, so the recorder calls it without a closure per response. */
  readonly counted: () => void;
  /** The load is over: a caller still waiting learns that no response came. */
  readonly ended: () => void;

  constructor() {
    let settle: (value: boolean) => void = () => undefined;
    this.promise = new Promise<boolean>((resolve) => (settle = resolve));
    // A promise settles once: `ended` after `counted` changes nothing.
    this.counted = () => settle(true);
    this.ended = () => settle(false);
  }
}

/**
 * What the three engines share: one load per run() call, progress read from the load in hand, and the first-response
 * signal (its `counted` is handed to the load's LoadRecorder.onFirstResponse; run() settles it whatever happens).
 */
export abstract class LoadEngine implements Engine {
  abstract readonly name: RunConfig['engine'];
  /** The load in progress, or the last one; progress() reads it. */
  protected current: { progress(): LoadProgress } | null = null;
  protected readonly first = new FirstResponseSignal();

  progress(): LoadProgress {
    return this.current === null ? IDLE_PROGRESS : this.current.progress();
  }

  firstResponse(): Promise<boolean> {
    return this.first.promise;
  }

  run(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
    // Whatever becomes of the load, a caller waiting for its first response is answered.
    return this.load(config, signal).finally(this.first.ended);
  }

  /** The engine's own load (see Engine.run). */
  protected abstract load(config: LoadConfig, signal: AbortSignal): Promise<LoadResult>;
}

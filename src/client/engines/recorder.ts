// Measurement state shared by the reference engines (undici, autocannon): counters, µs histograms, progress; timeline via metrics/timeline.

import type { Clock } from '../../clock.js';
import { createHistogram, recordUs, type Histogram } from '../../metrics/histogram.js';
import { Timeline } from '../../metrics/timeline.js';
import type { TimelinePoint } from '../../report/schema.js';
import type { ConnectionCounters, LoadProgress, LoadResult } from '../engine.js';
import type { EngineName } from '../../types.js';

/** What only the engine knows when it hands its figures over. */
export interface EngineFacts {
  readonly engine: EngineName;
  readonly engineVersion: string;
  readonly httpVersionOnWire: '1.0' | '1.1';
  readonly interrupted: boolean;
  /** null when the engine cannot observe its connections. */
  readonly countsConnections: boolean;
  readonly notes: string[];
  readonly resolution: LoadResult['resolution'];
}

/** Progress before an engine's first run (warm-up, nothing done); frozen because every engine hands out the same object. */
export const IDLE_PROGRESS: LoadProgress = Object.freeze({
  phase: 'warmup',
  elapsedMs: 0,
  totalMs: null,
  completed: 0,
  targetRequests: null,
  errors: 0,
});

/** A reference engine's `progress()`: its current run's recorder, or IDLE_PROGRESS before the first run. */
export function recorderProgress(recorder: LoadRecorder | null): LoadProgress {
  return recorder === null ? IDLE_PROGRESS : recorder.progress();
}

/**
 * One run's counters. Engines call the record methods from their event handlers (no allocation per
 * call); everything recorded before `beginMeasure()` (the warm-up) is ignored.
 */
export class LoadRecorder {
  readonly latency: Histogram = createHistogram();
  readonly connect: Histogram = createHistogram();
  readonly ttfb: Histogram = createHistogram();
  readonly uncorrected: Histogram | null;
  readonly statusCodes: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  readonly connections: ConnectionCounters = { opened: 0, closedByServer: 0, closedByClient: 0, reset: 0, maxOpen: 0 };
  measuring = false;
  phase: LoadProgress['phase'] = 'warmup';
  sent = 0;
  completed = 0;
  non2xx = 0;
  bytesIn = 0;
  failures = 0;
  /** Connections open right now (measured-phase sockets only). */
  open = 0;
  startedAtMs = 0;
  private phaseStartUs: number;
  private startUs = 0;
  private endUs = 0;
  /**
   * Per-second buckets, shared with the native engine. Unlike the native recorder, non-2xx responses are not
   * timeline errors here (only failures are), so this recorder feeds the Timeline itself.
   */
  private readonly seconds = new Timeline();
  private timelinePoints: TimelinePoint[] = [];
  private allClosed: (() => void) | null = null;

  constructor(
    readonly clock: Clock,
    openLoop: boolean,
    private readonly warmupMs: number,
    private readonly durationMs: number | null,
    private readonly targetRequests: number | null,
  ) {
    this.uncorrected = openLoop ? createHistogram() : null;
    this.phaseStartUs = clock.nowUs();
  }

  /** Start the measured phase: counting begins now. */
  beginMeasure(): void {
    const now = this.clock.nowUs();
    this.measuring = true;
    this.phase = 'measure';
    this.phaseStartUs = now;
    this.startUs = now;
    this.startedAtMs = Date.now();
    this.seconds.start(now);
  }

  /** No new requests from now on; in-flight ones still count. */
  beginDrain(): void {
    this.phase = 'drain';
  }

  /** Close the measured phase (after the drain) and flush the last partial second. */
  finish(): void {
    if (!this.measuring) return;
    const now = this.clock.nowUs();
    // A measured phase always reports its second 0, even one that ended in the microsecond it began (an abort).
    this.timelinePoints = this.seconds.finish(Math.max(now, this.startUs + 1));
    this.endUs = now;
    this.measuring = false;
  }

  requestSent(): void {
    if (this.measuring) this.sent++;
  }

  /** A complete response. `ttfbUs` < 0 when the engine cannot time the first byte. */
  response(status: number, latencyUs: number, ttfbUs: number, uncorrectedUs: number, nowUs: number): void {
    if (!this.measuring) return;
    this.completed++;
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
    if (status < 200 || status > 299) {
      this.non2xx++;
      const key = `HTTP_${status}`;
      this.errors[key] = (this.errors[key] ?? 0) + 1;
    }
    recordUs(this.latency, latencyUs);
    if (ttfbUs >= 0) recordUs(this.ttfb, ttfbUs);
    if (this.uncorrected !== null && uncorrectedUs >= 0) recordUs(this.uncorrected, uncorrectedUs);
    this.seconds.request(nowUs, latencyUs);
  }

  /** A request that failed; `code` is an H1B_* code. */
  failure(code: string, nowUs: number): void {
    if (!this.measuring) return;
    this.failures++;
    this.errors[code] = (this.errors[code] ?? 0) + 1;
    this.seconds.error(nowUs, 1);
  }

  /** A TCP connection finished its handshake. */
  connectionOpened(connectUs: number, nowUs: number): void {
    if (!this.measuring) return;
    this.connections.opened++;
    this.open++;
    if (this.open > this.connections.maxOpen) this.connections.maxOpen = this.open;
    recordUs(this.connect, connectUs);
    this.seconds.connection(nowUs);
  }

  /** A measured connection closed: who closed first decides where it is counted. */
  connectionClosed(how: 'server' | 'client' | 'reset'): void {
    this.open--;
    if (how === 'server') this.connections.closedByServer++;
    else if (how === 'client') this.connections.closedByClient++;
    else this.connections.reset++;
    if (this.open === 0 && this.allClosed !== null) {
      const resolve = this.allClosed;
      this.allClosed = null;
      resolve();
    }
  }

  /** Resolves once every measured connection has closed (its close counted), or after `boundMs`. */
  whenAllClosed(boundMs: number): Promise<void> {
    if (this.open <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, boundMs);
      this.allClosed = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  progress(): LoadProgress {
    const elapsedMs = Math.max(0, Math.round((this.clock.nowUs() - this.phaseStartUs) / 1000));
    const totalMs = this.phase === 'warmup' ? this.warmupMs : this.targetRequests === null ? this.durationMs : null;
    return {
      phase: this.phase,
      elapsedMs,
      totalMs,
      completed: this.completed,
      targetRequests: this.targetRequests,
      errors: this.failures,
    };
  }

  toResult(facts: EngineFacts): LoadResult {
    return {
      engine: facts.engine,
      engineVersion: facts.engineVersion,
      httpVersionOnWire: facts.httpVersionOnWire,
      startedAtMs: this.startedAtMs,
      measuredUs: Math.max(0, this.endUs - this.startUs),
      interrupted: facts.interrupted,
      sent: this.sent,
      completed: this.completed,
      non2xx: this.non2xx,
      statusCodes: { ...this.statusCodes },
      bytesIn: this.bytesIn,
      errors: { ...this.errors },
      connections: facts.countsConnections ? { ...this.connections } : null,
      latency: this.latency,
      connect: this.connect,
      ttfb: this.ttfb,
      uncorrectedLatency: this.uncorrected,
      timeline: this.timelinePoints,
      notes: facts.notes,
      resolution: facts.resolution,
    };
  }
}

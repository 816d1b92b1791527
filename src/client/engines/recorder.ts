// Run state of the reference engines (undici, autocannon): phase, progress, close-waiting; counts via metrics/recorder.

import type { Clock } from '../../clock.js';
import type { ErrorCode } from '../../errors.js';
import { LoadRecorder as PhaseCounts } from '../../metrics/recorder.js';
import type { TimelinePoint } from '../../report/schema.js';
import type { LoadProgress, LoadResult } from '../engine.js';
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
 * One run of a reference engine. Engines call the record methods from their event handlers (no allocation per
 * call); the counters, histograms and timeline are the native engine's (metrics/recorder), so every engine counts
 * the same way. Everything recorded before `beginMeasure()` (the warm-up) or after `finish()` is ignored, except
 * the closes and bytes of measured connections, which these engines only learn of when a socket closes.
 */
export class LoadRecorder {
  readonly counts: PhaseCounts;
  phase: LoadProgress['phase'] = 'warmup';
  startedAtMs = 0;
  private phaseStartUs: number;
  private startUs = 0;
  private endUs = 0;
  private timelinePoints: TimelinePoint[] = [];
  private allClosed: (() => void) | null = null;

  constructor(
    readonly clock: Clock,
    openLoop: boolean,
    private readonly warmupMs: number,
    private readonly durationMs: number | null,
    private readonly targetRequests: number | null,
  ) {
    this.counts = new PhaseCounts(openLoop);
    this.phaseStartUs = clock.nowUs();
  }

  /** True in the measured phase only: a socket that connects now is counted. */
  get measuring(): boolean {
    return this.counts.active;
  }

  /** Start the measured phase: counting begins now. */
  beginMeasure(): void {
    const now = this.clock.nowUs();
    this.counts.begin(now);
    this.phase = 'measure';
    this.phaseStartUs = now;
    this.startUs = now;
    this.startedAtMs = Date.now();
  }

  /** No new requests from now on; in-flight ones still count. */
  beginDrain(): void {
    this.phase = 'drain';
  }

  /** Close the measured phase (after the drain) and flush the last partial second. */
  finish(): void {
    if (!this.counts.active) return;
    const now = this.clock.nowUs();
    // A measured phase always reports its second 0, even one that ended in the microsecond it began (an abort).
    this.timelinePoints = this.counts.timelinePoints(Math.max(now, this.startUs + 1));
    this.endUs = now;
    this.counts.active = false;
  }

  requestSent(): void {
    this.counts.requestsSent(1);
  }

  /** A complete response. `ttfbUs` < 0 when the engine cannot time the first byte. */
  response(status: number, latencyUs: number, ttfbUs: number, uncorrectedUs: number, nowUs: number): void {
    this.counts.response(nowUs, status, latencyUs, uncorrectedUs);
    if (ttfbUs >= 0) this.counts.firstByte(ttfbUs);
  }

  /** A request that failed with `code`. */
  failure(code: ErrorCode, nowUs: number): void {
    this.counts.error(nowUs, code, 1);
  }

  /** A TCP connection finished its handshake; only measured-phase connections are counted, or kept open. */
  connectionOpened(connectUs: number, nowUs: number): void {
    if (this.counts.active) this.counts.socketOpened(nowUs, connectUs);
  }

  /** A measured connection closed after reading `bytesRead` bytes: who closed first decides where it is counted. */
  connectionClosed(how: 'server' | 'client' | 'reset', bytesRead = 0): void {
    this.counts.measuredSocketClosed(how, bytesRead);
    if (this.counts.open === 0 && this.allClosed !== null) {
      const resolve = this.allClosed;
      this.allClosed = null;
      resolve();
    }
  }

  /** Resolves once every measured connection has closed (its close counted), or after `boundMs`. */
  whenAllClosed(boundMs: number): Promise<void> {
    if (this.counts.open <= 0) return Promise.resolve();
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
      completed: this.counts.completed,
      targetRequests: this.targetRequests,
      errors: this.counts.failed,
    };
  }

  toResult(facts: EngineFacts): LoadResult {
    const counts = this.counts;
    return {
      engine: facts.engine,
      engineVersion: facts.engineVersion,
      httpVersionOnWire: facts.httpVersionOnWire,
      startedAtMs: this.startedAtMs,
      measuredUs: Math.max(0, this.endUs - this.startUs),
      interrupted: facts.interrupted,
      sent: counts.sent,
      completed: counts.completed,
      non2xx: counts.non2xx,
      statusCodes: counts.statusCodes(),
      bytesIn: counts.bytesIn,
      errors: counts.errors(),
      connections: facts.countsConnections ? { ...counts.connections } : null,
      latency: counts.latency,
      connect: counts.connect,
      ttfb: counts.ttfb,
      uncorrectedLatency: counts.uncorrected,
      timeline: this.timelinePoints,
      notes: facts.notes,
      resolution: facts.resolution,
    };
  }
}

// Run state of the reference engines (undici, autocannon): progress, close-waiting; counting via metrics/recorder.

import type { Clock } from '../../clock.js';
import type { ErrorCode } from '../../errors.js';
import type { FailurePhase, LoadResult, TimelinePoint } from '../../measurements.js';
import { describedFailure, LoadRecorder } from '../../metrics/recorder.js';
import type { EngineName } from '../../types.js';
import type { LoadProgress } from '../engine.js';

/** What only the engine knows when it hands its figures over. */
export interface EngineFacts {
  readonly engine: EngineName;
  readonly engineVersion: string;
  readonly httpVersionOnWire: '1.0' | '1.1';
  readonly interrupted: boolean;
  /** False when the engine cannot observe its connections (then `connections` is null). */
  readonly countsConnections: boolean;
  readonly notes: string[];
  readonly resolution: LoadResult['resolution'];
}

/**
 * One load of a reference engine. Engines call the record methods from their event handlers (no allocation per
 * call); the counters, histograms and timeline are the native engine's (metrics/recorder), so every engine counts
 * the same way. Everything recorded after `finish()` is ignored, except the closes and bytes of the load's
 * connections, which these engines only learn of when a socket closes.
 */
export class ReferenceRun {
  readonly counts: LoadRecorder;
  phase: LoadProgress['phase'] = 'measure';
  readonly startedAtMs: number;
  private readonly startUs: number;
  private endUs = 0;
  private timelinePoints: TimelinePoint[] = [];
  private allClosed: (() => void) | null = null;

  constructor(
    readonly clock: Clock,
    openLoop: boolean,
    private readonly durationMs: number,
    private readonly targetRequests: number | null,
  ) {
    this.counts = new LoadRecorder(openLoop);
    this.startUs = clock.nowUs();
    this.startedAtMs = Date.now();
    this.counts.begin(this.startUs);
  }

  /** True until finish(): a socket that connects now belongs to this load. */
  get measuring(): boolean {
    return this.counts.active;
  }

  /** No new requests from now on; in-flight ones still count. */
  beginDrain(): void {
    this.phase = 'drain';
  }

  /** Close the load (after the drain) and flush the last partial second. */
  finish(): void {
    if (!this.counts.active) return;
    const now = this.clock.nowUs();
    // A load always reports its second 0, even one that ended in the microsecond it began (an abort).
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

  /** A request that failed with `code`; `reason` is the library's own message, kept in the bounded sample. */
  failure(code: ErrorCode, nowUs: number, reason: string, phase: FailurePhase): void {
    this.counts.error(nowUs, code, 1, describedFailure(reason, phase));
  }

  /** A TCP connection finished its handshake; only the load's connections are counted, or kept open. */
  connectionOpened(connectUs: number, nowUs: number): void {
    if (this.counts.active) this.counts.socketOpened(nowUs, connectUs);
  }

  /** A connection of the load closed after reading `bytesRead` bytes: who closed first decides where it is counted. */
  connectionClosed(how: 'server' | 'client' | 'reset', bytesRead = 0): void {
    this.counts.measuredSocketClosed(how, bytesRead);
    if (this.counts.open === 0 && this.allClosed !== null) {
      const resolve = this.allClosed;
      this.allClosed = null;
      resolve();
    }
  }

  /** Resolves once every connection of the load has closed (its close counted), or after `boundMs`. */
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
    return {
      phase: this.phase,
      elapsedMs: Math.max(0, Math.round((this.clock.nowUs() - this.startUs) / 1000)),
      totalMs: this.targetRequests === null ? this.durationMs : null,
      completed: this.counts.completed,
      targetRequests: this.targetRequests,
      errors: this.counts.failed,
      live: this.counts.live(),
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
      errorSamples: counts.errorSamples(),
      connections: facts.countsConnections ? counts.connectionCounters() : null,
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

// Run state of the reference engines (undici, autocannon): progress, close-waiting; counting via metrics/recorder.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Clock } from '../../clock.js';
import { sessionInfo } from '../tls-context.js';
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
  /** Requests the engine sent again after a close (null: it does so unseen, or not at all). */
  readonly resent: number | null;
  /** Requests still in flight when the load ended and left unanswered (null: unknown). */
  readonly abandoned: number | null;
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
  /** The most recent TLS session any connection of the load received (for engines that keep none themselves). */
  tlsSession: Buffer | null = null;
  startedAtMs: number;
  private startUs: number;
  private endUs = 0;
  private timelinePoints: TimelinePoint[] = [];
  private allClosed: (() => void) | null = null;
  /** The load's connections still open, so a teardown can mark what it closes. */
  private readonly openSockets = new Set<Socket>();
  /** Sockets the engine's end-of-load teardown closes while the server holds them open: certain client closes. */
  private readonly teardown = new Set<Socket>();
  /** Client closes the engine made itself before any FIN could be seen: who closed first is unknown for them. */
  private uncertainCloses = 0;

  constructor(
    readonly clock: Clock,
    openLoop: boolean,
    private readonly durationMs: number,
    private readonly targetRequests: number | null,
    tls = false,
  ) {
    this.counts = new LoadRecorder(openLoop, tls);
    this.startUs = clock.nowUs();
    this.startedAtMs = Date.now();
    this.counts.begin(this.startUs);
  }

  /** The measured phase starts now, not at construction (set-up such as an open-loop wake came in between). */
  restart(): void {
    this.startUs = this.clock.nowUs();
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
  connectionOpened(connectUs: number, nowUs: number, socket: Socket | null = null): void {
    if (!this.counts.active) return;
    this.counts.socketOpened(nowUs, connectUs);
    if (socket !== null) this.openSockets.add(socket);
  }

  /** A TLS handshake of one of the load's connections completed `handshakeUs` after its TCP connect. */
  tlsSecured(socket: TLSSocket, handshakeUs: number): void {
    const counts = this.counts;
    counts.tlsSecured(handshakeUs, socket.isSessionReused());
    if (counts.wantsTlsSession) counts.noteTlsSession(sessionInfo(socket));
  }

  /**
   * The engine is about to destroy every connection it still holds (end of the load): those closes are the client's
   * for certain (the server was keeping them open).
   */
  beginTeardown(): void {
    for (const socket of this.openSockets) this.markTeardown(socket);
  }

  /** The engine is about to destroy `socket` because its share of the load is done (autocannon's client.destroy). */
  markTeardown(socket: Socket): void {
    if (this.openSockets.has(socket) && !socket.destroyed) this.teardown.add(socket);
  }

  /**
   * A connection of the load closed after reading `bytesRead` bytes: who closed first decides where it is counted.
   * A client close outside the teardown is the engine destroying a socket itself (1.0 mode, a close answer, a
   * timeout) as soon as it has parsed a response, before it could read a FIN the server may already have sent: who
   * closed first is unknown for it.
   */
  connectionClosed(how: 'server' | 'client' | 'reset', bytesRead = 0, socket: Socket | null = null): void {
    if (socket !== null) {
      this.openSockets.delete(socket);
      if (how === 'client' && !this.teardown.delete(socket)) this.uncertainCloses++;
    }
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
    const notes = [...facts.notes];
    let connections = facts.countsConnections ? counts.connectionCounters() : null;
    if (connections !== null) {
      // Never a wrong count: what the engine hides, it reports as unknown.
      connections = { ...connections, serverCloseLate: null };
      if (this.uncertainCloses > 0) {
        connections.closedByServer = null;
        connections.closedByClient = null;
        notes.push(
          `${facts.engine} closed ${this.uncertainCloses} connections itself as soon as it had parsed a response (1.0 mode, ` +
            "a 'Connection: close' answer, a timeout), before a FIN from the server could be read: who closed first is " +
            'unknown for them, so connections.closedByServer/closedByClient are null; timeWait and the server\'s /stats tell',
        );
      }
    }
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
      connections,
      resent: facts.resent,
      abandoned: facts.abandoned,
      latency: counts.latency,
      connect: counts.connect,
      ttfb: counts.ttfb,
      uncorrectedLatency: counts.uncorrected,
      sendLag: counts.sendLag,
      tls: counts.tlsResult('1 µs (TCP connect event to secureConnect)'),
      timeline: this.timelinePoints,
      notes,
      resolution: facts.resolution,
    };
  }
}


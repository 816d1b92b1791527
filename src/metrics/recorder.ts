// Counters and histograms of one measured load; transports feed it with positional arguments, no objects per event.

import type { ErrorCode } from '../errors.js';
import {
  ERROR_SAMPLES_PER_CODE,
  type ConnectionCounters,
  type ErrorSample,
  type ErrorSamples,
  type FailurePhase,
  type LoadResult,
  type TimelinePoint,
  type TlsSessionInfo,
} from '../measurements.js';
import { CloseCounts, CodeCounts, StatusCounts, type CloseKind } from './counters.js';
import { createHistogram, recordUs, type Histogram } from './histogram.js';
import { Timeline } from './timeline.js';

/**
 * Where a failure happened, asked only when a sample of its code is still wanted: a connection implements this
 * with getters over state it already holds, so counting a failure allocates nothing in the common case.
 */
export interface FailureContext {
  /** The parser's or the socket's own words (`invalid Content-Length`, `connect ECONNREFUSED 127.0.0.1:9`). */
  failureReason(): string;
  failurePhase(): FailurePhase;
  /** `address:port` of each end; null when the socket never got one. */
  localEndpoint(): string | null;
  remoteEndpoint(): string | null;
}

/** A failure described by plain values, for engines that learn of errors as objects anyway (undici, autocannon). */
export function describedFailure(reason: string, phase: FailurePhase, local: string | null = null, remote: string | null = null): FailureContext {
  return { failureReason: () => reason, failurePhase: () => phase, localEndpoint: () => local, remoteEndpoint: () => remote };
}

/** What a live view can read from a recorder at any moment, from counters it keeps anyway (nothing extra per request). */
export interface LiveFigures {
  /** The last whole second of the load (requests, errors, connections opened, p50/p99); null before one ended. */
  readonly lastSecond: TimelinePoint | null;
  /** Connections open now; null where the engine cannot tell. */
  readonly openConnections: number | null;
  /** Failed requests by H1B_* code and non-2xx responses as `HTTP_<status>`, so far. */
  readonly errorsByKind: Readonly<Record<string, number>>;
}

/**
 * Everything measured in one load. Every engine counts through this class, so "completed", "errors" and who
 * closed first mean the same for all of them. `active` turns counting off outside the measured window (the
 * native engine's drain after an interrupt), so the hot path never branches on a phase itself; open-socket
 * bookkeeping (`open`, `maxOpen`) runs regardless.
 */
export class LoadRecorder {
  active = false;
  sent = 0;
  /** Request bytes put on the wire (counted with `sent`). */
  bytesOut = 0;
  completed = 0;
  bytesIn = 0;
  /** Requests that ended in a classified failure (timeouts, resets, refused connects, parse errors). */
  failed = 0;
  open = 0;
  opened = 0;
  maxOpen = 0;
  readonly closes = new CloseCounts();
  readonly latency: Histogram = createHistogram();
  readonly connect: Histogram = createHistogram();
  readonly ttfb: Histogram = createHistogram();
  /** Open loop only: latency from the actual send, not the intended one. */
  readonly uncorrected: Histogram | null;
  /** Open loop only: actual send − intended send of each request (the generator's own lateness, or a backlog). */
  readonly sendLag: Histogram | null;
  /** Connections whose server announced its close but sent no FIN in time: the client closed them (see LINGER_MS). */
  serverCloseLate = 0;
  /** HTTPS only: TLS handshake time per connection (TCP connect → secure). */
  readonly tlsHandshake: Histogram | null;
  tlsFull = 0;
  tlsResumed = 0;
  /** The first negotiated session of the phase (protocol, cipher, ALPN); null until one completes. */
  tlsSession: TlsSessionInfo | null = null;
  readonly timeline = new Timeline();
  readonly statuses = new StatusCounts();
  /** Called once, when the first response is counted (Engine.firstResponse); null when nobody asked. */
  onFirstResponse: (() => void) | null = null;
  private readonly failures = new CodeCounts<ErrorSample>(ERROR_SAMPLES_PER_CODE);
  private startUs = 0;

  constructor(openLoop: boolean, tls = false) {
    this.uncorrected = openLoop ? createHistogram() : null;
    this.sendLag = openLoop ? createHistogram() : null;
    this.tlsHandshake = tls ? createHistogram() : null;
  }

  /** Start counting at `nowUs` (the measured phase's first µs). */
  begin(nowUs: number): void {
    this.active = true;
    this.startUs = nowUs;
    this.maxOpen = this.open;
    this.timeline.start(nowUs);
  }

  /** `count` requests, `bytes` long together, reached the wire (engines that do not see the bytes pass none). */
  requestsSent(count: number, bytes = 0): void {
    if (!this.active) return;
    this.sent += count;
    this.bytesOut += bytes;
  }

  /** Open loop: a request went out `lagUs` after its intended time. */
  sentLate(lagUs: number): void {
    if (this.active && this.sendLag !== null) recordUs(this.sendLag, lagUs);
  }

  /** A server announced its close but was too late with its FIN: the client closed that connection. */
  serverClosedLate(): void {
    if (this.active) this.serverCloseLate++;
  }

  bytes(count: number): void {
    if (this.active) this.bytesIn += count;
  }

  /** A complete response: `latencyUs` from the intended send (open loop) or the send, `uncorrectedUs` from the send. */
  response(nowUs: number, status: number, latencyUs: number, uncorrectedUs: number): void {
    if (!this.active) return;
    this.completed++;
    this.statuses.add(status);
    recordUs(this.latency, latencyUs);
    if (this.uncorrected !== null) recordUs(this.uncorrected, uncorrectedUs);
    this.timeline.request(nowUs, latencyUs);
    if (this.completed === 1 && this.onFirstResponse !== null) this.onFirstResponse();
  }

  firstByte(ttfbUs: number): void {
    if (this.active) recordUs(this.ttfb, ttfbUs);
  }

  /**
   * `count` requests failed with `code` (one socket error can fail every request pipelined on it). `context`
   * is read only while fewer than ERROR_SAMPLES_PER_CODE samples of `code` are kept.
   */
  error(nowUs: number, code: ErrorCode, count: number, context: FailureContext | null = null): void {
    if (!this.active || count === 0) return;
    this.failed += count;
    this.failures.add(code, count);
    this.timeline.error(nowUs, count);
    if (context !== null && this.failures.wantsSample(code)) {
      this.failures.addSample(code, {
        reason: context.failureReason(),
        phase: context.failurePhase(),
        local: context.localEndpoint(),
        remote: context.remoteEndpoint(),
        atSec: Math.round((nowUs - this.startUs) / 1000) / 1000,
      });
    }
  }

  socketOpened(nowUs: number, connectUs: number): void {
    this.open++;
    if (!this.active) return;
    this.opened++;
    if (this.open > this.maxOpen) this.maxOpen = this.open;
    recordUs(this.connect, connectUs);
    this.timeline.connection(nowUs);
  }

  /**
   * A TLS handshake completed `handshakeUs` after its TCP connect; `resumed` from `TLSSocket.isSessionReused()`.
   * Counted like socketOpened: only for connections of the measured phase.
   */
  tlsSecured(handshakeUs: number, resumed: boolean): void {
    if (!this.active) return;
    if (resumed) this.tlsResumed++;
    else this.tlsFull++;
    recordUs(this.tlsHandshake!, handshakeUs);
  }

  /** True while no session has been noted: the caller then builds the info object (once per phase). */
  get wantsTlsSession(): boolean {
    return this.active && this.tlsSession === null;
  }

  noteTlsSession(info: TlsSessionInfo): void {
    if (this.tlsSession === null) this.tlsSession = info;
  }

  /** LoadResult.tls: null for a plain load. */
  tlsResult(resolution: string): LoadResult['tls'] {
    if (this.tlsHandshake === null) return null;
    return { handshake: this.tlsHandshake, counts: { full: this.tlsFull, resumed: this.tlsResumed }, session: this.tlsSession, resolution };
  }

  /** A connected socket closed: who sent the first FIN, or an RST. */
  socketClosed(how: CloseKind): void {
    this.open--;
    if (this.active) this.closes.count(how);
  }

  /**
   * A socket that opened in the measured phase closed after reading `bytesRead` bytes; counted even once the phase
   * has ended: engines that see a socket's bytes only at its close (undici, autocannon) learn of most closes after
   * the measured phase, yet they belong to it. Such engines report only measured sockets to socketOpened, so
   * `open` counts exactly the measured sockets still open.
   */
  measuredSocketClosed(how: CloseKind, bytesRead: number): void {
    this.open--;
    this.bytesIn += bytesRead;
    this.closes.count(how);
  }

  get non2xx(): number {
    return this.statuses.non2xx();
  }

  connectionCounters(): ConnectionCounters {
    const c = this.closes;
    return {
      opened: this.opened,
      closedByServer: c.closedByServer,
      closedByClient: c.closedByClient,
      reset: c.reset,
      maxOpen: this.maxOpen,
      serverCloseLate: this.serverCloseLate,
    };
  }

  statusCodes(): Record<string, number> {
    return this.statuses.toRecord();
  }

  /** H1B_* failures plus `HTTP_<status>` for every non-2xx response, as LoadResult.errors wants. */
  errors(): Record<string, number> {
    return this.statuses.non2xxByCode(this.failures.toRecord());
  }

  errorSamples(): ErrorSamples {
    return this.failures.samplesRecord();
  }

  /** A snapshot for a live view: cheap enough for a timer (a few times a second), never called per request. */
  live(): LiveFigures {
    return { lastSecond: this.timeline.lastPoint(), openConnections: this.open, errorsByKind: this.errors() };
  }

  timelinePoints(endUs: number): TimelinePoint[] {
    return this.timeline.finish(endUs);
  }
}

// One load of the native generator: the measured phase and its drain, closed/open-loop dispatch, stop rules.

import type { Clock } from '../clock.js';
import { repeatRequest, serializeRequest } from '../http/request-serializer.js';
import { LoadRecorder } from '../metrics/recorder.js';
import type { LoadConfig, LoadProgress } from './engine.js';
import { DueTimer } from './due-timer.js';
import { RateSchedule } from './schedule.js';
import { ClientConnection, type ConnectionOwner, type Dialer, type Transport } from './transports/connection.js';
import { createTransport } from './transports/factory.js';
import { dialPlain } from './transports/socket-events.js';
import { TlsDialer, tlsDial } from './transports/tls-socket.js';

/** Every connect failing for this long while no socket is open ends the phase: the target is unreachable. */
const GIVE_UP_US = 2_000_000;
/** First and largest pause before a slot reconnects after a failed connect, so a refused target is not spun on. */
const BACKOFF_FIRST_MS = 5;
const BACKOFF_MAX_MS = 500;
/** Longest wait for in-flight requests once a phase stops issuing (without a --timeout). */
const DRAIN_DEFAULT_MS = 2000;
/** Longest wait for sockets to close after we end them (or the server announced it would). */
const CLOSE_GRACE_MS = 1000;
/** RFC 9110 §9.2.2: methods a client may send again after a close it could not foresee (RFC 9112 §9.3.1). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export class LoadRun implements ConnectionOwner {
  readonly clock: Clock;
  readonly recorder: LoadRecorder;
  readonly transport: Transport;
  /** Address connected to: the one the runner resolved and probed (never a name: no lookup per connection). */
  readonly host: string;
  readonly port: number;
  /** https://: a TLSSocket per connection; else the plain reusable socket. Chosen here, once per run. */
  readonly dial: Dialer;
  readonly timeoutMs: number;
  readonly requestSlices: Buffer[];
  readonly conns: ClientConnection[];
  stopping = true;
  inflight = 0;
  liveSockets = 0;
  resent = 0;
  readonly retryUnanswered: boolean;
  interrupted = false;
  /** Requests left unanswered when the phase ended (drain bound, interrupt, or a close while it was stopping). */
  abandoned = 0;
  /** Open loop: requests that were due in the measured phase but never sent. */
  unsent = 0;
  stopReason: 'duration' | 'requests' | 'failures' | 'bound' | 'unreachable' | 'unverified' | 'interrupted' | null = null;
  phase: LoadProgress['phase'] = 'idle';
  phaseStartUs = 0;
  endUs = 0;
  private readonly config: LoadConfig;
  private readonly schedule: RateSchedule | null;
  /** FIFO of slots free to take an open-loop request, so load spreads over connections. */
  private readonly freeRing: ClientConnection[];
  private freeHead = 0;
  private freeCount = 0;
  /** Open loop: wakes the pump at the next request's due time, on time (see DueTimer). */
  private readonly wake: DueTimer | null;
  private bound: number | null = null;
  private unreachableSinceUs = -1;
  /** No TLS handshake of this load has completed (so none was verified). */
  private verifiedNone = true;
  /** `--source` addresses and the next one to bind (round-robin per connect, so every address gets 1/n of them). */
  private readonly sources: readonly string[] | null;
  private sourceCursor = 0;
  private phaseDone: (() => void) | null = null;
  private drained: (() => void) | null = null;
  private socketsClosed: (() => void) | null = null;

  constructor(config: LoadConfig, clock: Clock, address: string) {
    this.config = config;
    this.clock = clock;
    this.transport = createTransport(config.mode, config.pipelining, config.keepAlive);
    const tls = config.tls ?? null;
    this.recorder = new LoadRecorder(config.rate !== null, tls !== null);
    this.host = address;
    this.port = config.url.port !== '' ? Number(config.url.port) : config.url.protocol === 'https:' ? 443 : 80;
    this.dial = tls === null ? dialPlain : tlsDial(new TlsDialer(tls, address, this.port));
    this.timeoutMs = config.timeoutMs;
    const request = serializeRequest({
      method: config.method,
      url: config.url,
      httpVersion: this.transport.httpVersion,
      headers: this.transport.requestFields.length === 0 ? config.headers : [...config.headers, ...this.transport.requestFields],
      body: config.body,
    });
    this.retryUnanswered = IDEMPOTENT.has(config.method.toUpperCase());
    const batch = repeatRequest(request, this.transport.depth);
    this.requestSlices = [Buffer.alloc(0)];
    for (let k = 1; k <= this.transport.depth; k++) this.requestSlices.push(batch.subarray(0, k * request.length));
    this.schedule = config.rate === null ? null : new RateSchedule(config.rate);
    this.wake = this.schedule === null ? null : new DueTimer(clock, () => this.scheduleTick());
    this.sources = config.localAddresses === undefined || config.localAddresses === null || config.localAddresses.length === 0 ? null : config.localAddresses;
    const head = config.method.toUpperCase() === 'HEAD';
    this.conns = [];
    for (let i = 0; i < config.connections; i++) this.conns.push(new ClientConnection(this, head));
    this.freeRing = new Array<ClientConnection>(config.connections);
  }

  get requestBound(): number | null {
    return this.bound;
  }

  /** Resolves when the open-loop wake is ready (its helper thread runs), so the first sends are not late by it. */
  prepare(): Promise<void> {
    return this.wake === null ? Promise.resolve() : this.wake.ready();
  }

  /** Release what outlives a load (the open-loop helper thread). */
  dispose(): void {
    this.wake?.close();
  }

  /**
   * Run the load to its end: count from `startUs`, load until the stop rule, drain in-flight requests (bounded),
   * close every socket.
   */
  async measure(startUs: number, durationMs: number, bound: number | null): Promise<void> {
    const now = startUs;
    this.phase = 'measure';
    this.phaseStartUs = now;
    this.recorder.begin(now);
    this.endUs = now;
    this.bound = bound;
    this.unreachableSinceUs = -1;
    this.stopReason = null;
    this.stopping = false;
    const stopped = new Promise<void>((resolve) => {
      this.phaseDone = resolve;
    });
    const timer = setTimeout(onPhaseTimer, durationMs, this);
    // A part of a split load starts its schedule later by its offset, so the parts' requests interleave (split.ts).
    this.schedule?.start(now + (this.config.startOffsetUs ?? 0));
    for (const conn of this.conns) this.ready(conn, now);
    await stopped;
    clearTimeout(timer);
    this.phase = 'drain';
    // After a refused certificate the connections still handshaking can only fail the same way: no drain.
    if (this.inflight > 0 && !this.interrupted && this.stopReason !== 'unverified') await this.waitDrained();
    for (const conn of this.conns) this.abandoned += conn.abandonInflight();
    this.endUs = this.clock.nowUs();
    // Closes after the end are still counted (who closed first), failures no longer: the phase is over.
    await this.closeAll();
  }

  /** Stop issuing requests; the phase then drains and closes. */
  stop(reason: NonNullable<LoadRun['stopReason']>): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopReason = reason;
    if (this.schedule !== null && this.freeCount === 0) {
      // A backlog with every connection busy; with a free one, "unsent" would only be timer granularity.
      const due = this.schedule.due(this.clock.nowUs()) - this.schedule.issued;
      this.unsent = Math.max(0, Math.min(due, this.budget()));
    }
    this.wake?.cancel();
    this.phaseDone?.();
  }

  /** Ctrl-C: stop now, count nothing more, destroy sockets. */
  interrupt(): void {
    this.interrupted = true;
    this.stop('interrupted');
    this.drained?.();
    if (this.socketsClosed !== null) for (const conn of this.conns) conn.destroyAll();
  }

  /**
   * Requests that may still be issued: `-n N` asks for N completed responses, so a failed request gives its place
   * back, until N have failed (a target that fails everything still ends the run). Completed, failed and in flight
   * never exceed N together, so the run ends with nothing in flight and never overshoots.
   */
  private budget(): number {
    if (this.bound === null) return Infinity;
    const rec = this.recorder;
    return this.bound - (rec.completed > rec.failed ? rec.completed : rec.failed) - this.inflight;
  }

  ready(conn: ClientConnection, nowUs: number): void {
    if (this.stopping) return;
    if (this.schedule === null) {
      // Closed loop: fill the connection's free capacity now (one write for a pipelined batch).
      let count = this.transport.depth - conn.inflight;
      const budget = this.budget();
      if (budget < count) count = budget;
      if (count <= 0) return;
      this.transport.send(conn, count, nowUs, nowUs);
      return;
    }
    if (!conn.free) this.pushFree(conn);
    this.pump(nowUs);
  }

  finished(): void {
    const bound = this.bound;
    if (bound !== null) {
      if (this.recorder.completed >= bound) this.stop('requests');
      else if (this.recorder.failed >= bound) this.stop('failures');
    }
    if (this.stopping && this.inflight === 0) this.drained?.();
  }

  connected(): void {
    this.unreachableSinceUs = -1;
    this.verifiedNone = false;
  }

  connectFailed(conn: ClientConnection, nowUs: number): void {
    if (this.stopping) return;
    // A certificate we refuse is refused again on every connection: stop at the first, unless some handshake of
    // this load was verified (then it is one bad server behind a balancer, worth counting).
    if (conn.errorCode === 'H1B_TLS_VERIFY' && this.verifiedNone) {
      this.stop('unverified');
      return;
    }
    if (this.recorder.open === 0) {
      if (this.unreachableSinceUs < 0) this.unreachableSinceUs = nowUs;
      else if (nowUs - this.unreachableSinceUs >= GIVE_UP_US) {
        this.stop('unreachable');
        return;
      }
    }
    conn.backoffMs = conn.backoffMs === 0 ? BACKOFF_FIRST_MS : Math.min(conn.backoffMs * 2, BACKOFF_MAX_MS);
    conn.backoffTimer = setTimeout(onBackoff, conn.backoffMs, conn);
  }

  /**
   * Round-robin per connect rather than per connection slot: slots reconnect at different rates, and with fewer
   * slots than addresses some addresses would never be used; per connect every address takes 1/n of the connects,
   * so each one's ephemeral ports (and TIME_WAIT sockets) fill evenly.
   */
  nextLocalAddress(): string | null {
    const sources = this.sources;
    if (sources === null) return null;
    const address = sources[this.sourceCursor]!;
    this.sourceCursor = this.sourceCursor + 1 === sources.length ? 0 : this.sourceCursor + 1;
    return address;
  }

  socketGone(): void {
    this.liveSockets--;
    if (this.liveSockets === 0) this.socketsClosed?.();
  }

  /**
   * Hand due open-loop requests to free connections, recording how late each goes out; arm the wake for the next
   * one when none is overdue.
   */
  pump(nowUs: number): void {
    const schedule = this.schedule!;
    const due = schedule.due(nowUs);
    let budget = this.budget();
    const depth = this.transport.depth;
    while (schedule.issued < due && this.freeCount > 0 && budget > 0) {
      const conn = this.popFree();
      if (conn.inflight >= depth || conn.backoffTimer !== null) continue;
      const intended = schedule.intendedAt(schedule.issued);
      schedule.issued++;
      budget--;
      this.recorder.sentLate(nowUs - intended);
      this.transport.send(conn, 1, nowUs, intended);
      if (conn.inflight < depth) this.pushFree(conn);
    }
    const wake = this.wake!;
    if (schedule.issued >= due && !wake.armed && budget > 0) wake.arm(schedule.intendedAt(schedule.issued));
  }

  scheduleTick(): void {
    if (!this.stopping) this.pump(this.clock.nowUs());
  }

  progress(): LoadProgress {
    return {
      phase: this.phase,
      elapsedMs: this.phase === 'idle' ? 0 : Math.max(0, (this.clock.nowUs() - this.phaseStartUs) / 1000),
      totalMs: this.config.requests === null ? this.config.durationMs : null,
      completed: this.recorder.completed,
      targetRequests: this.config.requests,
      errors: this.recorder.failed,
      live: this.phase === 'idle' ? null : this.recorder.live(),
    };
  }

  private pushFree(conn: ClientConnection): void {
    conn.free = true;
    this.freeRing[(this.freeHead + this.freeCount) % this.freeRing.length] = conn;
    this.freeCount++;
  }

  private popFree(): ClientConnection {
    const conn = this.freeRing[this.freeHead]!;
    this.freeHead = (this.freeHead + 1) % this.freeRing.length;
    this.freeCount--;
    conn.free = false;
    return conn;
  }

  private waitDrained(): Promise<void> {
    const limitMs = this.timeoutMs > 0 ? this.timeoutMs : DRAIN_DEFAULT_MS;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, limitMs);
      this.drained = () => {
        clearTimeout(timer);
        this.drained = null;
        resolve();
      };
    });
  }

  /**
   * End every open socket (ours first) and wait for all to close; a socket still waiting for the FIN its server
   * announced keeps waiting, within its own bound (LINGER_MS).
   */
  private async closeAll(): Promise<void> {
    this.freeCount = 0;
    for (const conn of this.conns) {
      conn.clearTimers();
      conn.free = false;
      conn.backoffMs = 0;
      if (this.interrupted) conn.destroyAll();
      else if (conn.socket === null) continue;
      else if (!conn.connected) conn.destroySocket();
      else conn.endSocket();
    }
    if (this.liveSockets === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const conn of this.conns) conn.destroyAll();
      }, CLOSE_GRACE_MS);
      this.socketsClosed = () => {
        clearTimeout(timer);
        this.socketsClosed = null;
        resolve();
      };
    });
  }
}

/** The phase's time is up: its duration, or the safety bound of a request-count run. */
function onPhaseTimer(run: LoadRun): void {
  run.stop(run.requestBound === null ? 'duration' : 'bound');
}

function onBackoff(conn: ClientConnection): void {
  conn.backoffTimer = null;
  conn.owner.ready(conn, conn.owner.clock.nowUs());
}

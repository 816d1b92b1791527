// One load of the undici engine: a Pool and the request slots that keep it loaded.

import { Pool, type Dispatcher } from 'undici';
import type { Clock } from '../../clock.js';
import type { LoadConfig } from '../engine.js';
import { DueTimer } from '../due-timer.js';
import type { ReferenceRun } from './reference-run.js';
import { countingConnector } from './undici-connector.js';
import { classifyUndiciError } from './undici-errors.js';

/**
 * One in-flight request slot and its undici dispatch handler. Closed loop: a slot re-dispatches
 * itself when its response ends, so there is no allocation or closure per request. The legacy
 * handler callbacks are used on purpose: the newer ones make undici parse every header block into
 * an object, which would be charged to the generator's CPU.
 */
class Slot implements Dispatcher.DispatchHandler {
  /** When we handed the request to undici (closed loop: the latency origin). */
  startUs = 0;
  /** Open loop: when the request was due (the latency origin, wrk2 style). */
  intendedUs = 0;
  /** When undici wrote it to a socket. */
  sentUs = -1;
  firstByteUs = -1;
  status = 0;

  constructor(private readonly load: UndiciLoad) {}

  onConnect(): void {
    this.sentUs = this.load.clock.nowUs();
    this.load.sent(this);
  }

  onResponseStarted(): void {
    this.firstByteUs = this.load.clock.nowUs();
  }

  onHeaders(statusCode: number): boolean {
    // 1xx heads arrive here too; the final status overwrites them.
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    this.load.complete(this);
  }

  onError(err: Error): void {
    this.load.fail(this, err);
  }
}

/** One load on its own Pool, so its handshakes start from zero. */
export class UndiciLoad {
  readonly clock: Clock;
  readonly pool: Pool;
  private readonly slots: Slot[] = [];
  private inFlight = 0;
  private completed = 0;
  private failed = 0;
  private stopping = false;
  private ignoreErrors = false;
  private nextDueUs = 0;
  private readonly intervalUs: number;
  /** Open loop: wakes `tick` at the next due time without oversleeping (the native engine's scheduler); null closed. */
  private readonly wake: DueTimer | null;
  private idle: (() => void) | null = null;

  constructor(
    private readonly recorder: ReferenceRun,
    private readonly config: LoadConfig,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly limit: number,
  ) {
    this.clock = recorder.clock;
    this.intervalUs = config.rate === null ? 0 : 1_000_000 / config.rate;
    this.wake = config.rate === null ? null : new DueTimer(this.clock, () => this.tick());
    const pipelining = config.mode === 'pipeline' ? config.pipelining : 1;
    this.pool = new Pool(config.url.origin, {
      connections: config.connections,
      pipelining,
      connect: countingConnector(recorder, config),
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      // Idle sockets must survive the whole run: a reconnect would be an extra handshake.
      keepAliveTimeout: 600_000,
      keepAliveMaxTimeout: 600_000,
    });
    const slotCount = config.connections * pipelining;
    for (let i = 0; i < slotCount; i++) this.slots.push(new Slot(this));
  }

  /** Resolves when the open-loop wake is ready, so the first sends are not late by its start-up. */
  ready(): Promise<void> {
    return this.wake === null ? Promise.resolve() : this.wake.ready();
  }

  start(): void {
    if (this.config.rate === null) {
      for (const slot of this.slots) {
        if (this.budget() <= 0) break;
        this.dispatch(slot, this.clock.nowUs());
      }
    } else {
      this.nextDueUs = this.clock.nowUs();
      this.tick();
    }
  }

  /** Stop issuing; resolves when nothing is in flight (or after `boundMs`, abandoning the rest). */
  stop(boundMs: number): Promise<number> {
    this.stopping = true;
    this.wake?.cancel();
    if (this.inFlight === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idle = null;
        resolve(this.inFlight);
      }, boundMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve(0);
      };
    });
  }

  /** Resolves when the request limit has been reached and every response is in. */
  whenLimitReached(): Promise<void> {
    return new Promise((resolve) => {
      this.idle = resolve;
    });
  }

  async destroy(): Promise<void> {
    // Failures caused by our own teardown are not the server's errors.
    this.ignoreErrors = true;
    this.stopping = true;
    this.wake?.close();
    // What undici still holds open now, it closes because the load ended: certainly the client's closes.
    this.recorder.beginTeardown();
    await this.pool.destroy();
  }

  /** undici wrote `slot`'s request: open loop, how late against its intended time (its own queueing included). */
  sent(slot: Slot): void {
    if (this.config.rate !== null) this.recorder.counts.sentLate(slot.sentUs - slot.intendedUs);
  }

  complete(slot: Slot): void {
    this.inFlight--;
    this.completed++;
    const now = this.clock.nowUs();
    const origin = this.config.rate === null ? slot.startUs : slot.intendedUs;
    const ttfb = slot.firstByteUs < 0 ? -1 : slot.firstByteUs - origin;
    const uncorrected = slot.sentUs < 0 ? now - slot.startUs : now - slot.sentUs;
    this.recorder.response(slot.status, now - origin, ttfb, uncorrected, now);
    this.next(slot);
  }

  fail(slot: Slot, err: Error): void {
    this.inFlight--;
    if (!this.ignoreErrors) {
      this.failed++;
      const where = slot.sentUs < 0 ? 'connect' : slot.firstByteUs < 0 ? 'head' : 'body';
      this.recorder.failure(classifyUndiciError(err), this.clock.nowUs(), err.message, where);
    }
    this.next(slot);
  }

  /**
   * Requests that may still be dispatched: the limit counts completed requests (as the native engine's -n), a failed
   * one gives its place back until as many have failed.
   */
  private budget(): number {
    return this.limit - Math.max(this.completed, this.failed) - this.inFlight;
  }

  private limitReached(): boolean {
    return this.completed >= this.limit || this.failed >= this.limit;
  }

  private next(slot: Slot): void {
    if (this.config.rate === null && !this.stopping && this.budget() > 0) {
      this.dispatch(slot, this.clock.nowUs());
      return;
    }
    if (this.config.rate !== null) {
      this.slots.push(slot);
      // A failure gave its place back under the limit: due requests may go again.
      if (!this.stopping && !this.wake!.armed && this.budget() > 0) this.tick();
    }
    if (this.inFlight === 0 && this.idle !== null && (this.stopping || this.limitReached())) {
      const idle = this.idle;
      this.idle = null;
      idle();
    }
  }

  private dispatch(slot: Slot, nowUs: number): void {
    this.inFlight++;
    slot.startUs = nowUs;
    slot.sentUs = -1;
    slot.firstByteUs = -1;
    slot.status = 0;
    this.recorder.requestSent();
    this.pool.dispatch(this.options, slot);
  }

  /** Open loop: issue every request that is due (recording how late), then wake at the next one. */
  private tick(): void {
    const now = this.clock.nowUs();
    while (!this.stopping && this.budget() > 0 && this.nextDueUs <= now) {
      const slot = this.slots.pop() ?? new Slot(this);
      slot.intendedUs = Math.round(this.nextDueUs);
      this.dispatch(slot, now);
      this.nextDueUs += this.intervalUs;
    }
    // Once the limit is reached, the last completion resolves `whenLimitReached` (see next()).
    if (this.stopping || this.budget() <= 0) return;
    this.wake!.arm(Math.round(this.nextDueUs));
  }
}

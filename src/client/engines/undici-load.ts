// One load of the undici engine: a Pool and the request slots that keep it loaded.

import { Pool, type Dispatcher } from 'undici';
import type { Clock } from '../../clock.js';
import type { LoadConfig } from '../engine.js';
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
  private issued = 0;
  private stopping = false;
  private ignoreErrors = false;
  private nextDueUs = 0;
  private readonly intervalUs: number;
  private timer: NodeJS.Timeout | null = null;
  private idle: (() => void) | null = null;
  private readonly schedule = (): void => this.tick();

  constructor(
    private readonly recorder: ReferenceRun,
    private readonly config: LoadConfig,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly limit: number,
  ) {
    this.clock = recorder.clock;
    this.intervalUs = config.rate === null ? 0 : 1_000_000 / config.rate;
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

  start(): void {
    if (this.config.rate === null) {
      for (const slot of this.slots) {
        if (this.issued >= this.limit) break;
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
    if (this.timer !== null) clearTimeout(this.timer);
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
    if (this.timer !== null) clearTimeout(this.timer);
    await this.pool.destroy();
  }

  complete(slot: Slot): void {
    this.inFlight--;
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
      const where = slot.sentUs < 0 ? 'connect' : slot.firstByteUs < 0 ? 'head' : 'body';
      this.recorder.failure(classifyUndiciError(err), this.clock.nowUs(), err.message, where);
    }
    this.next(slot);
  }

  private next(slot: Slot): void {
    if (this.config.rate === null && !this.stopping && this.issued < this.limit) {
      this.dispatch(slot, this.clock.nowUs());
      return;
    }
    if (this.config.rate !== null) this.slots.push(slot);
    if (this.inFlight === 0 && this.idle !== null && (this.stopping || this.issued >= this.limit)) {
      const idle = this.idle;
      this.idle = null;
      idle();
    }
  }

  private dispatch(slot: Slot, nowUs: number): void {
    this.issued++;
    this.inFlight++;
    slot.startUs = nowUs;
    slot.sentUs = -1;
    slot.firstByteUs = -1;
    slot.status = 0;
    this.recorder.requestSent();
    this.pool.dispatch(this.options, slot);
  }

  /** Open loop: issue every request that is due, then sleep until the next one. */
  private tick(): void {
    this.timer = null;
    const now = this.clock.nowUs();
    while (!this.stopping && this.issued < this.limit && this.nextDueUs <= now) {
      const slot = this.slots.pop() ?? new Slot(this);
      slot.intendedUs = this.nextDueUs;
      this.dispatch(slot, now);
      this.nextDueUs += this.intervalUs;
    }
    // Once the limit is reached, the last completion resolves `whenLimitReached` (see next()).
    if (this.stopping || this.issued >= this.limit) return;
    this.timer = setTimeout(this.schedule, Math.max(0, Math.floor((this.nextDueUs - now) / 1000)));
  }
}

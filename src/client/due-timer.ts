// Wakes the open-loop scheduler at a due time with microsecond precision: a helper thread sleeps, the loop never spins.

import { Worker } from 'node:worker_threads';
import type { Clock } from '../clock.js';

/**
 * The helper thread: it sleeps on a futex (Atomics.wait, µs timeouts) until the armed target on the shared monotonic
 * clock, then posts the arming's generation back. Re-arming or cancelling bumps the generation and wakes it.
 * CommonJS, run with `eval`, so the package ships no extra file.
 */
const HELPER = `
const { parentPort, workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData, 0, 2);
const target = new Float64Array(workerData, 8, 1);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
let handled = 0;
for (;;) {
  const gen = Atomics.load(ctl, 0);
  if (Atomics.load(ctl, 1) !== 0) break;
  if (gen === handled) { Atomics.wait(ctl, 0, gen); continue; }
  const due = target[0];
  let rearmed = false;
  for (let now = nowUs(); due >= 0 && now < due; now = nowUs()) {
    if (Atomics.wait(ctl, 0, gen, (due - now) / 1000) !== 'timed-out') { rearmed = true; break; }
  }
  if (rearmed || Atomics.load(ctl, 0) !== gen) continue;
  handled = gen;
  if (due >= 0) parentPort.postMessage(gen);
}
`;

const hrUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * The helper wakes the loop early by twice the wake-up latency it measures (a futex wake plus the loop's own, ~50 to
 * a few hundred µs, longer on a busy machine or after a long sleep), and the loop covers the rest in `setImmediate`
 * turns, so most sends leave within microseconds of their time. The turns take at most SPIN_MAX_US and an eighth of
 * the wait per wake: at 50 req/s at most 5% of a core, at any rate at most 12.5%; where that is not enough (a busy
 * machine at high rates) the rest shows as send lag.
 */
export const SPIN_MAX_US = 1000;
/** Wake-up latency assumed before the first measurement (µs). */
const WAKE_LATE_START_US = 100;

/**
 * Calls `fire` at a due time, on time. Node's own timers have 1 ms granularity and a loop time cached per iteration,
 * so a timer alone wakes up to ~1 ms late, and in open loop that lateness would be charged to the server as if it
 * were queueing (F5 of issue #12). Spinning the loop until the due time is precise on an idle machine but costs a
 * core at high rates, and on a busy one the scheduler punishes the spinner with longer delays. So a helper thread
 * sleeps until the due time and wakes the loop (one message per wake): the loop sleeps in epoll meanwhile, and both
 * threads, as sleepers, are woken promptly even on a loaded machine. Without worker threads, a plain timer.
 */
export class DueTimer {
  private readonly shared = new SharedArrayBuffer(16);
  private readonly ctl = new Int32Array(this.shared, 0, 2);
  private readonly target = new Float64Array(this.shared, 8, 1);
  private readonly worker: Worker | null;
  private readonly online: Promise<void>;
  private generation = 0;
  private pending = false;
  private fallback: NodeJS.Timeout | null = null;
  private dueUs = 0;
  private turn: NodeJS.Immediate | null = null;
  /** Smoothed lateness of the helper's wakes against its target (µs): how early to ask for the next one. */
  private wakeLateUs = WAKE_LATE_START_US;
  private readonly onMessage = (generation: number): void => {
    if (!this.pending || generation !== this.generation) return;
    const late = hrUs() - this.target[0]!;
    // An eighth per wake; a descheduled moment (tens of ms) must not make every later wake spin for a millisecond.
    this.wakeLateUs += ((late < 0 ? 0 : late > SPIN_MAX_US ? SPIN_MAX_US : late) - this.wakeLateUs) / 8;
    this.onTurn();
  };
  private readonly onTurn = (): void => {
    this.turn = null;
    if (!this.pending) return;
    if (this.clock.nowUs() < this.dueUs && hrUs() < this.spinUntilUs) {
      this.turn = setImmediate(this.onTurn);
      return;
    }
    this.pending = false;
    this.fire();
  };
  /** hrtime µs past which the turns stop waiting for the clock (an injected clock that never moves). */
  private spinUntilUs = 0;
  private readonly onFallback = (): void => {
    this.fallback = null;
    this.pending = false;
    this.fire();
  };

  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
  ) {
    let worker: Worker | null = null;
    try {
      worker = new Worker(HELPER, { eval: true, workerData: this.shared });
      worker.unref();
      worker.on('message', this.onMessage);
    } catch {
      worker = null;
    }
    this.worker = worker;
    this.online = worker === null ? Promise.resolve() : new Promise<void>((resolve) => {
      worker.once('online', resolve);
      // A helper that fails to start leaves the fallback timer in charge.
      worker.once('error', () => resolve());
    });
  }

  /** Resolves once the helper thread runs, so the first wakes of a measured phase are not late by its start-up. */
  ready(): Promise<void> {
    return this.online;
  }

  get armed(): boolean {
    return this.pending;
  }

  /** Call `fire` at `dueUs` (the clock's µs); replaces any earlier arming. */
  arm(dueUs: number): void {
    this.pending = true;
    const waitUs = dueUs - this.clock.nowUs();
    if (this.worker === null) {
      if (this.fallback !== null) clearTimeout(this.fallback);
      this.fallback = setTimeout(this.onFallback, Math.max(0, Math.ceil(waitUs / 1000)));
      return;
    }
    // The helper sleeps on the shared monotonic clock (hrtime); an injected clock only says how long from now.
    const now = hrUs();
    this.dueUs = dueUs;
    this.spinUntilUs = now + waitUs;
    if (this.turn !== null) clearImmediate(this.turn);
    this.turn = null;
    const early = Math.min(SPIN_MAX_US, 2 * this.wakeLateUs, waitUs / 8);
    this.target[0] = now + waitUs - early;
    this.generation = (this.generation + 1) | 0;
    Atomics.store(this.ctl, 0, this.generation);
    Atomics.notify(this.ctl, 0);
  }

  cancel(): void {
    if (!this.pending) return;
    this.pending = false;
    if (this.fallback !== null) clearTimeout(this.fallback);
    this.fallback = null;
    if (this.turn !== null) clearImmediate(this.turn);
    this.turn = null;
    if (this.worker === null) return;
    this.target[0] = -1;
    this.generation = (this.generation + 1) | 0;
    Atomics.store(this.ctl, 0, this.generation);
    Atomics.notify(this.ctl, 0);
  }

  /** Stop the helper thread (end of the load). */
  close(): void {
    this.cancel();
    if (this.worker === null) return;
    Atomics.store(this.ctl, 1, 1);
    Atomics.notify(this.ctl, 0);
    void this.worker.terminate();
  }
}

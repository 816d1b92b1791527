// Open-loop schedule: requests due at a constant rate from a start time (the wrk2 model of intended send times).

/**
 * Request i is due at start + i / rate. Latency is measured from that intended time, not from when a connection was
 * free to send it, so a stalled server cannot hide its queueing delay (coordinated omission).
 */
export class RateSchedule {
  readonly intervalUs: number;
  startUs = 0;
  /** Requests handed to a connection so far. */
  issued = 0;

  constructor(rate: number) {
    this.intervalUs = 1_000_000 / rate;
  }

  start(nowUs: number): void {
    this.startUs = nowUs;
    this.issued = 0;
  }

  /** How many requests are due by `nowUs` (the first one at the start). */
  due(nowUs: number): number {
    return Math.floor((nowUs - this.startUs) / this.intervalUs) + 1;
  }

  /** Intended send time of request `index` (integer µs). */
  intendedAt(index: number): number {
    return Math.round(this.startUs + index * this.intervalUs);
  }
}

/**
 * Last stretch before a due time spent in event-loop turns instead of a timer: Node's timers have 1 ms granularity
 * and a loop time cached per iteration, so a timer alone wakes up to ~1 ms late (or early), and that lateness would be
 * charged to the server as if it were queueing. 1 ms of turns at most per wake keeps a low rate cheap (at 50 req/s,
 * at most 5% of a core); at high rates due times are closer than this and the loop turns between sends.
 */
export const SPIN_US = 1000;

/**
 * Wakes `fire` at a due time without oversleeping: a coarse timer to SPIN_US before it, then `setImmediate` turns
 * (I/O still runs between them) until the clock reaches it. The spin is bounded by real time as well, so an injected
 * clock that never moves cannot hold the loop.
 */
export class DueTimer {
  private dueUs = 0;
  /** performance.now() in µs past which the spin stops waiting for the clock. */
  private spinUntilUs = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly onTimer = (): void => {
    this.timer = null;
    this.turn();
  };
  private readonly onTurn = (): void => {
    this.immediate = null;
    this.turn();
  };

  constructor(
    private readonly clock: { nowUs(): number },
    private readonly fire: () => void,
  ) {}

  get armed(): boolean {
    return this.timer !== null || this.immediate !== null;
  }

  /** Call `fire` at `dueUs` (the clock's µs); replaces any earlier arming. */
  arm(dueUs: number): void {
    this.cancel();
    this.dueUs = dueUs;
    const waitUs = dueUs - this.clock.nowUs();
    this.spinUntilUs = performance.now() * 1000 + waitUs;
    const sleepMs = Math.floor((waitUs - SPIN_US) / 1000);
    if (sleepMs >= 1) this.timer = setTimeout(this.onTimer, sleepMs);
    else this.immediate = setImmediate(this.onTurn);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private turn(): void {
    if (this.clock.nowUs() >= this.dueUs || performance.now() * 1000 >= this.spinUntilUs) this.fire();
    else this.immediate = setImmediate(this.onTurn);
  }
}

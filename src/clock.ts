// Monotonic time in integer microseconds and the interval timers that act on it, both injectable so tests are deterministic.

export interface Clock {
  /** Monotonic microseconds (integer). Only differences are meaningful. */
  nowUs(): number;
}

const NS_PER_US = 1000n;

/** hrtime-backed clock: integer µs, never goes backwards. */
export const monotonicClock: Clock = {
  nowUs: () => Number(process.hrtime.bigint() / NS_PER_US),
};

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private current: number;
  constructor(startUs = 0) {
    this.current = startUs;
  }
  nowUs(): number {
    return this.current;
  }
  advanceUs(deltaUs: number): void {
    this.current += deltaUs;
  }
  advanceMs(deltaMs: number): void {
    this.current += deltaMs * 1000;
  }
}

/** What an interval timer hands back; only `unref()` is used (a sweep alone must not keep the process alive). */
export interface IntervalHandle {
  unref(): unknown;
}

/**
 * The interval timers of code that sweeps on a period (the server's deadline sweep). Injected next to the Clock:
 * with a ManualClock, a test passes ManualTimers and fires the sweep by moving the clock instead of sleeping.
 * The callback takes one argument so callers keep a module-level function and make no closure.
 */
export interface Timers {
  setInterval<A>(callback: (arg: A) => void, ms: number, arg: A): IntervalHandle;
  clearInterval(handle: IntervalHandle): void;
}

/** Node's own timers: what every production caller gets. */
export const systemTimers: Timers = {
  setInterval: <A>(callback: (arg: A) => void, ms: number, arg: A): NodeJS.Timeout => setInterval(callback, ms, arg),
  // Handles passed back here come from setInterval above, so they are Node Timeouts.
  clearInterval: (handle: IntervalHandle): void => clearInterval(handle as NodeJS.Timeout),
};

interface ManualInterval extends IntervalHandle {
  readonly fire: () => void;
  readonly periodUs: number;
  dueUs: number;
}

/**
 * Interval timers driven by a ManualClock: `advanceMs` moves the clock to each due time in order and runs the
 * interval there, as the event loop would, so a deadline swept every 20 ms fires at the first sweep past it.
 * Callbacks run synchronously inside `advanceMs`.
 */
export class ManualTimers implements Timers {
  private readonly intervals = new Set<ManualInterval>();

  constructor(private readonly clock: ManualClock) {}

  setInterval<A>(callback: (arg: A) => void, ms: number, arg: A): IntervalHandle {
    // Node clamps a period below 1 ms to 1 ms.
    const periodUs = Math.max(1, ms) * 1000;
    const interval: ManualInterval = {
      fire: () => callback(arg),
      periodUs,
      dueUs: this.clock.nowUs() + periodUs,
      unref: () => interval,
    };
    this.intervals.add(interval);
    return interval;
  }

  clearInterval(handle: IntervalHandle): void {
    this.intervals.delete(handle as ManualInterval);
  }

  /** Intervals set and not cleared. */
  get active(): number {
    return this.intervals.size;
  }

  /** Move the clock forward by `deltaMs`, running every interval each time it comes due on the way. */
  advanceMs(deltaMs: number): void {
    const targetUs = this.clock.nowUs() + deltaMs * 1000;
    for (;;) {
      let next: ManualInterval | null = null;
      for (const interval of this.intervals) {
        if (interval.dueUs <= targetUs && (next === null || interval.dueUs < next.dueUs)) next = interval;
      }
      if (next === null) break;
      if (next.dueUs > this.clock.nowUs()) this.clock.advanceUs(next.dueUs - this.clock.nowUs());
      next.dueUs += next.periodUs;
      next.fire();
    }
    this.clock.advanceUs(targetUs - this.clock.nowUs());
  }
}

export const usToMs = (us: number): number => us / 1000;

// Monotonic time in integer microseconds, injectable so tests are deterministic.

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

export const usToMs = (us: number): number => us / 1000;

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


// Per-second timeline of a measured phase: requests, errors, connections opened, p50/p99 of that second.

import type { TimelinePoint } from '../measurements.js';
import { createHistogram, percentileUs, recordUs, type Histogram } from './histogram.js';
import { round3 } from '../numbers.js';

const SECOND_US = 1_000_000;

/**
 * Buckets events by the second (since `start`) in which they happened. Seconds roll lazily when an event of a later
 * second arrives, so no timer runs; one histogram is reused (reset) for every second.
 */
export class Timeline {
  readonly points: TimelinePoint[] = [];
  private startUs = 0;
  private second = 0;
  private boundaryUs = SECOND_US;
  private requests = 0;
  private errors = 0;
  private opened = 0;
  private readonly histogram: Histogram = createHistogram();

  start(startUs: number): void {
    this.points.length = 0;
    this.startUs = startUs;
    this.second = 0;
    this.boundaryUs = startUs + SECOND_US;
    this.clearSecond();
  }

  request(nowUs: number, latencyUs: number): void {
    if (nowUs >= this.boundaryUs) this.roll(nowUs);
    this.requests++;
    recordUs(this.histogram, latencyUs);
  }

  error(nowUs: number, count: number): void {
    if (nowUs >= this.boundaryUs) this.roll(nowUs);
    this.errors += count;
  }

  connection(nowUs: number): void {
    if (nowUs >= this.boundaryUs) this.roll(nowUs);
    this.opened++;
  }

  /** The last whole second flushed so far (a live view's "last second"); null before the first second ended. */
  lastPoint(): TimelinePoint | null {
    return this.points.length > 0 ? (this.points[this.points.length - 1] as TimelinePoint) : null;
  }

  /** Flush through `endUs`: every second that began before it gets a point, the last one possibly partial. */
  finish(endUs: number): TimelinePoint[] {
    if (endUs > this.startUs) {
      const lastSecond = Math.ceil((endUs - this.startUs) / SECOND_US) - 1;
      if (lastSecond > this.second) this.roll(this.startUs + lastSecond * SECOND_US);
      // A trailing partial second in which nothing happened (the drain) would read as a stall: leave it out.
      const idle = this.requests === 0 && this.errors === 0 && this.opened === 0;
      if (!(idle && this.second > 0 && endUs < this.boundaryUs)) this.flush();
    }
    return this.points;
  }

  private roll(nowUs: number): void {
    this.flush();
    const target = Math.floor((nowUs - this.startUs) / SECOND_US);
    // Seconds with no event still get a (zero) point, so the timeline has no holes.
    for (let s = this.second + 1; s < target; s++) this.points.push({ second: s, requests: 0, errors: 0, connectionsOpened: 0, p50Ms: 0, p99Ms: 0 });
    this.second = target;
    this.boundaryUs = this.startUs + (target + 1) * SECOND_US;
  }

  private flush(): void {
    const h = this.histogram;
    this.points.push({
      second: this.second,
      requests: this.requests,
      errors: this.errors,
      connectionsOpened: this.opened,
      p50Ms: round3(percentileUs(h, 50) / 1000),
      p99Ms: round3(percentileUs(h, 99) / 1000),
    });
    this.clearSecond();
  }

  private clearSecond(): void {
    this.requests = 0;
    this.errors = 0;
    this.opened = 0;
    this.histogram.reset();
  }
}

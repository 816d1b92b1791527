// Merging per-second timelines of loads that ran side by side (worker threads, shards): counts summed per second.

import type { TimelinePoint } from '../measurements.js';
import { round3 } from '../numbers.js';

/** One part's timeline and where its second 0 falls in the merged one. */
export interface TimelinePart {
  readonly points: readonly TimelinePoint[];
  /** Whole seconds from the merged timeline's start to this part's start (≥ 0). */
  readonly shiftSec: number;
}

/**
 * One timeline for parts that ran at the same time: second s of the result holds, for every part, its second
 * `s − shiftSec`. Requests, errors and connections opened are summed, so they stay exact. A second's percentiles
 * cannot be merged from percentiles: p50Ms is the request-weighted mean of the parts' p50s (an estimate between
 * their smallest and largest) and p99Ms the largest part's p99 (an upper bound); the run's own percentiles come
 * from merged histograms and are exact. Seconds no part covers are zero points, so the result has no holes.
 *
 * @param parts the timelines; shifts are whole seconds ≥ 0
 * @returns points for seconds 0 … last covered second, in order
 */
export function mergeTimelines(parts: readonly TimelinePart[]): TimelinePoint[] {
  let last = -1;
  for (const part of parts) {
    for (const point of part.points) last = Math.max(last, point.second + part.shiftSec);
  }
  const merged: TimelinePoint[] = [];
  const weighted: number[] = [];
  for (let second = 0; second <= last; second++) {
    merged.push({ second, requests: 0, errors: 0, connectionsOpened: 0, p50Ms: 0, p99Ms: 0 });
    weighted.push(0);
  }
  for (const part of parts) {
    for (const point of part.points) {
      const index = point.second + part.shiftSec;
      const into = merged[index]!;
      into.requests += point.requests;
      into.errors += point.errors;
      into.connectionsOpened += point.connectionsOpened;
      weighted[index]! += point.p50Ms * point.requests;
      if (point.p99Ms > into.p99Ms) into.p99Ms = point.p99Ms;
    }
  }
  for (let index = 0; index < merged.length; index++) {
    const point = merged[index]!;
    point.p50Ms = point.requests > 0 ? round3(weighted[index]! / point.requests) : 0;
  }
  return merged;
}

// Timelines of parts that ran together: counts summed per second, shifted parts, no holes, per-second percentile rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimelinePoint } from '../../src/measurements.js';
import { mergeTimelines } from '../../src/metrics/timeline-merge.js';

const point = (second: number, requests: number, p50Ms: number, p99Ms: number, errors = 0, connectionsOpened = 0): TimelinePoint => ({
  second,
  requests,
  errors,
  connectionsOpened,
  p50Ms,
  p99Ms,
});

test('counts are summed per second; p50 is the request-weighted mean, p99 the largest', () => {
  const merged = mergeTimelines([
    { points: [point(0, 100, 1, 4, 1, 10), point(1, 300, 2, 5)], shiftSec: 0 },
    { points: [point(0, 300, 3, 9, 2, 5), point(1, 100, 2, 3)], shiftSec: 0 },
  ]);
  assert.deepEqual(merged, [point(0, 400, 2.5, 9, 3, 15), point(1, 400, 2, 5)]);
});

test('a part shifted by s seconds lands s seconds later; uncovered seconds are zero points', () => {
  const merged = mergeTimelines([
    { points: [point(0, 10, 1, 1)], shiftSec: 0 },
    { points: [point(0, 20, 2, 2), point(1, 20, 2, 2)], shiftSec: 2 },
  ]);
  assert.deepEqual(merged, [point(0, 10, 1, 1), point(1, 0, 0, 0), point(2, 20, 2, 2), point(3, 20, 2, 2)]);
  assert.deepEqual(mergeTimelines([]), []);
});

// Per-second timeline: bucketing by second, empty seconds filled, trailing idle partial second dropped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timeline } from '../../src/metrics/timeline.js';

const S = 1_000_000;

test('events land in the second they happened in; holes become zero points', () => {
  const t = new Timeline();
  const start = 5 * S;
  t.start(start);
  t.request(start + 10, 1000);
  t.request(start + 0.5 * S, 3000);
  t.connection(start + 0.2 * S);
  t.error(start + 0.9 * S, 2);
  t.request(start + 3.1 * S, 7000); // seconds 1 and 2 are empty
  const points = t.finish(start + 3.5 * S);
  assert.deepEqual(
    points.map((p) => [p.second, p.requests, p.errors, p.connectionsOpened]),
    [
      [0, 2, 2, 1],
      [1, 0, 0, 0],
      [2, 0, 0, 0],
      [3, 1, 0, 0],
    ],
  );
  // HdrHistogram at 3 significant digits: equal within 0.1%.
  const near = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) <= expected * 0.001, `${actual} ≈ ${expected}`);
  near(points[0]!.p50Ms, 1);
  near(points[0]!.p99Ms, 3);
  near(points[3]!.p50Ms, 7);
});

test('a trailing partial second with no event (the drain) is left out; one with events is kept', () => {
  const t = new Timeline();
  t.start(0);
  t.request(0.5 * S, 100);
  t.request(1.5 * S, 100);
  assert.deepEqual(t.finish(2.01 * S).map((p) => p.second), [0, 1]);
  const u = new Timeline();
  u.start(0);
  u.request(0.5 * S, 100);
  u.request(2.005 * S, 100);
  assert.deepEqual(u.finish(2.01 * S).map((p) => p.requests), [1, 0, 1]);
});

test('start() resets everything for a new phase', () => {
  const t = new Timeline();
  t.start(0);
  t.request(10, 100);
  t.start(100 * S);
  t.request(100 * S + 10, 200);
  const points = t.finish(100.5 * S);
  assert.equal(points.length, 1);
  assert.equal(points[0]!.requests, 1);
});

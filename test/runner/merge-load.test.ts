// Merging the threads' results of a --workers load: percentiles equal one histogram of all samples, counts summed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadResult, WorkerShare } from '../../src/measurements.js';
import { createHistogram, recordUs, summarizeMs, type Histogram } from '../../src/metrics/histogram.js';
import { mergeLoadResults } from '../../src/runner/merge-load.js';
import { fromPortable, toPortable } from '../../src/runner/worker-protocol.js';

/** Deterministic pseudo-random samples (a linear congruential generator): a long tail, µs. */
function samples(seed: number, count: number): number[] {
  let state = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const uniform = state / 2 ** 31;
    out.push(Math.round(50 + 200 * uniform + (uniform > 0.99 ? 40_000 * uniform : 0)));
  }
  return out;
}

function histogramOf(values: readonly number[]): Histogram {
  const histogram = createHistogram();
  for (const value of values) recordUs(histogram, value);
  return histogram;
}

function part(values: readonly number[], over: Partial<LoadResult>): LoadResult {
  return {
    engine: 'native',
    engineVersion: '0.1.0',
    httpVersionOnWire: '1.1',
    startedAtMs: 1_000,
    measuredUs: 2_000_000,
    interrupted: false,
    sent: values.length,
    completed: values.length,
    non2xx: 0,
    statusCodes: { '200': values.length },
    bytesIn: values.length * 100,
    errors: {},
    errorSamples: {},
    connections: { opened: 5, closedByServer: 0, closedByClient: 5, reset: 0, maxOpen: 5, serverCloseLate: 0 },
    resent: 0,
    abandoned: 0,
    latency: histogramOf(values),
    connect: histogramOf([100, 120, 130, 140, 150]),
    ttfb: histogramOf(values.map((value) => value / 2)),
    uncorrectedLatency: null,
    sendLag: null,
    tls: null,
    timeline: [
      { second: 0, requests: Math.floor(values.length / 2), errors: 0, connectionsOpened: 5, p50Ms: 0.15, p99Ms: 0.3 },
      { second: 1, requests: values.length - Math.floor(values.length / 2), errors: 0, connectionsOpened: 0, p50Ms: 0.15, p99Ms: 0.3 },
    ],
    notes: ['same everywhere'],
    resolution: { latency: '1 µs', connect: '1 µs', ttfb: '1 µs' },
    ...over,
  };
}

const share = (index: number, completed: number): WorkerShare => ({ index, connections: 5, requests: null, completed, errors: 0, cpu: { userSec: 0.1, systemSec: 0.05 } });

test('merged percentiles are those of one histogram fed with every sample (through the threads’ encoding)', () => {
  const a = samples(7, 20_000);
  const b = samples(11, 13_000);
  // What the threads do: encode in the worker, decode in the main thread.
  const parts = [part(a, {}), part(b, { startedAtMs: 999, measuredUs: 2_100_000 })].map((result) => fromPortable(toPortable(result)));
  const merged = mergeLoadResults(parts, [share(0, a.length), share(1, b.length)]);
  const all = histogramOf([...a, ...b]);
  for (const percentile of [0, 50, 90, 99, 99.9, 99.99, 100]) {
    assert.equal(merged.latency.getValueAtPercentile(percentile), all.getValueAtPercentile(percentile), `p${percentile}`);
  }
  // The compressed form keeps counts per bucket, not the exact largest sample: read back, max is its bucket's upper
  // edge (3 significant digits), as in any stored report. Against the one histogram stored that way, all is equal.
  assert.deepEqual(summarizeMs(merged.latency), summarizeMs(fromPortable(toPortable(part([...a, ...b], {}))).latency));
  assert.equal(merged.latency.totalCount, a.length + b.length);
  assert.equal(merged.connect.totalCount, 10);
  assert.equal(merged.ttfb.totalCount, a.length + b.length);
});

test('counts are summed, the span is the earliest start and the longest phase, notes kept once or per worker', () => {
  const merged = mergeLoadResults(
    [
      part([100, 200, 300], { errors: { H1B_TIMEOUT: 2 }, errorSamples: { H1B_TIMEOUT: [{ reason: 'a', phase: 'head', local: null, remote: null, atSec: 0.1 }] } }),
      part([100, 200], { startedAtMs: 998, measuredUs: 2_500_000, notes: ['same everywhere', 'only here'], errors: { H1B_TIMEOUT: 1, HTTP_503: 1 }, non2xx: 1 }),
    ],
    [share(0, 3), share(1, 2)],
  );
  assert.equal(merged.completed, 5);
  assert.equal(merged.sent, 5);
  assert.equal(merged.non2xx, 1);
  assert.equal(merged.bytesIn, 500);
  assert.deepEqual(merged.statusCodes, { '200': 5 });
  assert.deepEqual(merged.errors, { H1B_TIMEOUT: 3, HTTP_503: 1 });
  assert.equal(merged.errorSamples.H1B_TIMEOUT?.length, 1);
  assert.deepEqual(merged.connections, { opened: 10, closedByServer: 0, closedByClient: 10, reset: 0, maxOpen: 10, serverCloseLate: 0 });
  assert.equal(merged.startedAtMs, 998);
  assert.equal(merged.measuredUs, 2_500_000);
  assert.deepEqual(
    merged.timeline.map((p) => p.requests),
    [1 + 1, 2 + 1],
  );
  assert.deepEqual(merged.notes, ['same everywhere', 'worker 1: only here']);
  assert.deepEqual(merged.perWorker?.map((s) => s.completed), [3, 2]);
});

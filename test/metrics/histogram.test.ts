// The histogram wrapper: µs recording, ms summaries, lossless base64 round trip and merge.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, recordUs, summarizeMs, encodeHistogram, decodeHistogram, mergeEncoded, percentileUs } from '../../src/metrics/histogram.js';
import { Timeline } from '../../src/metrics/timeline.js';
import { seededRandom } from '../../src/wire/path/delay-queue.js';

test('summary of known values in ms', () => {
  const h = createHistogram();
  for (let i = 1; i <= 1000; i++) recordUs(h, i * 1000); // 1..1000 ms
  const s = summarizeMs(h);
  assert.equal(s.min, 1);
  assert.ok(Math.abs(s.p50 - 500) <= 0.5, `p50 ${s.p50}`);
  assert.ok(Math.abs(s.p99 - 990) <= 1, `p99 ${s.p99}`);
  assert.ok(Math.abs(s.max - 1000) <= 1, `max ${s.max}`);
});

test('empty histogram summarises to zeros', () => {
  assert.deepEqual(summarizeMs(createHistogram()), { min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
});

test('sub-microsecond values are clamped, not dropped', () => {
  const h = createHistogram();
  recordUs(h, 0);
  assert.equal(h.totalCount, 1);
});

test('encode/decode round trip and merge keep counts and percentiles', () => {
  const a = createHistogram();
  const b = createHistogram();
  for (let i = 0; i < 500; i++) recordUs(a, 100 + i);
  for (let i = 0; i < 500; i++) recordUs(b, 5_000_000 + i);
  const decoded = decodeHistogram(encodeHistogram(a));
  assert.equal(decoded.totalCount, 500);
  assert.deepEqual(summarizeMs(decoded), summarizeMs(a));
  const merged = mergeEncoded([encodeHistogram(a), encodeHistogram(b)]);
  assert.equal(merged.totalCount, 1000);
  assert.ok(summarizeMs(merged).p99 > 4999);
});

// F4: HdrHistogram's value at a percentile is the highest value of its bucket, which can exceed the exact maximum.
test('one sample: every percentile and the mean equal it (23.713 ms, whose bucket reaches 23.727 ms)', () => {
  const h = createHistogram();
  recordUs(h, 23_713);
  const s = summarizeMs(h);
  for (const key of ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) assert.equal(s[key], 23.713, key);
  assert.equal(percentileUs(h, 50), 23_713);
  // After an encode/decode only bucket bounds are known: within them, still one value for all percentiles; with the
  // exact extremes a merge takes from its runs' summaries, the sample itself.
  const decoded = mergeEncoded([encodeHistogram(h)]);
  const bounds = summarizeMs(decoded);
  assert.ok(bounds.p50 <= bounds.max && bounds.p50 >= bounds.min);
  const exact = summarizeMs(decoded, { minUs: 23_713, maxUs: 23_713 });
  for (const key of ['min', 'mean', 'p50', 'p999', 'max'] as const) assert.equal(exact[key], 23.713, key);
});

test('property: min ≤ every percentile ≤ max, in direct, merged and per-second summaries, for random histograms', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const random = seededRandom(seed);
    const h = createHistogram();
    const count = 1 + Math.floor(random() * (seed % 3 === 0 ? 3 : 400));
    // Log-uniform from 1 µs to ~1000 s, the range where bucket widths differ most.
    for (let i = 0; i < count; i++) recordUs(h, Math.exp(random() * Math.log(1e9)));
    const direct = summarizeMs(h);
    const merged = summarizeMs(mergeEncoded([encodeHistogram(h), encodeHistogram(h)]));
    for (const s of [direct, merged]) {
      for (const key of ['mean', 'p50', 'p90', 'p99', 'p999'] as const) {
        assert.ok(s[key] >= s.min && s[key] <= s.max, `seed ${seed}: ${key} ${s[key]} outside [${s.min}, ${s.max}]`);
      }
      assert.ok(s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.p999, `seed ${seed}: percentiles in order`);
    }
    const timeline = new Timeline();
    timeline.start(0);
    for (let i = 0; i < count; i++) timeline.request(10, Math.round(Math.exp(random() * Math.log(1e9))));
    const [point] = timeline.finish(1_000_000);
    assert.ok(point !== undefined && point.p50Ms <= point.p99Ms, `seed ${seed}: per-second p50 ≤ p99`);
  }
});

test('per-second timeline: one sample, p50 = p99 = that sample', () => {
  const timeline = new Timeline();
  timeline.start(0);
  timeline.request(10, 23_713);
  assert.deepEqual(timeline.finish(1_000_000).map((p) => [p.p50Ms, p.p99Ms]), [[23.713, 23.713]]);
});

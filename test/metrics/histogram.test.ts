// The histogram wrapper: µs recording, ms summaries, lossless base64 round trip and merge.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, recordUs, summarizeMs, encodeHistogram, decodeHistogram, mergeEncoded } from '../../src/metrics/histogram.js';

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

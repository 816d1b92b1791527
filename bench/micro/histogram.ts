// Micro-benchmarks: recording latencies into the hdr histograms every engine fills once per response.

import type { Bench } from 'tinybench';
import { createHistogram, encodeHistogram, recordUs, summarizeMs } from '../../src/metrics/histogram.js';

// Realistic µs latencies (0.1 ms – 50 ms, log-spread), fixed so runs compare; a power of two for a cheap wrap.
const VALUES = new Float64Array(4096);
let seed = 42;
for (let i = 0; i < VALUES.length; i++) {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  VALUES[i] = Math.exp(Math.log(100) + (seed / 2_147_483_648) * Math.log(500)) + 0.37;
}
const MASK = VALUES.length - 1;

export function register(bench: Bench): void {
  const histogram = createHistogram();
  let i = 0;
  bench.add('histogram: recordUs (one response)', () => {
    recordUs(histogram, VALUES[i++ & MASK]!);
  });

  const filled = createHistogram();
  for (let n = 0; n < 100_000; n++) recordUs(filled, VALUES[n & MASK]!);
  bench.add('histogram: summarizeMs (100k samples)', () => {
    summarizeMs(filled);
  });
  bench.add('histogram: encode for the report (100k samples)', () => {
    encodeHistogram(filled);
  });
}

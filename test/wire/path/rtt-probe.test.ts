// The RTT probe's summary: nearest-rank percentiles in ms, lost probes counted, none answered is an error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../../src/errors.js';
import { summarizeRtt } from '../../../src/wire/path/rtt-probe.js';

test('min, p50, p99, max in ms from µs samples; lost = probes − samples', () => {
  const samples = Array.from({ length: 19 }, (_, i) => 10_000 + i * 10).reverse();
  assert.deepEqual(summarizeRtt(samples, 20), { method: 'udp', probes: 20, samples: 19, lost: 1, minMs: 10, p50Ms: 10.09, p99Ms: 10.18, maxMs: 10.18 });
  assert.deepEqual(summarizeRtt([1_234.5], 1, 'icmp'), { method: 'icmp', probes: 1, samples: 1, lost: 0, minMs: 1.235, p50Ms: 1.235, p99Ms: 1.235, maxMs: 1.235 });
});

test('no answer at all is H1B_PATH_FAILED', () => {
  assert.throws(() => summarizeRtt([], 5), (error: unknown) => isH1Error(error) && error.code === 'H1B_PATH_FAILED');
});

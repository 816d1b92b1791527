// Tests for the exact load split: sums, remainders, rate residue, interleaved open-loop schedules, refusals.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../src/errors.js';
import { splitLoad, type LoadPart } from '../../src/runner/split.js';

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 31, 97, 101];
const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

describe('splitLoad', () => {
  test('connections and -n add up exactly, remainders on the first parts, for many (total, N) incl. primes', () => {
    const totals = [1, 2, 3, 7, 10, 50, 97, 100, 101, 997, 1000, 65_537, 100_000];
    const counts = [1, 2, 3, 4, 8, 16, 64, ...PRIMES];
    for (const total of totals) {
      for (const parts of counts.filter((n) => n <= total)) {
        const split = splitLoad({ connections: total, requests: total * 3 + 1, rate: null }, parts);
        const connections = split.map((part) => part.connections);
        const requests = split.map((part) => part.requests ?? 0);
        assert.equal(sum(connections), total, `c=${total} N=${parts}`);
        assert.equal(sum(requests), total * 3 + 1, `n=${total * 3 + 1} N=${parts}`);
        for (const values of [connections, requests]) {
          assert.ok(Math.max(...values) - Math.min(...values) <= 1, `even within one: ${values.join(',')}`);
          // Non-increasing: the remainder sits on the first parts.
          for (let i = 1; i < values.length; i++) assert.ok(values[i]! <= values[i - 1]!, `first parts carry the remainder`);
        }
        assert.deepEqual(split.map((part) => part.index), [...Array(parts).keys()]);
        assert.ok(split.every((part) => part.count === parts && part.rate === null && part.startOffsetUs === 0));
      }
    }
  });

  test('10 connections over 3 parts: 4, 3, 3', () => {
    assert.deepEqual(
      splitLoad({ connections: 10, requests: null, rate: null }, 3).map((part) => [part.connections, part.requests]),
      [[4, null], [3, null], [3, null]],
    );
  });

  test('rates add up to the asked rate bit for bit (index-order sum), each within a few ulps of rate/N', () => {
    const rates = [1, 3, 10, 1000, 1000 / 3, 0.1, 0.7, 12_345.678, 99_999.99, Math.PI * 1e4, 1e-3, 7e6 / 13];
    let seed = 42;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 200; i++) rates.push(random() * 10 ** (1 + Math.floor(random() * 6)));
    for (const rate of rates) {
      for (const parts of [1, 2, 3, 4, 6, 7, 9, 10, 12, 64, ...PRIMES]) {
        const split = splitLoad({ connections: 1000, requests: null, rate }, parts);
        const shares = split.map((part) => part.rate!);
        assert.equal(sum(shares), rate, `rate ${rate} over ${parts}`);
        for (const share of shares) assert.ok(Math.abs(share - rate / parts) <= rate * 1e-13, `share ${share} of ${rate}/${parts}`);
      }
    }
  });

  test('rate offsets interleave the parts into one evenly spaced arrival stream at 1/rate', () => {
    for (const rate of [1000, 1000 / 3, 7, 12_345.678, 0.5]) {
      for (const parts of [1, 2, 3, 4, 7, 10, 13]) {
        const split = splitLoad({ connections: 50, requests: null, rate }, parts);
        const instants = split.flatMap((part) => firstInstantsUs(part, 40)).sort((a, b) => a - b);
        const gapUs = 1_000_000 / rate;
        assert.equal(instants.length, parts * 40);
        for (let j = 0; j < instants.length; j++) {
          // The merged j-th instant is the single-process schedule's j-th: start + j / rate.
          assert.ok(Math.abs(instants[j]! - j * gapUs) <= 1e-6 * gapUs * (j + 1), `rate ${rate} N ${parts}: instant ${j}`);
        }
        for (let j = 1; j < instants.length; j++) {
          assert.ok(Math.abs(instants[j]! - instants[j - 1]! - gapUs) <= 1e-6 * gapUs, `gap ${j} is 1/rate`);
        }
        // In integer µs, as a schedule rounds each intended instant once from a shared start: gaps within 1 µs.
        const startUs = 1_234_567_891;
        const rounded = instants.map((us) => Math.round(startUs + us));
        for (let j = 1; j < rounded.length; j++) assert.ok(Math.abs(rounded[j]! - rounded[j - 1]! - gapUs) <= 1, `rounded gap ${j}`);
      }
    }
  });

  test('part i of N starts i/(N·r) s after the shared start (r = its own rate, rate/N), in µs', () => {
    const split = splitLoad({ connections: 8, requests: null, rate: 1000 }, 4);
    // Each part sends every 4 ms; offsets of 0, 1, 2, 3 ms fill the gaps: one request per ms in total.
    assert.deepEqual(split.map((part) => part.startOffsetUs), [0, 1000, 2000, 3000]);
    assert.deepEqual(split.map((part) => part.rate), [250, 250, 250, 250]);
  });

  test('N = 1 is the identity', () => {
    for (const load of [
      { connections: 1, requests: null, rate: null },
      { connections: 50, requests: 1234, rate: null },
      { connections: 7, requests: null, rate: 1000 / 3 },
    ]) {
      assert.deepEqual(splitLoad(load, 1), [{ index: 0, count: 1, ...load, startOffsetUs: 0 }]);
    }
  });

  test('parts are frozen', () => {
    assert.ok(splitLoad({ connections: 4, requests: null, rate: null }, 2).every((part) => Object.isFrozen(part)));
  });

  test('more parts than connections is refused with a message a user can act on', () => {
    assert.throws(
      () => splitLoad({ connections: 4, requests: null, rate: null }, 8, { option: '--shards' }),
      (error: unknown) =>
        isH1Error(error) &&
        error.code === 'H1B_INVALID_OPTION' &&
        error.exitCode === 2 &&
        /--shards: 8 parts need at least 8 connections.*-c is 4; raise -c to 8 or more, or use at most 4 parts/.test(error.message),
    );
  });

  test('fewer -n requests than parts, and a part count that is not a whole number ≥ 1, are refused', () => {
    const refused = (run: () => unknown, pattern: RegExp): void => {
      assert.throws(run, (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && pattern.test(error.message));
    };
    refused(() => splitLoad({ connections: 10, requests: 2, rate: null }, 3), /-n is 2; raise -n to 3/);
    refused(() => splitLoad({ connections: 10, requests: null, rate: null }, 0), /whole number of parts ≥ 1 \(got 0\)/);
    refused(() => splitLoad({ connections: 10, requests: null, rate: null }, 2.5), /got 2.5/);
  });
});

/** Part `part`'s first `k` intended send instants (µs after the shared start), as its own schedule computes them. */
function firstInstantsUs(part: LoadPart, k: number): number[] {
  const intervalUs = 1_000_000 / part.rate!;
  return Array.from({ length: k }, (_, i) => part.startOffsetUs + i * intervalUs);
}

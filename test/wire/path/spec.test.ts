// PathSpec validation (the one place a bad --rtt/--jitter/--loss/--bandwidth is caught) and the per-direction figures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../../src/errors.js';
import { DEFAULT_QUEUE_LIMIT, oneWay, validatePathSpec, type PathSpec } from '../../../src/wire/path/spec.js';

const BASE: PathSpec = { rttMs: 20, jitterMs: 2, lossPct: 0.5, bandwidthBitsPerSec: 100_000_000, impl: 'auto', seed: null };

test('a valid spec comes back frozen; each direction gets half the RTT', () => {
  const spec = validatePathSpec(BASE);
  assert.ok(Object.isFrozen(spec));
  assert.deepEqual(oneWay(spec), { delayUs: 10_000, jitterUs: 2_000, lossFraction: 0.005, rateBitsPerSec: 100_000_000, queueLimit: DEFAULT_QUEUE_LIMIT });
  assert.equal(oneWay(validatePathSpec({ ...BASE, rttMs: 0.3, jitterMs: 0 })).delayUs, 150);
});

test('invalid fields are H1B_INVALID_OPTION naming the field', () => {
  const cases: [Partial<PathSpec>, string][] = [
    [{ rttMs: -1 }, 'rttMs'],
    [{ rttMs: Number.NaN }, 'rttMs'],
    [{ rttMs: 120_000 }, 'rttMs'],
    [{ jitterMs: 11 }, 'jitterMs'],
    [{ jitterMs: -0.1 }, 'jitterMs'],
    [{ lossPct: 100 }, 'lossPct'],
    [{ lossPct: -1 }, 'lossPct'],
    [{ bandwidthBitsPerSec: 1000 }, 'bandwidthBitsPerSec'],
    [{ bandwidthBitsPerSec: 1.5e6 + 0.5 }, 'bandwidthBitsPerSec'],
    [{ impl: 'tc' as PathSpec['impl'] }, 'impl'],
    [{ seed: -1 }, 'seed'],
    [{ seed: 2 ** 32 }, 'seed'],
  ];
  for (const [change, field] of cases) {
    assert.throws(
      () => validatePathSpec({ ...BASE, ...change }),
      (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && error.message.includes(field),
      JSON.stringify(change),
    );
  }
});

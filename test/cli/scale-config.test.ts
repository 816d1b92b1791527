// bench run's scale-out options: --workers, --server-workers, --source, --shard I/N (exact shares) and --start-at.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunArgs, validateUrl } from '../../src/cli/run-config.js';
import { parseScaleArgs, type ScaleContext } from '../../src/cli/scale-config.js';
import { isH1Error } from '../../src/errors.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const CONTEXT: ScaleContext = { load: { connections: 10, requests: 1000, rate: null }, engine: 'native', url: null, modes: 1, nowMs: NOW };

function refused(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && pattern.test(error.message));
}

describe('--workers and --server-workers', () => {
  test('default 1; a number; auto is the cores available', () => {
    assert.equal(parseScaleArgs({}, CONTEXT).fields.workers, 1);
    assert.equal(parseScaleArgs({ workers: '4' }, CONTEXT).fields.workers, 4);
    assert.ok(parseScaleArgs({ workers: 'auto' }, CONTEXT).fields.workers >= 1);
    assert.equal(parseScaleArgs({ serverWorkers: '2' }, CONTEXT).fields.serverWorkers, 2);
  });

  test('refused: more workers than connections, other engines, 0, --server-workers with --url', () => {
    refused(() => parseScaleArgs({ workers: '11' }, CONTEXT), /11 parts need at least 11 connections/);
    refused(() => parseScaleArgs({ workers: '2' }, { ...CONTEXT, engine: 'undici' }), /--engine undici runs in one thread/);
    refused(() => parseScaleArgs({ workers: '0' }, CONTEXT), /--workers must be a whole number/);
    refused(() => parseScaleArgs({ serverWorkers: '2' }, { ...CONTEXT, url: 'http://127.0.0.1:8080/' }), /embedded server only/);
    refused(() => parseScaleArgs({ source: '127.0.0.2' }, { ...CONTEXT, engine: 'autocannon' }), /opens its own sockets/);
  });
});

describe('--shard I/N', () => {
  test('each shard gets its exact share; the shares add up to what was asked', () => {
    const load = { connections: 10, requests: 1001, rate: 1000 };
    const shares = [0, 1, 2].map((index) => parseScaleArgs({ shard: `${index}/3` }, { ...CONTEXT, load }));
    assert.deepEqual(shares.map((share) => share.load.connections), [4, 3, 3]);
    assert.deepEqual(shares.map((share) => share.load.requests), [334, 334, 333]);
    assert.equal(shares.reduce((total, share) => total + share.load.rate!, 0), 1000);
    assert.deepEqual(shares.map((share) => share.fields.shard), [
      { index: 0, count: 3, startOffsetUs: 0 },
      { index: 1, count: 3, startOffsetUs: 1000 },
      { index: 2, count: 3, startOffsetUs: 2000 },
    ]);
  });

  test('workers split the shard share, and must fit it', () => {
    assert.equal(parseScaleArgs({ shard: '0/3', workers: '4' }, CONTEXT).fields.workers, 4);
    refused(() => parseScaleArgs({ shard: '2/3', workers: '4' }, CONTEXT), /--workers: 4 parts need at least 4 connections, one each, but -c is 3/);
  });

  test('refused: not I/N, I ≥ N, more shards than connections, several modes', () => {
    refused(() => parseScaleArgs({ shard: '3/3' }, CONTEXT), /0 ≤ I < N/);
    refused(() => parseScaleArgs({ shard: '1' }, CONTEXT), /I\/N/);
    refused(() => parseScaleArgs({ shard: '0/0' }, CONTEXT), /I\/N/);
    refused(() => parseScaleArgs({ shard: '0/11' }, CONTEXT), /--shard: 11 parts need at least 11 connections/);
    refused(() => parseScaleArgs({ shard: '0/2' }, { ...CONTEXT, modes: 2 }), /--shard runs one mode/);
  });

  test('a shard may load another machine (since issue #14 any run may: validation only, no traffic)', () => {
    assert.equal(validateUrl('http://10.1.2.3:8080/'), 'http://10.1.2.3:8080/');
    assert.equal(validateUrl('http://192.0.2.1/'), 'http://192.0.2.1/');
    const [config] = parseRunArgs({ url: 'http://192.0.2.1:8080/', shard: '1/2', connections: '4', requests: '11' });
    assert.equal(config!.connections, 2);
    assert.equal(config!.requests, 5);
    assert.deepEqual(config!.shard, { index: 1, count: 2, startOffsetUs: 0 });
  });
});

describe('--start-at', () => {
  test('ISO 8601 with a zone, or Unix milliseconds', () => {
    assert.equal(parseScaleArgs({ startAt: '2026-11-30T12:00:30Z' }, CONTEXT).fields.startAtMs, NOW + 30_000);
    assert.equal(parseScaleArgs({ startAt: '2026-11-30T13:00:30.500+01:00' }, CONTEXT).fields.startAtMs, NOW + 30_500);
    assert.equal(parseScaleArgs({ startAt: String(NOW + 1000) }, CONTEXT).fields.startAtMs, NOW + 1000);
  });

  test('refused: no zone (N machines, N time zones), a day ahead, an hour past (seconds, not ms), several modes', () => {
    refused(() => parseScaleArgs({ startAt: '2026-11-30T12:00:30' }, CONTEXT), /with a time zone/);
    refused(() => parseScaleArgs({ startAt: 'soon' }, CONTEXT), /ISO 8601/);
    refused(() => parseScaleArgs({ startAt: String(NOW + 25 * 3_600_000) }, CONTEXT), /more than a day ahead/);
    refused(() => parseScaleArgs({ startAt: String(Math.floor(NOW / 1000)) }, CONTEXT), /passed more than an hour ago/);
    refused(() => parseScaleArgs({ startAt: String(NOW) }, { ...CONTEXT, modes: 3 }), /--start-at runs one mode/);
  });
});

// Reference-engine specifics: open loop, warm-up, abort, refused targets, error mapping, the shared recorder.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.js';
import type { LoadConfig } from '../../src/client/engine.js';
import { AutocannonEngine } from '../../src/client/engines/autocannon.js';
import { ReferenceRun } from '../../src/client/engines/reference-run.js';
import { classifyUndiciError } from '../../src/client/engines/undici-errors.js';
import { UndiciEngine } from '../../src/client/engines/undici.js';
import { isH1Error } from '../../src/errors.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { DEFAULT_SERVER_CONFIG } from '../../src/types.js';
import { unusedPort } from '../helpers/ports.js';

function config(url: string, overrides: Partial<LoadConfig> = {}): LoadConfig {
  return {
    mode: '1.1',
    url: new URL(url),
    connections: 2,
    durationMs: 30_000,
    requests: 100,
    rate: null,
    timeoutMs: 5_000,
    method: 'GET',
    headers: [],
    body: null,
    pipelining: 4,
    ...overrides,
  };
}

describe('reference engines against the embedded server', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...DEFAULT_SERVER_CONFIG, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.close(1_000);
  });

  test('undici open loop: requests go out no earlier than due, both latency views are kept', async () => {
    const rate = 500;
    const result = await new UndiciEngine().run(config(server.url, { rate, requests: 50 }), new AbortController().signal);
    assert.equal(result.completed, 50);
    assert.equal(result.uncorrectedLatency?.totalCount, 50);
    // The 50th request is due 49 intervals after the first: the run cannot be shorter.
    assert.ok(result.measuredUs >= (49 * 1_000_000) / rate, `measured ${result.measuredUs} µs`);
  });

  for (const Engine of [UndiciEngine, AutocannonEngine]) {
    test(`${Engine.name}: a response slower than --timeout counts as H1B_TIMEOUT`, async () => {
      const url = new URL('delay/5000', server.url).href;
      const result = await new Engine().run(config(url, { connections: 1, requests: 2, timeoutMs: 100 }), new AbortController().signal);
      assert.equal(result.completed, 0);
      assert.equal(result.errors['H1B_TIMEOUT'], 2);
    });

    test(`${Engine.name}: abort ends the run early with what was measured`, async () => {
      const engine = new Engine();
      const controller = new AbortController();
      const running = engine.run(config(server.url, { requests: null, durationMs: 30_000 }), controller.signal);
      // Abort once the first response is in (bounded by the load's own 30 s: false if none came).
      assert.equal(await engine.firstResponse(), true);
      controller.abort();
      const result = await running;
      assert.equal(result.interrupted, true);
      assert.ok(result.completed > 0);
      assert.ok(result.measuredUs < 30_000_000);
    });
  }
});

describe('reference engines against a closed port', () => {
  test('undici counts every refused request and completes none', async () => {
    const port = await unusedPort();
    const engine = new UndiciEngine();
    const result = await engine.run(config(`http://127.0.0.1:${port}/`, { requests: 20 }), new AbortController().signal);
    assert.equal(result.completed, 0);
    assert.equal(await engine.firstResponse(), false, 'a load with no response says so when it ends');
    assert.equal(result.errors['H1B_CONNECT_REFUSED'], 20);
    assert.equal(result.connections?.opened, 0);
  });

  test('autocannon counts refused connects', async () => {
    const port = await unusedPort();
    const engine = new AutocannonEngine();
    const result = await engine.run(config(`http://127.0.0.1:${port}/`, { requests: 20 }), new AbortController().signal);
    assert.equal(result.completed, 0);
    assert.equal(await engine.firstResponse(), false);
    assert.ok((result.errors['H1B_CONNECT_REFUSED'] ?? 0) > 0);
    assert.equal(result.connections?.opened, 0);
  });

  test('autocannon refuses --rate with a clear error', async () => {
    await assert.rejects(
      new AutocannonEngine().run(config('http://127.0.0.1:1/', { rate: 100 }), new AbortController().signal),
      (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && /--rate/.test(error.message),
    );
  });
});

describe('classifyUndiciError', () => {
  const cases: Array<[unknown, string]> = [
    [{ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'H1B_TIMEOUT'],
    [{ code: 'UND_ERR_BODY_TIMEOUT' }, 'H1B_TIMEOUT'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'H1B_TIMEOUT'],
    [{ code: 'HPE_INVALID_CONSTANT' }, 'H1B_PARSE_ERROR'],
    [{ code: 'UND_ERR_SOCKET' }, 'H1B_CONNECT_RESET'],
    [{ code: 'UND_ERR_SOCKET', cause: { code: 'ECONNRESET' } }, 'H1B_CONNECT_RESET'],
    [{ code: 'UND_ERR_SOCKET', message: 'other side closed' }, 'H1B_PREMATURE_CLOSE'],
    [{ code: 'UND_ERR_SOCKET', message: 'bad response' }, 'H1B_PARSE_ERROR'],
    [{ name: 'HTTPParserError', message: 'Response does not match the HTTP/1.1 protocol' }, 'H1B_PARSE_ERROR'],
    [{ code: 'ECONNREFUSED' }, 'H1B_CONNECT_REFUSED'],
    [{ code: 'EADDRNOTAVAIL' }, 'H1B_ADDR_NOT_AVAIL'],
    [new Error('no code'), 'H1B_SOCKET_ERROR'],
  ];
  for (const [error, expected] of cases) {
    test(`${(error as { code?: string }).code ?? 'no code'} → ${expected}`, () => {
      assert.equal(classifyUndiciError(error), expected);
    });
  }
});

describe('ReferenceRun', () => {
  test('splits the timeline by second, counts non-2xx apart from errors, keeps error samples', () => {
    const clock = new ManualClock(1_500_000);
    const recorder = new ReferenceRun(clock, false, 3_000, null);
    assert.equal(recorder.progress().phase, 'measure');
    recorder.connectionOpened(40, clock.nowUs());
    recorder.response(200, 1_000, 400, -1, clock.nowUs());
    clock.advanceMs(1_500);
    recorder.response(503, 3_000, 1_000, -1, clock.nowUs());
    recorder.failure('H1B_CONNECT_RESET', clock.nowUs(), 'read ECONNRESET', 'body');
    recorder.connectionClosed('server');
    recorder.finish();
    const result = recorder.toResult({
      engine: 'undici', engineVersion: 'x', httpVersionOnWire: '1.1', interrupted: false, countsConnections: true,
      resent: null, abandoned: 0, notes: [], resolution: { latency: '1 µs', connect: '1 µs', ttfb: '1 µs' },
    });
    assert.equal(result.completed, 2);
    assert.equal(result.non2xx, 1);
    assert.deepEqual(result.statusCodes, { '200': 1, '503': 1 });
    assert.deepEqual(result.errors, { HTTP_503: 1, H1B_CONNECT_RESET: 1 });
    assert.equal(result.measuredUs, 1_500_000);
    assert.deepEqual(result.connections, { opened: 1, closedByServer: 1, closedByClient: 0, reset: 0, maxOpen: 1, serverCloseLate: null });
    assert.deepEqual(
      result.timeline.map((p) => [p.second, p.requests, p.errors, p.connectionsOpened]),
      [[0, 1, 0, 1], [1, 1, 1, 0]],
    );
    assert.equal(result.latency.totalCount, 2);
    assert.equal(result.ttfb.totalCount, 2);
    assert.deepEqual(result.errorSamples, { H1B_CONNECT_RESET: [{ reason: 'read ECONNRESET', phase: 'body', local: null, remote: null, atSec: 1.5 }] });
  });
});

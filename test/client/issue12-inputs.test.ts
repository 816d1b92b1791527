// The inputs of issue #12 ("generator truth against real-world servers"), each a test with the value it must give.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NativeEngine } from '../../src/client/engines/native.js';
import { UndiciEngine } from '../../src/client/engines/undici.js';
import type { Engine, LoadConfig } from '../../src/client/engine.js';
import type { LoadResult } from '../../src/measurements.js';
import { summarizeMs } from '../../src/metrics/histogram.js';
import { buildRunReport } from '../../src/report/build.js';
import { renderRunSummary } from '../../src/report/render-text.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { DEFAULT_SERVER_CONFIG } from '../../src/types.js';
import { loadResult, measurements } from '../report/fixtures.js';
import { loadConfig } from '../helpers/load-config.js';
import { CASE_SERVERS, startCaseServer } from './misbehaving-servers.js';

const run = (config: LoadConfig, engine: Engine = new NativeEngine()): Promise<LoadResult> => engine.run(config, new AbortController().signal);
const failures = (result: LoadResult): number =>
  Object.entries(result.errors).reduce((sum, [code, n]) => (code.startsWith('HTTP_') ? sum : sum + n), 0);

describe('F1: a closed pipelined connection is accounted the same whatever framed its last response', () => {
  for (const name of ['closeDelimited', 'closeWithLength'] as const) {
    test(`${name}: --mode pipeline -P 10 -c 2 -n 200: 200 completed, 0 errors, the unanswered ones sent again`, async () => {
      const server = await startCaseServer(CASE_SERVERS[name]);
      const result = await run(loadConfig(server.url, { mode: 'pipeline', pipelining: 10, connections: 2, requests: 200, timeoutMs: 0 }));
      await server.accepted(result.connections!.opened);
      await server.close();
      assert.equal(result.completed, 200, '-n counts completed requests');
      assert.deepEqual(result.errors, {});
      assert.equal(result.abandoned, 0);
      // The server answered one request per connection and ignored the rest: each was sent again.
      assert.equal(result.connections!.opened, 200);
      assert.equal(server.connections, 200);
      assert.equal(result.resent, result.sent - 200);
      assert.ok(result.resent! > 0);
      // Each FIN comes 2 ms late: the server closed first, unless more of the slot's connections were waiting for
      // theirs than the client keeps (LINGER_MAX); those it closed itself, and counted.
      assert.equal(result.connections!.closedByServer! + result.connections!.serverCloseLate!, 200);
    });
  }
});

describe('F2: no spurious errors at the end of timed pipelined runs', () => {
  let close: RunningServer;
  let limited: RunningServer;
  before(async () => {
    close = await startServer({ ...DEFAULT_SERVER_CONFIG, mode: 'close', host: '127.0.0.1', port: 0 });
    limited = await startServer({ ...DEFAULT_SERVER_CONFIG, mode: 'keep-alive', maxRequestsPerConnection: 5, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await close.close(1_000);
    await limited.close(1_000);
  });

  const cases = [
    { what: '--server-mode close, -P 8 -c 5', server: () => close, pipelining: 8 },
    { what: 'bench serve --max-requests 5, -P 4 -c 5', server: () => limited, pipelining: 4 },
  ];
  for (const c of cases) {
    test(`${c.what}, 1.5 s: every request the server processed completed; the rest are abandoned, not errors`, async () => {
      const server = c.server();
      await server.whenIdle();
      const before = server.stats().requests;
      const result = await run(loadConfig(server.url, { mode: 'pipeline', pipelining: c.pipelining, connections: 5, durationMs: 1500 }));
      await server.whenIdle();
      const processed = server.stats().requests - before;
      assert.deepEqual(result.errors, {}, JSON.stringify({ errors: result.errors, abandoned: result.abandoned }));
      assert.equal(result.timeline.reduce((sum, p) => sum + p.errors, 0), 0, 'no error in any second, the last included');
      assert.equal(processed, result.completed, "the server's count equals the client's completed count");
      assert.ok(result.resent! > 0, 'requests behind each close were sent again');
      assert.equal(result.sent, result.completed + result.resent! + result.abandoned!, 'sent = completed + resent + abandoned');
      if (result.abandoned! > 0) assert.ok(result.notes.some((n) => n.includes('abandoned')));
    });
  }
});

describe('F3: a close announcement never stalls the slot until the server FIN', () => {
  for (const name of ['lateFinAfterClose', 'lateFinAfter10'] as const) {
    test(`${name}: --mode 1.1 -c 1 -n 4 --timeout 2s ends before the first late FIN (was ~3 s), the late FINs counted`, async () => {
      const server = await startCaseServer(CASE_SERVERS[name]);
      const result = await run(loadConfig(server.url, { mode: '1.1', connections: 1, requests: 4, timeoutMs: 2000 }));
      await server.close();
      assert.equal(result.completed, 4);
      assert.deepEqual(result.errors, {});
      // The FIN comes 3 s after each answer: a slot that waited for even one could not end before it.
      assert.ok(result.measuredUs < 2_500_000, `measured ${result.measuredUs} µs`);
      assert.equal(result.connections!.opened, 4);
      // No FIN within LINGER_MS: the client closed each one itself, and says so.
      assert.equal(result.connections!.serverCloseLate, 4);
      assert.equal(result.connections!.closedByClient, 4);
      assert.ok(result.notes.some((n) => n.includes('serverCloseLate')));
    });
  }

  test('lateFinAfterClose, -c 2 -d 1s: throughput is the server\'s, not one request per FIN (was 2 req/s)', async () => {
    const server = await startCaseServer(CASE_SERVERS.lateFinAfterClose);
    const result = await run(loadConfig(server.url, { mode: '1.1', connections: 2, durationMs: 1000, timeoutMs: 2000 }));
    await server.close();
    assert.deepEqual(result.errors, {});
    // A slot that waited for its FIN (3 s late) would complete one request in the second; two slots, two requests.
    assert.ok(result.completed >= 10, `completed ${result.completed} in 1 s`);
  });
});

describe('F4: percentiles never above the maximum', () => {
  test('one request (bench run -n 1): p50 = p99 = max = min = that latency, in the report and its text', async () => {
    const server = await startCaseServer(CASE_SERVERS.http11KeepAliveAnswer);
    const result = await run(loadConfig(server.url, { connections: 1, requests: 1 }));
    await server.close();
    const s = summarizeMs(result.latency);
    assert.equal(s.p50, s.max);
    assert.equal(s.p99, s.max);
    assert.equal(s.p999, s.max);
    assert.equal(s.min, s.max);
    assert.ok(s.max > 0);
  });
});

describe('F5: open-loop latency is not inflated by the generator\'s own lateness', () => {
  const openLoop = async (engine: Engine): Promise<{ result: LoadResult; corrected: number; uncorrected: number; lag: number }> => {
    const server = await startCaseServer(CASE_SERVERS.http11KeepAliveAnswer);
    const result = await run(loadConfig(server.url, { mode: '1.1', connections: 5, durationMs: 1000, rate: 100 }), engine);
    await server.close();
    assert.ok(result.sendLag !== null && result.uncorrectedLatency !== null);
    assert.equal(result.sendLag.totalCount, result.sent, 'one send-lag sample per request');
    // Per request, corrected = uncorrected + send lag; the means add up exactly (to the histograms' resolution), so
    // the whole gap between the two latency views is the lag that is measured and reported.
    const meanGap = result.latency.mean - result.uncorrectedLatency.mean;
    assert.ok(Math.abs(meanGap - result.sendLag.mean) <= 10 + result.latency.mean * 0.01, `mean gap ${meanGap} µs, mean send lag ${result.sendLag.mean} µs`);
    return {
      result,
      corrected: summarizeMs(result.latency).p50,
      uncorrected: summarizeMs(result.uncorrectedLatency).p50,
      lag: summarizeMs(result.sendLag).p50,
    };
  };

  test('native: --rate 100 -c 5 far below capacity: corrected − uncorrected p50 < send lag p50 + 50 µs', async () => {
    // A loaded machine can deschedule the generator for milliseconds at any moment, which no scheduler can undo: the
    // claim is about the generator, so up to three tries (a bounded loop) may show it.
    const seen: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { corrected, uncorrected, lag } = await openLoop(new NativeEngine());
      seen.push(`corrected p50 ${corrected} ms, uncorrected ${uncorrected} ms, send lag p50 ${lag} ms`);
      if (corrected - uncorrected < lag + 0.05) return;
    }
    assert.fail(seen.join('; '));
  });

  test('undici: the send lag is measured at undici\'s write, so it accounts for the whole gap between the two views', async () => {
    const { result } = await openLoop(new UndiciEngine());
    assert.ok(result.completed >= 90, `completed ${result.completed}`);
  });
});

describe('F6: who closed first is never a wrong count', () => {
  test('the text summary prints "unknown" for a count the engine could not tell', () => {
    const base = loadResult();
    const report = buildRunReport(measurements({ result: { ...base, connections: { ...base.connections!, closedByServer: null, closedByClient: null } } }));
    assert.equal(report.connections.closedByServer, null);
    assert.match(renderRunSummary(report), /closed by server unknown · by client unknown/);
  });
});

describe('-n counts completed requests', () => {
  test('a server that fails every third connection: -n 30 gives 30 completed, the failures counted beside them', async () => {
    let connection = 0;
    const server = await startCaseServer((req) => {
      if (req.onConnection === 0) connection++;
      req.socket.end(connection % 3 === 0 ? 'garbage\r\n\r\n' : 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const result = await run(loadConfig(server.url, { mode: '1.0', connections: 2, requests: 30 }));
    await server.close();
    assert.equal(result.completed, 30);
    assert.ok(failures(result) >= 10, JSON.stringify(result.errors));
    assert.equal(result.sent, result.completed + failures(result));
  });

  test('a target that fails everything still ends: N failures, a note', async () => {
    const server = await startCaseServer(CASE_SERVERS.garbage);
    const result = await run(loadConfig(server.url, { connections: 2, requests: 20 }));
    await server.close();
    assert.equal(result.completed, 0);
    assert.deepEqual(result.errors, { H1B_PARSE_ERROR: 20 });
    assert.ok(result.notes.some((n) => n.includes('had failed')));
  });
});

describe('HTTP/1.0 with keep-alive (ab -k)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...DEFAULT_SERVER_CONFIG, mode: 'keep-alive', host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.close(1_000);
  });

  test('--mode 1.0 --keep-alive against a keep-alive server: 1.0 request lines, one connection per slot', async () => {
    const result = await run(loadConfig(server.url, { mode: '1.0', keepAlive: true, connections: 4, requests: 400 }));
    assert.equal(result.httpVersionOnWire, '1.0');
    assert.equal(result.completed, 400);
    assert.deepEqual(result.errors, {});
    assert.equal(result.connections!.opened, 4, 'the server answered Connection: keep-alive every time');
    assert.ok(result.notes.some((n) => n.includes("'Connection: keep-alive'")));
  });

  test('--mode 1.0 without it: a connection per request, closed by the server', async () => {
    const result = await run(loadConfig(server.url, { mode: '1.0', connections: 4, requests: 100 }));
    assert.equal(result.completed, 100);
    assert.equal(result.connections!.opened, 100);
    assert.equal(result.connections!.closedByServer, 100);
  });
});

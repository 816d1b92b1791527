// Warm-up belongs to the runner: for every engine it is a load of its own, never counted, its connections closed
// before the measured load starts.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../src/client/engines/index.js';
import { runSeries } from '../../src/runner/run.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { DEFAULT_SERVER_CONFIG, type RunConfig } from '../../src/types.js';
import { response, startLiteralServer } from '../client/literal-server.js';
import { CONFIG } from '../report/fixtures.js';

const config = (overrides: Partial<RunConfig>): RunConfig => Object.freeze({ ...CONFIG, ...overrides });
const never = new AbortController().signal;

describe('runner warm-up', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...DEFAULT_SERVER_CONFIG, port: 0 });
  });
  after(async () => {
    await server.close();
  });

  test('undici: warm-up connections are closed and not counted', async () => {
    const before = server.stats().connectionsAccepted;
    const report = await runSeries(config({ url: server.url, engine: 'undici', mode: '1.1', connections: 2, warmupMs: 150, requests: 40 }), {
      createEngine: await loadEngine('undici'),
      signal: never,
    });
    assert.equal(report.requests.completed, 40);
    assert.equal(report.connections.opened, 2);
    // The probe's one connect, then warm-up's own two connections on a separate pool, then the measured two.
    assert.equal(server.stats().connectionsAccepted - before, 1 + 4);
  });

  test('autocannon: warm-up is not counted', async () => {
    const report = await runSeries(config({ url: server.url, engine: 'autocannon', mode: '1.1', connections: 2, warmupMs: 150, requests: 40 }), {
      createEngine: await loadEngine('autocannon'),
      signal: never,
    });
    assert.equal(report.requests.completed, 40);
    assert.equal(report.requests.sent, 40);
    assert.equal(report.connections.opened, 2);
  });

  test('native: warm-up is not counted and its connections close before the measured phase', async () => {
    const literal = await startLiteralServer(({ socket }) => socket.write(response('ok')));
    let atMeasureStart: { accepted: number; clientClosedFirst: number } | null = null;
    const report = await runSeries(config({ url: literal.url.href, engine: 'native', mode: '1.1', connections: 3, warmupMs: 300, requests: 500 }), {
      createEngine: await loadEngine('native'),
      signal: never,
      onEvent: (event) => {
        if (event.type === 'phase' && event.phase === 'measure') {
          atMeasureStart = { accepted: literal.accepted, clientClosedFirst: literal.clientClosedFirst };
        }
      },
    });
    await literal.close();
    // One probe connect (runner/resolve.ts, before the warm-up, aborted with an RST) and the warm-up's three, which
    // we closed (FIN) before measuring.
    assert.deepEqual(atMeasureStart, { accepted: 1 + 3, clientClosedFirst: 3 });
    assert.equal(report.requests.completed, 500);
    assert.equal(report.requests.sent, 500);
    assert.equal(report.connections.opened, 3);
    assert.equal(literal.accepted, 1 + 6);
    assert.ok(literal.requests > 500, 'warm-up requests were sent but not counted');
  });
});

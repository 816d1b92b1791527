// One conformance case file run against every engine (native, undici, autocannon) in every mode, on the embedded server.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadConfig } from '../../src/client/engine.js';
import type { LoadResult, ServerStats } from '../../src/measurements.js';
import { loadEngine } from '../../src/client/engines/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { loadConfig } from '../helpers/load-config.js';
import { DEFAULT_SERVER_CONFIG, type ClientMode, type EngineName } from '../../src/types.js';

const REQUESTS = 600;
const CONNECTIONS = 4;
const PIPELINING = 4;

/** What each engine can promise; everything else is the same check for all of them. */
const ENGINES: Record<
  EngineName,
  { wire10: '1.0' | '1.1'; readsEveryResponse: (mode: ClientMode) => boolean; seesWhoClosed: (mode: ClientMode) => boolean }
> = {
  native: { wire10: '1.0', readsEveryResponse: () => true, seesWhoClosed: () => true },
  // The reference engines destroy each 1.0-mode socket as soon as they have parsed its response, before the
  // server's FIN can be read: who closed first is unknown there (null, with a note), never guessed.
  undici: { wire10: '1.1', readsEveryResponse: () => true, seesWhoClosed: (mode) => mode !== '1.0' },
  // autocannon stops by destroying its sockets: pipelined responses still in flight are never read.
  autocannon: { wire10: '1.1', readsEveryResponse: (mode) => mode !== 'pipeline', seesWhoClosed: (mode) => mode !== '1.0' },
};
const MODES: ClientMode[] = ['1.0', '1.1', 'pipeline'];

function caseConfig(mode: ClientMode, url: string): LoadConfig {
  return loadConfig(url, { mode, connections: CONNECTIONS, requests: REQUESTS, pipelining: PIPELINING });
}

/** The server counts a request when it has parsed it, possibly after the client has gone: wait until it is idle. */
async function settledStats(server: RunningServer): Promise<ServerStats> {
  await server.whenIdle();
  return server.stats();
}

for (const name of Object.keys(ENGINES) as EngineName[]) {
  const expects = ENGINES[name];
  describe(`engine ${name} against the embedded server`, () => {
    const servers = new Map<ClientMode, RunningServer>();

    before(async () => {
      for (const mode of MODES) {
        const serverMode = mode === '1.0' ? 'close' : 'keep-alive';
        servers.set(mode, await startServer({ ...DEFAULT_SERVER_CONFIG, mode: serverMode, host: '127.0.0.1', port: 0 }));
      }
    });

    after(async () => {
      for (const server of servers.values()) await server.close(1_000);
    });

    for (const mode of MODES) {
      test(`${mode}: the server's counts equal the engine's`, async () => {
        const server = servers.get(mode)!;
        const engine = (await loadEngine(name))();
        assert.equal(engine.name, name);
        const before = await settledStats(server);
        const result: LoadResult = await engine.run(caseConfig(mode, server.url), new AbortController().signal);
        const stats = await settledStats(server);
        const served = stats.requests - before.requests;
        const accepted = stats.connectionsAccepted - before.connectionsAccepted;

        assert.equal(result.engine, name);
        assert.equal(result.interrupted, false);
        assert.deepEqual(result.errors, {});
        assert.equal(result.httpVersionOnWire, mode === '1.0' ? expects.wire10 : '1.1');
        assert.equal(result.sent, REQUESTS, 'requests sent');
        assert.equal(served, REQUESTS, 'requests the server answered');
        if (expects.readsEveryResponse(mode)) {
          assert.equal(result.completed, served, 'completed requests equal the server count');
        } else {
          assert.ok(result.completed <= served, 'never more responses than the server sent');
          assert.ok(served - result.completed <= CONNECTIONS * (PIPELINING - 1), 'at most the final in-flight ones are lost');
        }
        assert.equal(result.statusCodes['200'], result.completed);
        assert.equal(result.non2xx, 0);
        assert.equal(result.latency.totalCount, result.completed, 'one latency sample per response');
        assert.ok(result.measuredUs > 0);
        assert.ok(result.bytesIn > 0);
        assert.ok(result.timeline.length >= 1);
        assert.equal(result.timeline.reduce((sum, point) => sum + point.requests, 0), result.completed);

        if (result.connections !== null) {
          assert.equal(result.connections.opened, accepted, 'client handshakes equal the server accepts');
          assert.equal(result.connect.totalCount, result.connections.opened, 'one connect time per handshake');
          const { closedByServer, closedByClient } = result.connections;
          if (expects.seesWhoClosed(mode)) {
            assert.ok(closedByServer !== null && closedByClient !== null, 'who closed first is known');
            assert.equal(closedByServer + closedByClient + result.connections.reset, result.connections.opened, 'every connection closed and attributed');
            if (mode === '1.0') assert.equal(closedByServer, REQUESTS, 'the close-mode server closes every 1.0 connection first');
          } else {
            assert.equal(closedByServer, null, 'unknown, not a wrong count');
            assert.equal(closedByClient, null);
            assert.ok(result.notes.some((note) => note.includes('who closed first is unknown')));
          }
          if (mode === '1.0') assert.equal(result.connections.opened, REQUESTS, 'one handshake per request');
          else assert.equal(result.connections.opened, CONNECTIONS, 'one handshake per connection');
        }
      });
    }
  });
}

// The conformance case file over HTTPS: every engine in every mode against the embedded TLS server, with TCP and TLS
// handshakes counted on both sides, and the session resumption rule checked exactly for the native engine.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadConfig, LoadTls } from '../../src/client/engine.js';
import { loadEngine } from '../../src/client/engines/index.js';
import type { LoadResult, ServerStats } from '../../src/measurements.js';
import type { RunningServer } from '../../src/server/index.js';
import type { ClientMode, EngineName } from '../../src/types.js';
import { loadConfig } from '../helpers/load-config.js';
import { startTlsTestServer } from '../helpers/raw-tls.js';

const REQUESTS = 300;
const CONNECTIONS = 4;
const PIPELINING = 4;
const MODES: ClientMode[] = ['1.0', '1.1', 'pipeline'];

/** What each engine can promise over TLS. */
const ENGINES: Record<EngineName, { exact: boolean; readsEveryResponse: (mode: ClientMode) => boolean }> = {
  // The native engine counts exactly what the server counts, TLS handshakes by kind included.
  native: { exact: true, readsEveryResponse: () => true },
  undici: { exact: true, readsEveryResponse: () => true },
  // autocannon ends a run by destroying its sockets, some mid-handshake or with pipelined answers unread.
  autocannon: { exact: false, readsEveryResponse: (mode) => mode !== 'pipeline' },
};

function tlsFor(server: RunningServer, over: Partial<LoadTls> = {}): LoadTls {
  return {
    extraCa: [server.tls!.certificatePem],
    cert: null,
    key: null,
    rejectUnauthorized: true,
    servername: null,
    verifyName: '127.0.0.1',
    resume: true,
    maxVersion: 'TLSv1.3',
    ...over,
  };
}

function caseConfig(server: RunningServer, mode: ClientMode, over: Partial<LoadConfig> = {}, tls: Partial<LoadTls> = {}): LoadConfig {
  return loadConfig(server.url, { mode, connections: CONNECTIONS, requests: REQUESTS, pipelining: PIPELINING, address: '127.0.0.1', tls: tlsFor(server, tls), ...over });
}

/** The server's counters once every connection of the last load has closed (the server's idle event, no polling). */
async function settledStats(server: RunningServer): Promise<ServerStats> {
  await server.whenIdle();
  return server.stats();
}

interface Observed {
  result: LoadResult;
  served: number;
  accepted: number;
  server: { full: number; resumed: number; failed: number };
}

async function observe(server: RunningServer, name: EngineName, config: LoadConfig): Promise<Observed> {
  const before = await settledStats(server);
  const result = await (await loadEngine(name))().run(config, new AbortController().signal);
  const after = await settledStats(server);
  const tlsBefore = before.tlsHandshakes!;
  const tlsAfter = after.tlsHandshakes!;
  return {
    result,
    served: after.requests - before.requests,
    accepted: after.connectionsAccepted - before.connectionsAccepted,
    server: { full: tlsAfter.full - tlsBefore.full, resumed: tlsAfter.resumed - tlsBefore.resumed, failed: tlsAfter.failed - tlsBefore.failed },
  };
}

for (const name of Object.keys(ENGINES) as EngineName[]) {
  const expects = ENGINES[name];
  describe(`engine ${name} over HTTPS against the embedded TLS server`, () => {
    const servers = new Map<ClientMode, RunningServer>();
    before(async () => {
      for (const mode of MODES) servers.set(mode, await startTlsTestServer({ mode: mode === '1.0' ? 'close' : 'keep-alive' }));
    });
    after(async () => {
      for (const server of servers.values()) await server.close(1_000);
    });

    for (const mode of MODES) {
      test(`${mode}: completed requests, TCP and TLS handshakes equal the server's counts`, async () => {
        const server = servers.get(mode)!;
        const { result, served, accepted, server: tls } = await observe(server, name, caseConfig(server, mode));
        assert.deepEqual(result.errors, {});
        if (expects.readsEveryResponse(mode)) {
          assert.equal(served, REQUESTS, 'requests the server answered');
          assert.equal(result.completed, served, 'completed requests equal the server count');
        } else {
          // Destroyed with requests in flight: the server may not even have read the last ones.
          assert.ok(served <= REQUESTS && result.completed <= served, `${result.completed} completed, ${served} served`);
          assert.ok(REQUESTS - result.completed <= CONNECTIONS * PIPELINING, 'at most the final in-flight ones are lost');
        }
        const counts = result.tls!.counts;
        assert.ok(counts.full >= 1, 'at least one full handshake');
        assert.equal(result.tls!.handshake.totalCount, counts.full + counts.resumed, 'one TLS time per handshake');
        assert.equal(result.tls!.session?.alpn, 'http/1.1');
        assert.equal(result.tls!.session?.protocol, 'TLSv1.3');
        if (!expects.exact) return;
        assert.equal(result.connections!.opened, accepted, 'client TCP handshakes equal the server accepts');
        assert.equal(counts.full, tls.full, 'full handshakes: client = server');
        assert.equal(counts.resumed, tls.resumed, 'resumed handshakes: client = server');
        assert.equal(tls.failed, 0);
        if (mode === '1.0') {
          assert.equal(result.connections!.opened, REQUESTS, 'handshakes.client = requests');
          assert.equal(counts.full + counts.resumed, REQUESTS, 'tls.full + tls.resumed = requests');
        } else {
          assert.equal(result.connections!.opened, CONNECTIONS);
        }
      });
    }

    test('1.0 with --tls-resume off: every handshake is full, on both sides', async () => {
      const server = servers.get('1.0')!;
      const { result, served, server: tls } = await observe(server, name, caseConfig(server, '1.0', {}, { resume: false }));
      assert.deepEqual(result.errors, {});
      assert.equal(result.completed, served);
      assert.equal(result.tls!.counts.resumed, 0);
      assert.equal(tls.resumed, 0, 'the server resumed nothing');
      if (expects.exact) assert.equal(result.tls!.counts.full, REQUESTS);
    });
  });
}

describe('native engine: the resumption rule', () => {
  // The rule: a new connection offers the most recent session (ticket) that any connection of the same load has
  // received by the time it starts connecting; a load starts with none. The first -c connections open together,
  // before any ticket exists, so they are full; every later connection opens after its slot's previous response,
  // which arrives after that connection's tickets (TLS 1.3 NewSessionTicket precedes application data; TLS 1.2
  // tickets are part of the handshake), so it resumes. Hence, in 1.0 mode: full = min(-c, -n), resumed = -n − full.
  let server: RunningServer;
  before(async () => {
    server = await startTlsTestServer({ mode: 'close' });
  });
  after(async () => {
    await server.close(1_000);
  });

  for (const [connections, maxVersion] of [[1, 'TLSv1.3'], [CONNECTIONS, 'TLSv1.3'], [CONNECTIONS, 'TLSv1.2']] as const) {
    test(`-c ${connections}, ${maxVersion}: exactly ${connections} full handshake(s), every later one resumed (client and server agree)`, async () => {
      const { result, server: tls } = await observe(server, 'native', caseConfig(server, '1.0', { connections }, { maxVersion }));
      assert.deepEqual(result.errors, {});
      assert.equal(result.completed, REQUESTS);
      assert.deepEqual(result.tls!.counts, { full: connections, resumed: REQUESTS - connections });
      assert.deepEqual({ full: tls.full, resumed: tls.resumed }, result.tls!.counts);
      assert.equal(result.tls!.session?.protocol, maxVersion);
    });
  }
});

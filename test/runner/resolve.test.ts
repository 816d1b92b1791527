// Resolution once and the probe: every address kept in resolver order, the first that accepts is loaded (localhost
// answering ::1 first still reaches a server on 127.0.0.1 only), none accepting names them all. Loopback only.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { loadEngine } from '../../src/client/engines/index.js';
import { isH1Error } from '../../src/errors.js';
import { probeConnect, probeTarget, resolveTarget, type LookupAll } from '../../src/runner/resolve.js';
import { runSeries } from '../../src/runner/run.js';
import type { RunConfig } from '../../src/types.js';
import { startTestServer } from '../helpers/raw-http.js';
import { CONFIG } from '../report/fixtures.js';

/** The resolver of a machine whose /etc/hosts lists ::1 before 127.0.0.1 for localhost. */
const v6First: LookupAll = async () => [
  { address: '::1', family: 6 },
  { address: '127.0.0.1', family: 4 },
];

async function listen(host: string): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

const close = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('resolveTarget', () => {
  test('IP literals and pins need no lookup; names keep every address in resolver order, duplicates removed', async () => {
    const never: LookupAll = () => Promise.reject(new Error('must not be called'));
    assert.deepEqual((await resolveTarget(new URL('http://[::1]:81/'), 81, [], never)).addresses, [{ address: '::1', family: 6 }]);
    const pinned = await resolveTarget(new URL('https://Example.com/'), 443, [{ host: 'example.com', port: 443, addresses: ['127.0.0.2', '::1'] }], never);
    assert.equal(pinned.source, 'pin');
    assert.deepEqual(pinned.addresses.map((a) => a.address), ['127.0.0.2', '::1']);
    // A pin for another port does not apply.
    const dup: LookupAll = async () => [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    const named = await resolveTarget(new URL('http://example.com:8080/'), 8080, [{ host: 'example.com', port: 443, addresses: ['127.0.0.2'] }], dup);
    assert.equal(named.source, 'dns');
    assert.deepEqual(named.addresses.map((a) => a.address), ['::1', '127.0.0.1']);
    assert.ok(named.lookupMs >= 0);
  });

  test('a lookup failure is H1B_RESOLVE_FAILED with the resolver code', async () => {
    const fails: LookupAll = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    await assert.rejects(resolveTarget(new URL('http://nowhere.test/'), 80, [], fails), (error: unknown) => {
      return isH1Error(error) && error.code === 'H1B_RESOLVE_FAILED' && /nowhere\.test \(ENOTFOUND\)/.test(error.message);
    });
  });
});

describe('probeTarget', () => {
  test('localhost → ::1 first, server on 127.0.0.1 only: ::1 is refused, 127.0.0.1 is chosen', async (t) => {
    const { server, port } = await listen('127.0.0.1');
    try {
      if ((await probeConnect({ address: '::1', family: 6 }, port)) === null) {
        t.skip('something listens on [::1] at the same port');
        return;
      }
      const located = await probeTarget(await resolveTarget(new URL(`http://localhost:${port}/`), port, [], v6First));
      assert.deepEqual(located.chosen, { address: '127.0.0.1', family: 4 });
      assert.equal(located.attempts.length, 2);
      assert.equal(located.attempts[0]?.failure, 'ECONNREFUSED');
      assert.equal(located.attempts[1]?.failure, null);
    } finally {
      await close(server);
    }
  });

  test('none accepts: H1B_CONNECT_REFUSED naming every address tried and why', async () => {
    const { server, port } = await listen('127.0.0.1');
    await close(server);
    const resolution = await resolveTarget(new URL(`http://localhost:${port}/`), port, [], v6First);
    await assert.rejects(probeTarget(resolution), (error: unknown) => {
      assert.ok(isH1Error(error));
      assert.equal(error.code, 'H1B_CONNECT_REFUSED');
      assert.match(error.message, new RegExp(`localhost → 2 addresses\\): tried \\[::1\\]:${port} \\(ECONNREFUSED\\), 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
      return true;
    });
  });
});

describe('bench run against localhost resolving to ::1 first', () => {
  test('every request completes against a server on 127.0.0.1 only; the report names the address loaded', async () => {
    const server = await startTestServer({ mode: 'close' });
    try {
      const config: RunConfig = Object.freeze({
        ...CONFIG,
        mode: '1.0',
        url: `http://localhost:${server.port}/`,
        connections: 2,
        requests: 200,
        warmupMs: 0,
      });
      const report = await runSeries(config, { createEngine: await loadEngine('native'), signal: new AbortController().signal, lookup: v6First });
      assert.equal(report.requests.completed, 200);
      assert.deepEqual(report.errors, {});
      assert.equal(report.target.address, '127.0.0.1');
      assert.equal(report.target.family, 4);
      assert.deepEqual(report.target.resolved?.addresses, [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ]);
      assert.equal(report.target.resolved?.source, 'dns');
      assert.equal(report.handshakes.client, 200);
      assert.equal(report.target.url, `http://localhost:${server.port}/`, 'the URL (and Host header) keep the name');
    } finally {
      await server.close();
    }
  });
});

// /stats?quiescent=MS: the long-poll the runner's probe reads counters with once a load's connections have closed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quiescentParam } from '../../src/server/builtin-routes.js';
import { exchange, openSocket, startTestServer } from '../helpers/raw-http.js';

test('quiescentParam reads quiescent=MS among other parameters', () => {
  assert.equal(quiescentParam('quiescent=2000'), 2000);
  assert.equal(quiescentParam('x=1&quiescent=0'), 0);
  assert.equal(quiescentParam('x=1'), -1);
  assert.equal(quiescentParam('quiescent=abc'), -2);
  assert.equal(quiescentParam('quiescent='), -2);
});

const stats = (query: string): string => `GET /stats${query} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`;
const body = (ex: { responses: Array<{ body: Buffer }> }): Record<string, number> => JSON.parse(ex.responses[0]!.body.toString('utf8')) as Record<string, number>;

test('/stats?quiescent=MS: at once when only the probe is open; else on the close that leaves it alone', async () => {
  const server = await startTestServer();
  try {
    // Nothing else open: answered at once, not after a minute.
    const alone = await exchange(server.port, stats('?quiescent=60000'));
    assert.equal(alone.responses[0]!.status, 200);
    assert.equal(body(alone)['connectionsOpen'], 1);

    const accepted = server.waitFor('connection');
    const other = await openSocket(server.port);
    await accepted;
    let answered = false;
    server.on('response', (_conn, status) => {
      if (status === 200) answered = true;
    });
    const held = server.waitFor('request', (_conn, _method, target) => target === '/stats?quiescent=60000');
    const probe = exchange(server.port, stats('?quiescent=60000'), { timeoutMs: 10_000 });
    await held;
    assert.equal(answered, false, 'held while another connection is open');
    other.destroy();
    const released = await probe;
    assert.equal(answered, true);
    const counters = body(released);
    assert.equal(counters['connectionsOpen'], 1, 'only the probe itself');
    assert.equal(counters['connectionsAccepted'], 3);
    assert.equal(counters['closedByClient'], 1, 'the other close is counted before the answer');
  } finally {
    await server.close(500);
  }
});

test('/stats?quiescent=MS: answered after MS as things are when a connection stays open; bad values → 400', async () => {
  const server = await startTestServer({ maxDelayMs: 1000 });
  try {
    const accepted = server.waitFor('connection');
    const other = await openSocket(server.port);
    await accepted;
    const bounded = await exchange(server.port, stats('?quiescent=30'));
    assert.equal(bounded.responses[0]!.status, 200);
    assert.equal(body(bounded)['connectionsOpen'], 2);
    other.destroy();
    for (const query of ['?quiescent=abc', '?quiescent=1001']) {
      const bad = await exchange(server.port, stats(query));
      assert.equal(bad.responses[0]!.status, 400, query);
      assert.match(bad.responses[0]!.body.toString('latin1'), /quiescent=MS needs 0 <= MS <= 1000/);
    }
    const plain = await exchange(server.port, stats(''));
    assert.equal(plain.responses[0]!.status, 200, '/stats without the parameter is unchanged');
  } finally {
    await server.close(500);
  }
});

test('/stats?quiescent: a probe that goes away while held is answered at its bound, then closed; the server serves on', async () => {
  const server = await startTestServer();
  try {
    const accepted = server.waitFor('connection');
    const other = await openSocket(server.port);
    await accepted;
    const held = server.waitFor('request');
    const probe = await openSocket(server.port);
    probe.write(stats('?quiescent=50'));
    const [heldConn] = await held;
    // A held connection is not read (its answer comes first), so its FIN is seen once the bound has answered it.
    const gone = server.waitFor('closed', (conn) => conn === heldConn);
    probe.destroy();
    assert.equal((await gone)[1], 'client');
    other.destroy();
    await server.whenIdle();
    assert.equal(server.stats().responsesByStatus['200'], 1, 'the bound answered the probe once');
    // No stale waiter left behind: a new probe is held again while a foreign connection is open.
    const accepted2 = server.waitFor('connection');
    const third = await openSocket(server.port);
    await accepted2;
    let answered = false;
    server.on('response', () => (answered = true));
    const held2 = server.waitFor('request');
    const next = exchange(server.port, stats('?quiescent=60000'), { timeoutMs: 10_000 });
    await held2;
    assert.equal(answered, false);
    third.destroy();
    assert.equal(body(await next)['connectionsOpen'], 1);
  } finally {
    await server.close(500);
  }
});

// Never crash on any byte sequence: random and mutated requests over many connections, then the server still serves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exchange, startTestServer } from '../helpers/raw-http.js';

const VALID =
  'GET / HTTP/1.1\r\nHost: t\r\n\r\nPOST /bytes/3 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '3;a=b\r\nabc\r\n0\r\nX: y\r\n\r\nPOST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi';

test('random and mutated input over 150 connections: every connection ends, the server keeps serving', async () => {
  // Deterministic xorshift so a failure reproduces.
  let seed = 0x2545f491;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const server = await startTestServer({ headersTimeoutMs: 300, bodyTimeoutMs: 300, keepAliveTimeoutMs: 300 });
  try {
    for (let round = 0; round < 150; round++) {
      let input: Buffer;
      if (round % 3 === 0) {
        input = Buffer.alloc(1 + rand(400));
        for (let k = 0; k < input.length; k++) input[k] = rand(256);
      } else {
        input = Buffer.from(VALID, 'latin1');
        for (let k = 0, flips = 1 + rand(6); k < flips; k++) input[rand(input.length)] = rand(256);
      }
      const cut = rand(input.length);
      // Unterminated input ends by a server timeout (408 or a silent close); everything else by an answer.
      const ex = await exchange(server.port, [input.subarray(0, cut), input.subarray(cut)], { timeoutMs: 5000 });
      for (const r of ex.responses) assert.ok([200, 400, 404, 408, 413, 414, 431, 505].includes(r.status), `status ${r.status}`);
    }
    const ok = await exchange(server.port, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal(ok.responses[0]?.status, 200);
    await server.whenIdle();
    const s = server.stats();
    assert.equal(s.connectionsAccepted, 151);
    assert.equal(s.closedByServer + s.closedByClient + s.reset, 151);
  } finally {
    await server.close(500);
  }
});

// Real clients against both server modes: undici (keep-alive, pipelining), node:http with and without an agent, curl.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { Client } from 'undici';
import type { RunningServer } from '../../src/server/index.js';
import type { ServerMode } from '../../src/types.js';
import { startTestServer } from '../helpers/raw-http.js';

function nodeGet(url: string, agent: http.Agent | false, method = 'GET'): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: 10_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const curlVersion = await curl(['--version']);
const hasCurl = curlVersion.code === 0;

for (const mode of ['close', 'keep-alive'] as ServerMode[]) {
  describe(`real clients, mode ${mode}`, () => {
    let server: RunningServer;
    before(async () => {
      server = await startTestServer({ mode });
    });
    after(() => server.close(1000));

    test('undici Client: keep-alive and pipelining (10 in flight), every answer correct', async () => {
      const before = server.stats();
      const client = new Client(server.url.slice(0, -1), { pipelining: 10 });
      try {
        const n = 50;
        const results = await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            const res = await client.request({ path: i % 2 === 0 ? '/' : `/bytes/${i}`, method: 'GET' });
            const body = Buffer.from(await res.body.arrayBuffer());
            return [res.statusCode, body.length, i] as const;
          }),
        );
        for (const [status, length, i] of results) {
          assert.equal(status, 200);
          assert.equal(length, i % 2 === 0 ? 13 : i);
        }
        const accepted = server.stats().connectionsAccepted - before.connectionsAccepted;
        // keep-alive: undici reuses its connection(s); close: one connection per request.
        if (mode === 'keep-alive') assert.ok(accepted <= 2, `accepted ${accepted}`);
        else assert.equal(accepted, n);
        const head = await client.request({ path: '/', method: 'HEAD' });
        assert.equal(head.statusCode, 200);
        assert.equal(head.headers['content-length'], '13');
        await head.body.dump();
      } finally {
        await client.close();
      }
    });

    test('node:http without an agent (a connection per request) and with a keep-alive agent', async () => {
      const plain = await nodeGet(server.url, false);
      assert.equal(plain.status, 200);
      assert.equal(plain.body, 'Hello, World!');
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const before = server.stats().connectionsAccepted;
        for (let i = 0; i < 5; i++) {
          const r = await nodeGet(`${server.url}bytes/${100 * i}`, agent);
          assert.equal(r.status, 200);
          assert.equal(r.body.length, 100 * i);
          assert.equal(r.headers.connection, mode === 'close' ? 'close' : undefined);
          if (mode === 'keep-alive') assert.equal(r.headers['keep-alive'], 'timeout=5');
        }
        const head = await nodeGet(server.url, agent, 'HEAD');
        assert.equal(head.status, 200);
        assert.equal(head.body, '');
        const accepted = server.stats().connectionsAccepted - before;
        assert.equal(accepted, mode === 'close' ? 6 : 1);
      } finally {
        agent.destroy();
      }
      await server.whenIdle();
    });

    test('curl --http1.0 and --http1.1', async (t) => {
      if (!hasCurl) {
        t.skip('curl is not installed (apt-get install curl)');
        return;
      }
      for (const flag of ['--http1.0', '--http1.1']) {
        const r = await curl(['-sS', '-i', flag, server.url, `${server.url}bytes/5`]);
        assert.equal(r.code, 0, r.stderr);
        const statuses = [...r.stdout.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
        assert.deepEqual(statuses, ['200', '200'], r.stdout);
        assert.ok(r.stdout.includes('Hello, World!'));
        assert.ok(r.stdout.endsWith('xxxxx'));
        const expectClose = flag === '--http1.0' || mode === 'close';
        assert.match(r.stdout, expectClose ? /^Connection: close/m : /^Keep-Alive: timeout=5/m);
      }
      const post = await curl(['-sS', '--http1.1', '-d', 'a=1', '-H', 'Transfer-Encoding: chunked', `${server.url}stats`]);
      assert.equal(post.code, 0, post.stderr);
      assert.equal(typeof JSON.parse(post.stdout).requests, 'number');
    });
  });
}

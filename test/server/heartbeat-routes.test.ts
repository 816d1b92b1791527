// /heartbeat and /clients on the real server with literal bytes: ids, answers, offline verdicts, FIN vs RST, the JSON-lines log.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseHeartbeatQuery } from '../../src/server/heartbeat-routes.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { parseLivenessLine } from '../../src/server/liveness-log.js';
import { DEFAULT_SERVER_CONFIG } from '../../src/types.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Send raw bytes on a new connection and collect everything until the server closes. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end(bytes));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

/** A keep-alive connection that sends one heartbeat and waits for its answer. */
function beatOn(port: number, id: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(`GET /heartbeat?id=${id} HTTP/1.1\r\nHost: x\r\n\r\n`));
    socket.once('data', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function clients(port: number, query = ''): Promise<Record<string, unknown>> {
  const text = await exchange(port, `GET /clients${query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

/** Resolves once each of `ids` has gone offline: the verdict comes from the server's own sweep, as a liveness event. */
function offline(server: RunningServer, ...ids: string[]): Promise<unknown> {
  const pending = new Set(ids);
  return server.waitFor('liveness', (event) => {
    if (event.type === 'transition' && event.to === 'offline') pending.delete(event.id);
    return pending.size === 0;
  });
}

describe('heartbeat routes', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...DEFAULT_SERVER_CONFIG, port: 0, heartbeatTimeoutMs: 200 });
  });
  after(async () => {
    await server.close(100);
  });

  test('parseHeartbeatQuery reads id and interval, decodes escapes, ignores the rest', () => {
    assert.deepEqual(parseHeartbeatQuery('id=c17&interval=1000'), { id: 'c17', intervalMs: 1000 });
    assert.deepEqual(parseHeartbeatQuery('x=1&id=a%20b'), { id: 'a b', intervalMs: 0 });
    assert.deepEqual(parseHeartbeatQuery('interval=abc&id=%zz'), { id: '%zz', intervalMs: 0 });
    assert.deepEqual(parseHeartbeatQuery(''), { id: '', intervalMs: 0 });
  });

  test('a heartbeat is answered 200 "ok" (?id= or X-Client-Id); without an id, 400', async () => {
    const byQuery = await exchange(server.port, 'GET /heartbeat?id=q1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(byQuery, /^HTTP\/1\.1 200 /);
    assert.ok(byQuery.endsWith('\r\n\r\nok'));
    const byHeader = await exchange(server.port, 'GET /heartbeat HTTP/1.0\r\nX-Client-Id: h1\r\n\r\n');
    assert.match(byHeader, /^HTTP\/1\.1 200 /);
    const none = await exchange(server.port, 'GET /heartbeat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(none, /^HTTP\/1\.1 400 /);
    const listed = await clients(server.port, '?state=all');
    const ids = (listed['list'] as Array<{ id: string }>).map((c) => c.id);
    assert.ok(ids.includes('q1') && ids.includes('h1'));
  });

  test('a silent client goes offline; the server records a client FIN and an RST (not its own closes)', async () => {
    const verdicts = offline(server, 'fin', 'rst', 'silent');
    const fin = await beatOn(server.port, 'fin');
    const rst = await beatOn(server.port, 'rst');
    const silent = await beatOn(server.port, 'silent');
    const before = (await clients(server.port))['connectionEnds'] as Record<string, number>;
    fin.end();
    rst.resetAndDestroy();
    await verdicts;
    const body = await clients(server.port, '?state=offline');
    const list = body['list'] as Array<{ id: string; lastEnd: string | null; sinceUs: number; lastSeenUs: number }>;
    const byId = new Map(list.map((c) => [c.id, c]));
    assert.equal(byId.get('fin')?.lastEnd, 'close');
    assert.equal(byId.get('rst')?.lastEnd, 'reset');
    assert.equal(byId.get('silent')?.lastEnd, null);
    const s = byId.get('silent')!;
    assert.ok(s.sinceUs - s.lastSeenUs >= 200_000, 'never before the timeout');
    const ends = body['connectionEnds'] as Record<string, number>;
    assert.equal(ends['close']! - before['close']!, 1);
    assert.equal(ends['reset']! - before['reset']!, 1);
    silent.destroy();
  });

  test('a late beat brings a client back online', async () => {
    const verdict = offline(server, 'late');
    const socket = await beatOn(server.port, 'late');
    await verdict;
    const offlineNow = (await clients(server.port, '?state=offline'))['list'] as Array<{ id: string }>;
    assert.ok(offlineNow.some((c) => c.id === 'late'));
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write('GET /heartbeat?id=late HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    const online = (await clients(server.port, '?state=online'))['list'] as Array<{ id: string }>;
    assert.ok(online.some((c) => c.id === 'late'));
    socket.destroy();
  });
});

describe('bench serve --log-liveness', () => {
  test('writes each transition as a JSON line on stderr', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--heartbeat-timeout', '150ms', '--log-liveness'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.once('data', (line: string) => resolve(new URL(line.trim())));
        child.once('exit', () => reject(new Error('serve exited before printing its URL')));
      });
      const seen: string[] = [];
      const offline = new Promise<void>((resolve) => {
        let buffered = '';
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            const event = parseLivenessLine(line);
            if (event?.type === 'transition') {
              seen.push(`${event.id}:${event.from}->${event.to}:${event.cause}`);
              if (event.to === 'offline') resolve();
            }
          }
        });
      });
      await exchange(Number(url.port), 'GET /heartbeat?id=logged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await offline;
      assert.deepEqual(seen, ['logged:new->online:beat', 'logged:online->offline:silent']);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});

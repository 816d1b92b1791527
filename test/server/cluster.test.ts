// bench serve --workers: one port for N processes, /stats summed over them (quiescent too), graceful stop, one URL line.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { isH1Error } from '../../src/errors.js';
import { startCluster, type ClusterServer } from '../../src/server/cluster.js';
import { DEFAULT_SERVER_CONFIG } from '../../src/types.js';
import { runCli } from '../cli/cli-helpers.js';
import { exchange, openSocket } from '../helpers/raw-http.js';
import { processGone } from '../../src/metrics/process-usage.js';

const CONFIG = Object.freeze({ ...DEFAULT_SERVER_CONFIG, host: '127.0.0.1', port: 0 });
const GET = 'GET / HTTP/1.1\r\nHost: t\r\n\r\n';
const statsRequest = (query = ''): string => `GET /stats${query} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`;

async function stats(port: number, query = ''): Promise<Record<string, number>> {
  const answer = await exchange(port, statsRequest(query), { responses: 1, timeoutMs: 20_000 });
  assert.equal(answer.responses[0]?.status, 200);
  return JSON.parse(answer.responses[0]!.body.toString('utf8')) as Record<string, number>;
}

describe('server cluster', () => {
  let cluster: ClusterServer;
  before(async () => {
    cluster = await startCluster(CONFIG, 2);
  });
  after(() => cluster.close(0));

  test('one port, two processes; /stats counts every connection and request, whichever worker took it', async () => {
    assert.equal(cluster.pids.length, 2);
    assert.match(cluster.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const before = await stats(cluster.port);
    for (let i = 0; i < 40; i++) {
      const answer = await exchange(cluster.port, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', { timeoutMs: 10_000 });
      assert.equal(answer.responses[0]?.status, 200);
    }
    // Quiescent: answered once every other connection has closed on every worker, so each close is counted.
    const after = await stats(cluster.port, '?quiescent=10000');
    // Each /stats request is itself a connection and a request, counted before its own answer.
    assert.equal(after['connectionsAccepted']! - before['connectionsAccepted']!, 41);
    assert.equal(after['requests']! - before['requests']!, 41);
    assert.equal(after['closedByServer']! + after['closedByClient']! - (before['closedByServer']! + before['closedByClient']!), 41);
  });

  test('/stats?quiescent waits until no connection but the probe is open on any worker', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = await openSocket(cluster.port);
      // One answered request: the connection is accepted and counted by its worker.
      await new Promise<void>((resolve) => {
        socket.once('data', () => resolve());
        socket.write(GET);
      });
      idle.push(socket);
    }
    const before = await stats(cluster.port);
    const probe = stats(cluster.port, '?quiescent=60000');
    // The probe's request is counted once a worker parsed it (and holds it): read plain /stats until it shows.
    for (let i = 0; i < 200; i++) {
      if ((await stats(cluster.port))['requests']! >= before['requests']! + 2 + i) break;
    }
    for (const socket of idle) socket.destroy();
    const released = await probe;
    assert.equal(released['connectionsOpen'], 1, 'answered once only the probe was open');
  });

  test('TLS is refused: certificates and ticket keys are per process', async () => {
    await assert.rejects(
      startCluster({ ...CONFIG, tls: { certFile: null, keyFile: null, certOut: null, sessionTickets: true } }, 2),
      (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION',
    );
  });
});

test('close() stops every worker gracefully', async () => {
  const cluster = await startCluster(CONFIG, 2);
  const answer = await exchange(cluster.port, 'GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', { timeoutMs: 10_000 });
  assert.equal(answer.responses[0]?.status, 200);
  await cluster.close();
  for (const pid of cluster.pids) assert.ok(processGone(pid), `worker ${pid} is gone`);
});

test('bench serve --workers 2 prints one URL line and exits 0 on SIGTERM', async () => {
  let url = '';
  const result = await runCli(['serve', '--workers', '2', '--port', '0'], {
    limitMs: 30_000,
    onStdoutLine: (line, child) => {
      url = line;
      child.kill('SIGTERM');
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(result.stdout.trim().split('\n').length, 1);
});

test('a worker that dies on its own stops the cluster: exit 1, the reason on stderr', async () => {
  let killed = 0;
  const result = await runCli(['serve', '--workers', '2', '--port', '0'], {
    limitMs: 30_000,
    onStdoutLine: (_line, child) => {
      // The URL line comes once every worker listens: the primary's children are the workers this test's CLI started.
      const workers = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number).filter((pid) => pid > 0);
      if (workers.length === 0) {
        child.kill('SIGTERM');
        return;
      }
      killed = workers[0]!;
      process.kill(killed, 'SIGKILL');
    },
  });
  assert.ok(killed > 0);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, new RegExp(`server worker ${killed} exited on its own \\(SIGKILL\\); its counters are lost; the other workers were stopped`));
});

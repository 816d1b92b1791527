// Native engine against nginx: the requests nginx logs equal the engine's completed requests, in all three modes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNativeEngine } from '../../src/client/engines/native.js';
import type { LoadConfig } from '../../src/client/engine.js';
import { unusedPort } from './literal-server.js';
import { loadConfig } from '../helpers/load-config.js';

interface Nginx {
  port: number;
  logLines(): number;
  /** Stop nginx (it flushes its log) and wait for it to exit; idempotent. */
  stop(): Promise<void>;
  /** Remove its directory. */
  dispose(): void;
}

const hasNginx = spawnSync('nginx', ['-v']).error === undefined;

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One worker, default keepalive_requests (1000: every 1000th response on a connection says close). */
async function startNginx(): Promise<Nginx | string> {
  const dir = mkdtempSync(join(tmpdir(), 'h1bench-nginx-'));
  const port = await unusedPort();
  const log = join(dir, 'access.log');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;\ndaemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents { worker_connections 1024; }\n` +
      `http {\n  log_format line '$request $status';\n  access_log ${log} line;\n` +
      `  client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;\n` +
      `  server { listen 127.0.0.1:${port}; location / { return 200 "Hello, World!"; } }\n}\n`,
  );
  const child: ChildProcess = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Bounded poll: nginx gives no readiness signal other than accepting connections.
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      const reason = `nginx did not start: ${(() => {
        try {
          return readFileSync(join(dir, 'error.log'), 'utf8').trim().split('\n').pop();
        } catch {
          return 'no error log';
        }
      })()}`;
      rmSync(dir, { recursive: true, force: true });
      return reason;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    logLines: () => readFileSync(log, 'utf8').split('\n').filter((line) => line.length > 0).length,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Two connections doing 1250 requests each cross nginx's keepalive_requests (1000) once: 4 connections in all.
const CASES: Array<[string, Partial<LoadConfig>, number]> = [
  ['1.0', { mode: '1.0', connections: 8, requests: 1500 }, 1500],
  ['1.1', { mode: '1.1', connections: 2, requests: 2500 }, 4],
  ['pipeline (crosses keepalive_requests, so pipelined requests are re-sent)', { mode: 'pipeline', connections: 2, requests: 2500, pipelining: 10 }, 4],
];

for (const [name, over, opened] of CASES) {
  test(`nginx logs as many requests as the engine completed: ${name}`, async (t) => {
    if (!hasNginx) {
      t.skip('nginx is not installed (Debian package nginx-light)');
      return;
    }
    const nginx = await startNginx();
    if (typeof nginx === 'string') {
      t.skip(nginx);
      return;
    }
    try {
      const result = await createNativeEngine().run(
        loadConfig(`http://127.0.0.1:${nginx.port}/`, { connections: 2, ...over }),
        new AbortController().signal,
      );
      await nginx.stop();
      assert.deepEqual(result.errors, {});
      assert.equal(result.completed, over.requests);
      assert.equal(nginx.logLines(), result.completed);
      assert.equal(result.connections!.opened, opened);
    } finally {
      await nginx.stop();
      nginx.dispose();
    }
  });
}

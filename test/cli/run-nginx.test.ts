// `bench run` against nginx (1 worker, access log on): the requests nginx logs equal the report's completed requests.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { readReport } from '../../src/report/store.js';
import type { RunReport } from '../../src/report/schema.js';
import { runCli, tempDir } from './cli-helpers.js';

const dir = tempDir();
const accessLog = join(dir, 'access.log');
let nginx: ChildProcess | null = null;
let exited: Promise<void> = Promise.resolve();
let url = '';
let skipReason: string | null = null;

function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here: try the next location.
    }
  }
  return null;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Bounded poll: nginx prints nothing when it is ready to accept. */
async function accepting(port: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function loggedRequests(): number {
  return readFileSync(accessLog, 'utf8').split('\n').filter((line) => line.length > 0).length;
}

before(async () => {
  const binary = findNginx();
  if (!binary) {
    skipReason = 'nginx is not installed (Debian package nginx-light)';
    return;
  }
  const port = await freePort();
  // master_process off: a single nginx process (one worker's worth) whose PID we own and stop.
  // The default keepalive_requests (1000) stays: the client must follow nginx's Connection: close.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${accessLog};
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { default_type text/plain; return 200 'Hello, World!'; }
  }
}
`,
  );
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  exited = new Promise((resolve) => child.once('exit', () => resolve()));
  nginx = child;
  const ready = await Promise.race([accepting(port, 5_000), exited.then(() => false)]);
  if (!ready) {
    skipReason = `nginx did not start: ${stderr.trim().split('\n').pop() ?? 'no output'}`;
    return;
  }
  url = `http://127.0.0.1:${port}/`;
});

after(async () => {
  if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
    nginx.kill('SIGQUIT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('bench run against nginx', () => {
  for (const [mode, extra] of [
    ['1.0', ['-n', '1500', '-c', '8']],
    ['1.1', ['-n', '3000', '-c', '4']],
    ['pipeline', ['-n', '3000', '-c', '4', '--pipelining', '10']],
  ] as const) {
    test(`--mode ${mode}: nginx logs exactly the completed requests`, async (t) => {
      if (skipReason) return t.skip(skipReason);
      const before = loggedRequests();
      const out = join(dir, `nginx-${mode}.json`);
      // No warm-up, so every request nginx logs belongs to the measured phase.
      const result = await runCli(['run', '--url', url, '--mode', mode, ...extra, '--warmup', '0', '--no-progress', '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      const report = readReport(out) as RunReport;
      assert.equal(report.requests.completed, Number(extra[1]));
      assert.equal(report.requests.errors, 0, JSON.stringify(report.errors));
      assert.equal(loggedRequests() - before, report.requests.completed);
      assert.equal(report.handshakes.server, null, 'nginx has no /stats');
      if (mode === '1.0') assert.equal(report.handshakes.client, report.requests.completed);
    });
  }
});

// The servers bench:peers loads: h1bench's embedded server, a minimal node:http, nginx with one worker.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findTool, freePort } from './tools.js';

export type ServerName = 'h1bench' | 'node:http' | 'nginx';
export const SERVER_NAMES: readonly ServerName[] = ['h1bench', 'node:http', 'nginx'];

export interface PeerServer {
  readonly name: ServerName;
  readonly url: string;
  /** The process whose tree's CPU is charged to the server (nginx: the master; its worker is a child). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Either a running server or why it could not run. */
export type ServerStart = { state: 'running'; server: PeerServer } | { state: 'skipped'; reason: string };

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A node child that prints its URL as its first stdout line. */
async function nodeServer(name: ServerName, script: URL): Promise<ServerStart> {
  const child = spawn(process.execPath, [script.pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string | null>((resolve) => {
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', () => resolve(null));
  });
  lines.close();
  if (url === null || child.pid === undefined) return { state: 'skipped', reason: `${name} child exited before printing its URL` };
  return { state: 'running', server: { name, url, pid: child.pid, stop: () => stopChild(child) } };
}

/** Bounded poll until something accepts on the port (nginx prints nothing when ready). */
async function waitForPort(port: number, boundMs: number): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
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

function nginxConf(dir: string, port: number): string {
  // One worker, no logging, keep-alive without a request cap (nginx's default of 1000 per connection
  // would add handshakes to the keep-alive modes), the same 13-byte body as the other servers.
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 65s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      default_type text/plain;
      return 200 'Hello, World!';
    }
  }
}
`;
}

async function nginxServer(tempDir: string): Promise<ServerStart> {
  const binary = findTool('nginx');
  if (binary === null) return { state: 'skipped', reason: 'nginx is not installed (Debian package nginx-light)' };
  const dir = join(tempDir, 'nginx');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port));
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(false)));
  const ready = await Promise.race([waitForPort(port, 5_000), exited]);
  if (!ready || child.pid === undefined) {
    await stopChild(child);
    return { state: 'skipped', reason: `nginx did not start: ${stderr.trim().split('\n').pop() ?? 'no output'}` };
  }
  return {
    state: 'running',
    server: { name: 'nginx', url: `http://127.0.0.1:${port}/`, pid: child.pid, stop: () => stopChild(child) },
  };
}

export function startPeerServer(name: ServerName, tempDir: string): Promise<ServerStart> {
  switch (name) {
    case 'h1bench':
      return nodeServer(name, new URL('./h1bench-server.js', import.meta.url));
    case 'node:http':
      return nodeServer(name, new URL('./node-http-server.js', import.meta.url));
    case 'nginx':
      return nginxServer(tempDir);
  }
}

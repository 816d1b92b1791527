// The servers bench:peers loads: h1bench's embedded server, a minimal node:http, nginx with one worker.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startNginx, stopChild } from './nginx.js';

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

async function nginxServer(tempDir: string): Promise<ServerStart> {
  // No access log, and no request cap on keep-alive connections (nginx's default of 1000 per connection
  // would add handshakes to the keep-alive modes); the same 13-byte body as the other servers.
  const start = await startNginx({ dir: join(tempDir, 'nginx'), accessLog: null, keepaliveRequests: 100_000_000 });
  if (start.state === 'skipped') return start;
  const { url, pid, stop } = start.nginx;
  return { state: 'running', server: { name: 'nginx', url, pid, stop } };
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

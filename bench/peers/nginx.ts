// A throwaway nginx (one worker unless asked for more, config in a temp dir, a free loopback port): the nginx peer of bench/ and the nginx tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findTool, freePort } from './tools.js';

export interface NginxOptions {
  /** Directory for the config, pid, logs and temp paths (created if missing; the caller removes it). */
  readonly dir: string;
  /** Access log file (one line per request), or null for none. */
  readonly accessLog: string | null;
  /** keepalive_requests; null keeps nginx's default (1000: every 1000th answer on a connection says close). */
  readonly keepaliveRequests: number | null;
  /**
   * Serve HTTPS with this certificate and key (PEM files). The access log then has one line per request:
   * `$status $ssl_protocol $ssl_session_reused $connection $connection_requests` (`r` = resumed, `.` = full).
   */
  readonly tls?: NginxTls;
  /** worker_processes; absent = 1 (the peer benchmarks compare one-core servers). */
  readonly workers?: number;
}

export interface NginxTls {
  readonly certFile: string;
  readonly keyFile: string;
  /** ssl_session_tickets (nginx's default: on; keys random per worker). */
  readonly sessionTickets: boolean;
  /** ssl_protocols, e.g. 'TLSv1.3' or 'TLSv1.2 TLSv1.3' (default). */
  readonly protocols?: string;
  /** Also listen for plain HTTP on a second port (`plainUrl`), the same server otherwise: the baseline of a TLS cost. */
  readonly plainToo?: boolean;
}

export interface RunningNginx {
  readonly port: number;
  readonly url: string;
  /** With `tls.plainToo`: the plain http:// URL of the same server; else null. */
  readonly plainUrl: string | null;
  /** The master process; its worker is a child, so the tree's CPU is nginx's. */
  readonly pid: number;
  /** SIGTERM, then wait for exit (SIGKILL after 3 s); idempotent. */
  stop(): Promise<void>;
}

export type NginxStart = { state: 'running'; nginx: RunningNginx } | { state: 'skipped'; reason: string };

export function stopChild(child: ChildProcess): Promise<void> {
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

function nginxConf(options: NginxOptions, port: number, plainPort: number | null): string {
  const { dir, tls } = options;
  const log = options.accessLog === null ? 'off' : tls ? `${options.accessLog} h1b_tls` : options.accessLog;
  const tlsConf = tls
    ? `    ssl_certificate ${tls.certFile};
    ssl_certificate_key ${tls.keyFile};
    ssl_protocols ${tls.protocols ?? 'TLSv1.2 TLSv1.3'};
    ssl_session_tickets ${tls.sessionTickets ? 'on' : 'off'};
`
    : '';
  return `worker_processes ${options.workers ?? 1};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  log_format h1b_tls '$status $ssl_protocol $ssl_session_reused $connection $connection_requests';
  access_log ${log};
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${options.keepaliveRequests === null ? '' : `  keepalive_requests ${options.keepaliveRequests};\n`}  keepalive_timeout 65s;
  server {
    listen 127.0.0.1:${port}${tls ? ' ssl' : ''} backlog=4096;
${plainPort === null ? '' : `    listen 127.0.0.1:${plainPort} backlog=4096;\n`}${tlsConf}    location / {
      default_type text/plain;
      return 200 'Hello, World!';
    }
  }
}
`;
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

export async function startNginx(options: NginxOptions): Promise<NginxStart> {
  const binary = findTool('nginx');
  if (binary === null) return { state: 'skipped', reason: 'nginx is not installed (Debian package nginx-light)' };
  mkdirSync(options.dir, { recursive: true });
  const port = await freePort();
  const plainPort = options.tls?.plainToo === true ? await freePort() : null;
  const conf = join(options.dir, 'nginx.conf');
  writeFileSync(conf, nginxConf(options, port, plainPort));
  const child = spawn(binary, ['-p', options.dir, '-c', conf, '-e', join(options.dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(false)));
  const ready = await Promise.race([waitForPort(port, 5_000), exited]);
  if (!ready || child.pid === undefined) {
    await stopChild(child);
    return { state: 'skipped', reason: `nginx did not start: ${stderr.trim().split('\n').pop() || 'no output'}` };
  }
  const pid = child.pid;
  const scheme = options.tls ? 'https' : 'http';
  const plainUrl = plainPort === null ? null : `http://127.0.0.1:${plainPort}/`;
  return { state: 'running', nginx: { port, url: `${scheme}://127.0.0.1:${port}/`, plainUrl, pid, stop: () => stopChild(child) } };
}

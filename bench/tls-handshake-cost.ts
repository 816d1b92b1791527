// Issue 14's server-side figures: server CPU per connection for plain TCP, full and resumed TLS handshakes (TLS 1.2
// and 1.3, tickets on and off), read from /proc/<pid>/stat of `bench serve --mode close`; then keep-alive req/s over
// TLS vs plain with wrk when it is installed. Saves results/bench/tls-handshakes-<timestamp>.json.
//
// Usage: node dist/bench/tls-handshake-cost.js [--connections 2000] [--parallel 4] [--wrk-duration 10] [--wrk-connections 50]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from '../src/measurements.js';
import { readProcStat } from '../src/metrics/process-usage.js';
import { saveBenchFigures } from './save.js';

/** User + system CPU seconds of a running process. */
function cpuSecOf(pid: number): number {
  const stat = readProcStat(pid)!;
  return stat.userSec + stat.systemSec;
}

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const REQUEST = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

interface Options {
  connections: number;
  parallel: number;
  wrkDurationS: number;
  wrkConnections: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { connections: 2000, parallel: 4, wrkDurationS: 10, wrkConnections: 50 };
  for (let i = 0; i < argv.length; i += 2) {
    const num = Number(argv[i + 1]);
    if (!Number.isInteger(num) || num <= 0) throw new Error(`tls-handshake-cost: invalid value for ${argv[i]}`);
    if (argv[i] === '--connections') opts.connections = num;
    else if (argv[i] === '--parallel') opts.parallel = num;
    else if (argv[i] === '--wrk-duration') opts.wrkDurationS = num;
    else if (argv[i] === '--wrk-connections') opts.wrkConnections = num;
    else throw new Error(`tls-handshake-cost: unknown option ${argv[i]}`);
  }
  return opts;
}

interface Child {
  proc: ChildProcess;
  url: string;
  port: number;
  ca: string | null;
}

/** `bench serve` as a child: waits for its URL line; with TLS, reads the certificate it wrote with --cert-out. */
async function serve(args: string[], dir: string | null): Promise<Child> {
  const caFile = dir === null ? null : join(dir, `ca-${args.join('-')}.pem`);
  const proc = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args, ...(caFile === null ? [] : ['--cert-out', caFile])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    proc.once('exit', (code) => reject(new Error(`bench serve exited ${code}`)));
  });
  return { proc, url, port: Number(new URL(url).port), ca: caFile === null ? null : readFileSync(caFile, 'utf8') };
}

async function stop(child: Child): Promise<void> {
  const exited = new Promise((resolve) => child.proc.once('exit', resolve));
  child.proc.kill('SIGTERM');
  await exited;
}

/** One plain connection: request, read to the server's close. */
function plainOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(REQUEST));
    socket.on('data', () => {});
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

interface Ticket {
  session: Buffer | undefined;
}

/** One TLS connection of exactly `version`: offers `ticket.session` when resuming, keeps the newest ticket. */
function tlsOnce(child: Child, version: SecureVersion, ticket: Ticket | null): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: child.port, ca: child.ca ?? undefined, minVersion: version, maxVersion: version, session: ticket?.session });
    let reused = false;
    socket.on('secureConnect', () => {
      reused = socket.isSessionReused();
      socket.write(REQUEST);
    });
    if (ticket !== null) socket.on('session', (session: Buffer) => (ticket.session = session));
    socket.on('data', () => {});
    socket.on('error', reject);
    socket.on('close', () => resolve(reused));
  });
}

async function stats(child: Child): Promise<ServerStats> {
  const res = await new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    const socket =
      child.ca === null ? tcpConnect(child.port, '127.0.0.1', () => socket.write(REQUEST.replace('/ ', '/stats '))) : tlsConnect({ host: '127.0.0.1', port: child.port, ca: child.ca }, () => socket.write(REQUEST.replace('/ ', '/stats ')));
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(parts).toString()));
  });
  return JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as ServerStats;
}

interface Row {
  scenario: string;
  connections: number;
  serverCpuUsPerConnection: number;
  counted: string;
}

/** Run `once` n times, `parallel` at a time, and attribute the server's CPU over that span to the n connections. */
async function measure(scenario: string, child: Child, n: number, parallel: number, once: () => Promise<unknown>): Promise<Row> {
  const before = await stats(child);
  const cpuBefore = cpuSecOf(child.proc.pid!);
  let left = n;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left > 0) {
        left--;
        await once();
      }
    }),
  );
  const cpuAfter = cpuSecOf(child.proc.pid!);
  const after = await stats(child);
  const t0 = before.tlsHandshakes;
  const t1 = after.tlsHandshakes;
  // The stats request read before is one more full handshake inside the span.
  const counted =
    t0 && t1
      ? `full ${t1.full - t0.full - 1}, resumed ${t1.resumed - t0.resumed}, failed ${t1.failed - t0.failed}`
      : `accepted ${after.connectionsAccepted - before.connectionsAccepted - 1}`;
  return { scenario, connections: n, serverCpuUsPerConnection: ((cpuAfter - cpuBefore) * 1e6) / n, counted };
}

/** wrk keep-alive against `child`: req/s and the server's CPU µs per request (steadier than req/s on a shared box). */
function wrk(child: Child, durationS: number, connections: number): { rps: number; cpuUsPerRequest: number } | null {
  const cpuBefore = cpuSecOf(child.proc.pid!);
  const run = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${durationS}s`, child.url], { encoding: 'utf8' });
  const cpu = cpuSecOf(child.proc.pid!) - cpuBefore;
  if (run.error) return null;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(run.stdout)?.[1] ?? NaN);
  return Number.isFinite(rps) && total > 0 ? { rps, cpuUsPerRequest: (cpu * 1e6) / total } : null;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const n = opts.connections;
  const dir = mkdtempSync(join(tmpdir(), 'h1b-tls-cost-'));
  const rows: Row[] = [];
  try {
    const plain = await serve(['--mode', 'close'], null);
    const tickets = await serve(['--mode', 'close', '--tls'], dir);
    const noTickets = await serve(['--mode', 'close', '--tls', '--tls-tickets', 'off'], dir);
    try {
      // Warm-up (JIT, allocator) on each server, not counted.
      for (let i = 0; i < 200; i++) {
        await plainOnce(plain.port);
        await tlsOnce(tickets, 'TLSv1.3', null);
        await tlsOnce(noTickets, 'TLSv1.3', null);
      }
      rows.push(await measure('plain TCP', plain, n, opts.parallel, () => plainOnce(plain.port)));
      for (const version of ['TLSv1.2', 'TLSv1.3'] as SecureVersion[]) {
        rows.push(await measure(`${version} full`, tickets, n, opts.parallel, () => tlsOnce(tickets, version, null)));
        const ticket: Ticket = { session: undefined };
        await tlsOnce(tickets, version, ticket); // first ticket
        rows.push(await measure(`${version} resumed (ticket)`, tickets, n, opts.parallel, () => tlsOnce(tickets, version, ticket)));
        const refused: Ticket = { session: undefined };
        await tlsOnce(noTickets, version, refused);
        rows.push(await measure(`${version} offered, refused (--tls-tickets off)`, noTickets, n, opts.parallel, () => tlsOnce(noTickets, version, refused)));
      }
    } finally {
      await Promise.all([stop(plain), stop(tickets), stop(noTickets)]);
    }

    const base = rows[0]!.serverCpuUsPerConnection;
    process.stdout.write(`\nServer CPU per connection (bench serve --mode close, ${n} connections, ${opts.parallel} in parallel, GET / each; ${cpus()[0]?.model ?? '?'} × ${cpus().length})\n`);
    process.stdout.write('| scenario | server CPU µs/connection | minus plain TCP | × plain TCP | server counted |\n| --- | --- | --- | --- | --- |\n');
    for (const row of rows) {
      const extra = row === rows[0] ? '' : (row.serverCpuUsPerConnection - base).toFixed(0);
      process.stdout.write(`| ${row.scenario} | ${row.serverCpuUsPerConnection.toFixed(0)} | ${extra} | ${(row.serverCpuUsPerConnection / base).toFixed(2)} | ${row.counted} |\n`);
    }

    const plainKa = await serve(['--mode', 'keep-alive'], null);
    const tlsKa = await serve(['--mode', 'keep-alive', '--tls'], dir);
    try {
      const a = wrk(plainKa, opts.wrkDurationS, opts.wrkConnections);
      const b = wrk(tlsKa, opts.wrkDurationS, opts.wrkConnections);
      const saved = saveBenchFigures('tls-handshakes', { options: opts, perConnection: rows, keepAlive: a === null || b === null ? null : { plain: a, tls: b, tlsOverPlainRps: b.rps / a.rps } });
      process.stdout.write(`\nsaved ${saved}\n`);
      if (a === null || b === null) process.stdout.write('\nwrk not installed (apt-get install wrk): keep-alive comparison skipped\n');
      else {
        process.stdout.write(
          `\nKeep-alive, wrk -t1 -c${opts.wrkConnections} -d${opts.wrkDurationS}s: plain ${a.rps.toFixed(0)} req/s (server ${a.cpuUsPerRequest.toFixed(1)} µs CPU/request), ` +
            `TLS ${b.rps.toFixed(0)} req/s (${b.cpuUsPerRequest.toFixed(1)} µs/request); TLS ÷ plain ${(b.rps / a.rps).toFixed(2)} in req/s\n`,
        );
      }
    } finally {
      await Promise.all([stop(plainKa), stop(tlsKa)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// Issue 15's benchmark: does h1bench scale with cores? The generator (bench run --workers N against nginx) and the
// server (bench serve --workers N under wrk), keep-alive and close, as req/s, ratios to one worker and CPU per
// request; saves results/bench/scale-<date>.json. Figures, not assertions: on a machine where generator and server
// share few cores, the ratios show what one more core buys after the other side took its share.
//
// Usage: node dist/bench/scale.js [--duration 5] [--connections 50] [--rounds 1] [--workers 1,2,4]
//                                 [--nginx-workers 2] [--wrk-threads 2] [--out FILE]
// Default --workers: 1, 2, 4, … up to the cores available, and that count itself, so the same command measures a
// bigger machine unchanged.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProcessTreeUsage, readProcessUsage } from '../src/metrics/process-usage.js';
import type { RunReport } from '../src/report/schema.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { startNginx } from './peers/nginx.js';

interface Options {
  durationS: number;
  connections: number;
  rounds: number;
  workers: number[];
  nginxWorkers: number;
  wrkThreads: number;
  out: string | null;
}

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** 1, 2, 4, … below `cores`, then `cores`: every doubling and the whole machine. */
function defaultWorkers(cores: number): number[] {
  const list: number[] = [];
  for (let n = 1; n < cores; n *= 2) list.push(n);
  list.push(cores);
  return list;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { durationS: 5, connections: 50, rounds: 1, workers: defaultWorkers(availableParallelism()), nginxWorkers: 2, wrkThreads: 2, out: null };
  const whole = (value: string | undefined): number | null => (value !== undefined && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : null);
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    const n = whole(value);
    if (flag === '--duration' && Number(value) > 0) opts.durationS = Number(value);
    else if (flag === '--connections' && n !== null) opts.connections = n;
    else if (flag === '--rounds' && n !== null) opts.rounds = n;
    else if (flag === '--nginx-workers' && n !== null) opts.nginxWorkers = n;
    else if (flag === '--wrk-threads' && n !== null) opts.wrkThreads = n;
    else if (flag === '--workers' && value !== undefined && value.split(',').every((item) => whole(item) !== null)) opts.workers = value.split(',').map(Number);
    else if (flag === '--out' && value !== undefined) opts.out = value;
    else {
      process.stderr.write(`scale: unknown or invalid option ${flag ?? ''} ${value ?? ''}\n`);
      process.exit(2);
    }
  }
  return opts;
}

/** One measurement: req/s, CPU per request (µs) of the side being scaled, and how its CPU split over its workers. */
interface Point {
  readonly workers: number;
  readonly requestsPerSec: number;
  readonly requests: number;
  readonly errors: number;
  readonly cpuUsPerRequest: number | null;
  /** Share of the scaled side's CPU each worker took (threads of bench run, processes of bench serve). */
  readonly workerCpuShares: number[] | null;
}

interface Row {
  readonly side: 'generator' | 'server';
  readonly mode: 'keep-alive' | 'close';
  readonly points: Point[];
}

/** `bench run --workers N` against nginx: the generator's own figures from its report. */
function runGenerator(url: string, mode: Row['mode'], workers: number, opts: Options, dir: string): Point {
  const out = join(dir, `run-${mode}-${workers}.json`);
  const args = [CLI, 'run', '--url', url, '--mode', mode === 'close' ? '1.0' : '1.1', '-c', String(opts.connections), '-d', `${opts.durationS}s`, '--warmup', '1s', '--no-progress', '--out', out];
  if (workers > 1) args.push('--workers', String(workers));
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: (opts.durationS + 60) * 1000 });
  if (result.status !== 0) throw new Error(`bench run ${args.slice(2).join(' ')} failed: ${result.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
  const cpuSec = report.cpu.userSec + report.cpu.systemSec;
  const perWorker = report.perWorker ?? null;
  const workerCpu = perWorker?.map((share) => share.cpu.userSec + share.cpu.systemSec) ?? null;
  const workerTotal = workerCpu?.reduce((sum, value) => sum + value, 0) ?? 0;
  return {
    workers,
    requestsPerSec: report.throughput.requestsPerSec,
    requests: report.requests.completed,
    errors: report.requests.errors,
    cpuUsPerRequest: report.requests.completed > 0 ? (cpuSec * 1e6) / report.requests.completed : null,
    workerCpuShares: workerCpu === null || workerTotal === 0 ? null : workerCpu.map((value) => round(value / workerTotal, 3)),
  };
}

/** `bench serve --workers N` under wrk: wrk's count and rate, the server tree's CPU over the wrk run. */
async function runServer(mode: Row['mode'], workers: number, opts: Options): Promise<Point> {
  const server = spawn(process.execPath, [CLI, 'serve', '--mode', mode, '--port', '0', '--keep-alive-timeout', '65s', '--workers', String(workers)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.split('\n')[0]!.trim());
      });
      server.once('exit', (code) => reject(new Error(`bench serve exited ${code} before printing its URL`)));
    });
    const children = workers > 1 ? await workerPids(server.pid!) : [server.pid!];
    const before = await readProcessTreeUsage(server.pid!);
    const childBefore = await Promise.all(children.map((pid) => readProcessUsage(pid)));
    const args = [`-t${opts.wrkThreads}`, `-c${opts.connections}`, `-d${opts.durationS}s`, ...(mode === 'close' ? ['-H', 'Connection: close'] : []), url];
    const wrk = spawnSync('wrk', args, { encoding: 'utf8', timeout: (opts.durationS + 30) * 1000 });
    if (wrk.status !== 0) throw new Error(`wrk ${args.join(' ')} failed: ${wrk.stderr || wrk.error?.message}`);
    const after = await readProcessTreeUsage(server.pid!);
    const childAfter = await Promise.all(children.map((pid) => readProcessUsage(pid)));
    const requests = Number(/(\d+) requests in/.exec(wrk.stdout)?.[1] ?? NaN);
    const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(wrk.stdout);
    const cpu = (usage: { userSec: number; systemSec: number } | null): number => (usage === null ? Number.NaN : usage.userSec + usage.systemSec);
    const spent = childAfter.map((usage, index) => cpu(usage) - cpu(childBefore[index] ?? null));
    const total = spent.reduce((sum, value) => sum + value, 0);
    return {
      workers,
      requestsPerSec: Number(/Requests\/sec:\s+([\d.]+)/.exec(wrk.stdout)?.[1] ?? NaN),
      requests,
      errors: errs ? errs.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0,
      cpuUsPerRequest: before === null || after === null || !(requests > 0) ? null : ((cpu(after) - cpu(before)) * 1e6) / requests,
      workerCpuShares: workers > 1 && total > 0 ? spent.map((value) => round(value / total, 3)) : null,
    };
  } finally {
    await new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
}

/** The cluster's worker processes: the primary's children (/proc/<pid>/task/<pid>/children). */
async function workerPids(pid: number): Promise<number[]> {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Per worker count, the median req/s and CPU/request over the rounds (rounds interleave the counts). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(points: Point[], workers: number[]): Point[] {
  return workers.map((count) => {
    const same = points.filter((point) => point.workers === count);
    const cpu = same.map((point) => point.cpuUsPerRequest).filter((value): value is number => value !== null);
    return {
      workers: count,
      requestsPerSec: round(median(same.map((point) => point.requestsPerSec)), 1),
      requests: same.reduce((sum, point) => sum + point.requests, 0),
      errors: same.reduce((sum, point) => sum + point.errors, 0),
      cpuUsPerRequest: cpu.length === 0 ? null : round(median(cpu), 2),
      workerCpuShares: same[same.length - 1]?.workerCpuShares ?? null,
    };
  });
}

function print(row: Row): void {
  const base = row.points[0]!;
  for (const point of row.points) {
    const ratio = point.requestsPerSec / base.requestsPerSec;
    process.stdout.write(
      `${row.side.padEnd(9)} ${row.mode.padEnd(10)} workers ${String(point.workers).padStart(2)}  ${Math.round(point.requestsPerSec).toLocaleString('en-US').padStart(9)} req/s  ` +
        `×${ratio.toFixed(2)}  CPU/request ${point.cpuUsPerRequest === null ? 'n/a' : `${point.cpuUsPerRequest.toFixed(1)} µs`}` +
        `${point.workerCpuShares ? `  CPU split ${point.workerCpuShares.map((share) => `${Math.round(share * 100)}%`).join('/')}` : ''}` +
        `${point.errors > 0 ? `  errors ${point.errors}` : ''}\n`,
    );
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const loadBefore = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'h1bench-scale-'));
  const rows: Row[] = [];
  try {
    const nginx = await startNginx({ dir: join(dir, 'nginx'), accessLog: null, keepaliveRequests: 100_000_000, workers: opts.nginxWorkers });
    if (nginx.state === 'skipped') process.stdout.write(`generator: skipped (${nginx.reason})\n`);
    else {
      try {
        for (const mode of ['keep-alive', 'close'] as const) {
          const points: Point[] = [];
          for (let round = 0; round < opts.rounds; round++) for (const workers of opts.workers) points.push(runGenerator(nginx.nginx.url, mode, workers, opts, dir));
          const row: Row = { side: 'generator', mode, points: summarize(points, opts.workers) };
          rows.push(row);
          print(row);
        }
      } finally {
        await nginx.nginx.stop();
      }
    }
    if (spawnSync('wrk', ['--version']).error) process.stdout.write('server: skipped (wrk is not installed: apt-get install wrk)\n');
    else {
      for (const mode of ['keep-alive', 'close'] as const) {
        const points: Point[] = [];
        for (let round = 0; round < opts.rounds; round++) for (const workers of opts.workers) points.push(await runServer(mode, workers, opts));
        const row: Row = { side: 'server', mode, points: summarize(points, opts.workers) };
        rows.push(row);
        print(row);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const result = {
    kind: 'scale',
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    machine: { cpuModel: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, kernel: release(), loadavgBefore: loadBefore, loadavgAfter: loadavg() },
    settings: { durationS: opts.durationS, connections: opts.connections, rounds: opts.rounds, workers: opts.workers, nginxWorkers: opts.nginxWorkers, wrkThreads: opts.wrkThreads },
    rows,
  };
  const out = opts.out ?? join(PACKAGE_ROOT, 'results', 'bench', `scale-${startedAt.toISOString().slice(0, 10)}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`saved ${out}\n`);
}

await main();

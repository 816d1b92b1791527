// Generator cost over HTTPS against nginx (1 worker, TLS 1.3, tickets on): native vs autocannon vs wrk, req/s and CPU
// per 100k requests in 1.0 with full handshakes, 1.0 with resumed handshakes and 1.1 keep-alive; and what one full
// and one resumed TLS handshake cost the client and the server, against plain HTTP/1.0 on the same nginx.
//
//   npm run bench:tls [-- --duration 5s --warmup 1s --rounds 3 --connections 50 --out results/bench]
//
// Every generator runs as its own process (bench/peers/generators.ts), so its CPU is read from /proc/<pid>/stat over
// exactly the measured window; nginx's (master + worker) likewise. Rounds are interleaved so drift on a shared machine
// hits every generator alike; ratios are medians of per-round ratios. nginx's access log ($ssl_session_reused per
// connection's first request) says how many handshakes each generator really resumed.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDurationMs } from '../src/cli/options.js';
import { machineInfo } from '../src/metrics/machine.js';
import type { ClientMode } from '../src/types.js';
import { runGenerator, type GeneratorName, type LoadShape, type PairFigures } from './peers/generators.js';
import { startNginx } from './peers/nginx.js';
import { writeTestCertificate } from './peers/tls-cert.js';

interface Scenario {
  readonly id: string;
  readonly mode: ClientMode;
  /** null: plain http:// (the baseline), else TLS with or without resumption. */
  readonly resume: boolean | null;
  readonly generators: readonly GeneratorName[];
}

const SCENARIOS: readonly Scenario[] = [
  { id: '1.0 plain', mode: '1.0', resume: null, generators: ['native'] },
  { id: '1.0 TLS full', mode: '1.0', resume: false, generators: ['native', 'autocannon'] },
  // wrk always offers its last session (nginx's log shows it resuming); it has no switch to turn that off.
  { id: '1.0 TLS resumed', mode: '1.0', resume: true, generators: ['native', 'autocannon', 'wrk'] },
  { id: '1.1 TLS', mode: '1.1', resume: true, generators: ['native', 'autocannon', 'wrk'] },
];
/** The goal: native CPU per request at most this fraction of autocannon's, in every TLS scenario. */
const CPU_TARGET = 0.66;

interface Run extends PairFigures {
  readonly round: number;
  /** Handshakes nginx logged in the window, and how many of them it resumed. */
  handshakes: number;
  resumed: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const perRequestUs = (cpuSec: number, run: Run): number => (cpuSec / Math.max(1, run.completed)) * 1e6;

/** nginx log lines appended since `offset`: handshakes (first request of a connection) and resumed ones. */
function logSince(file: string, offset: number): { handshakes: number; resumed: number; size: number } {
  const text = readFileSync(file, 'utf8');
  let handshakes = 0;
  let resumed = 0;
  for (const line of text.slice(offset).split('\n')) {
    const [, , reused, , requests] = line.split(' ');
    if (requests !== '1') continue;
    handshakes++;
    if (reused === 'r') resumed++;
  }
  return { handshakes, resumed, size: text.length };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5s' },
      warmup: { type: 'string', default: '1s' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      out: { type: 'string', default: join('results', 'bench') },
    },
  });
  const rounds = Number(values.rounds);
  const base = {
    connections: Number(values.connections),
    pipelining: 10,
    durationMs: parseDurationMs(values.duration, 'duration'),
    warmupMs: parseDurationMs(values.warmup, 'warmup'),
  };
  const dir = mkdtempSync(join(tmpdir(), 'h1bench-tls-'));
  const accessLog = join(dir, 'access.log');
  const runs = new Map<string, Run[]>();
  const skipped: string[] = [];
  const startedAt = new Date();
  try {
    const cert = await writeTestCertificate(dir, 'nginx', ['localhost', '127.0.0.1']);
    const start = await startNginx({
      dir: join(dir, 'nginx'),
      accessLog,
      keepaliveRequests: 100_000_000,
      tls: { certFile: cert.certFile, keyFile: cert.keyFile, sessionTickets: true, protocols: 'TLSv1.3', plainToo: true },
    });
    if (start.state === 'skipped') {
      process.stderr.write(`cannot run: ${start.reason}\n`);
      return 1;
    }
    const nginx = start.nginx;
    try {
      for (let round = 1; round <= rounds; round++) {
        for (const scenario of SCENARIOS) {
          for (const generator of scenario.generators) {
            const shape: LoadShape = scenario.resume === null ? base : { ...base, tls: { ca: cert.certPem, resume: scenario.resume } };
            const url = scenario.resume === null ? nginx.plainUrl! : nginx.url;
            // The warm-up's log lines are skipped: the window starts when the measured run does (close enough: the
            // engines' warm-up runs first, wrk's too), and the count is only used as a share.
            const offset = statSync(accessLog, { throwIfNoEntry: false })?.size ?? 0;
            const outcome = await runGenerator(generator, scenario.mode, url, nginx.pid, shape, dir);
            const key = `${generator} ${scenario.id}`;
            if (outcome.state === 'skipped') {
              skipped.push(`${key}: ${outcome.reason}`);
              process.stderr.write(`skip ${key}: ${outcome.reason}\n`);
              continue;
            }
            const log = logSince(accessLog, offset);
            const run: Run = { ...outcome.figures, round, handshakes: log.handshakes, resumed: log.resumed };
            if (!runs.has(key)) runs.set(key, []);
            runs.get(key)!.push(run);
            process.stderr.write(
              `round ${round} ${scenario.id.padEnd(16)} ${generator.padEnd(10)} ${Math.round(run.completed / run.seconds)} req/s, ` +
                `client ${perRequestUs(run.generatorCpuSec, run).toFixed(1)} µs/req, nginx ${perRequestUs(run.serverCpuSec, run).toFixed(1)} µs/req, ` +
                `${run.handshakes > 0 ? ((run.resumed / run.handshakes) * 100).toFixed(0) : '—'}% resumed, ${run.errors} errors\n`,
            );
          }
        }
      }
    } finally {
      await nginx.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const cells: Record<string, { requestsPerSec: number; clientCpuSecPer100k: number; serverCpuSecPer100k: number; resumedShare: number | null; errors: number; rounds: number }> = {};
  for (const [key, list] of runs) {
    cells[key] = {
      requestsPerSec: Math.round(median(list.map((r) => r.completed / r.seconds))),
      clientCpuSecPer100k: round3(median(list.map((r) => (r.generatorCpuSec / Math.max(1, r.completed)) * 100_000))),
      serverCpuSecPer100k: round3(median(list.map((r) => (r.serverCpuSec / Math.max(1, r.completed)) * 100_000))),
      resumedShare: list.every((r) => r.handshakes > 0) ? round3(median(list.map((r) => r.resumed / r.handshakes))) : null,
      errors: list.reduce((sum, r) => sum + r.errors, 0),
      rounds: list.length,
    };
  }
  const paired = (a: string, b: string, metric: (r: Run) => number): number | null => {
    const left = runs.get(a);
    const right = runs.get(b);
    if (!left || !right) return null;
    // Paired by round: a run that was skipped in one round leaves that round out of the ratio.
    const ratios = left.flatMap((r) => {
      const other = right.find((candidate) => candidate.round === r.round);
      return other && metric(other) > 0 ? [metric(r) / metric(other)] : [];
    });
    return ratios.length > 0 ? round3(median(ratios)) : null;
  };
  const clientCpu = (r: Run): number => r.generatorCpuSec / Math.max(1, r.completed);
  const ratios = SCENARIOS.filter((s) => s.resume !== null).map((s) => {
    const value = paired(`native ${s.id}`, `autocannon ${s.id}`, clientCpu);
    return { scenario: s.id, nativeOverAutocannonCpu: value, target: CPU_TARGET, met: value === null ? null : value <= CPU_TARGET };
  });
  // One handshake's cost: CPU per request in 1.0 over TLS minus 1.0 in plain HTTP (same nginx, same engine, one
  // connection per request either way), per round, median.
  const handshakeCost = (id: string, side: 'client' | 'server'): number | null => {
    const tls = runs.get(`native ${id}`);
    const plain = runs.get('native 1.0 plain');
    if (!tls || !plain) return null;
    const pick = (r: Run): number => perRequestUs(side === 'client' ? r.generatorCpuSec : r.serverCpuSec, r);
    const diffs = tls.flatMap((r) => {
      const base = plain.find((candidate) => candidate.round === r.round);
      return base ? [pick(r) - pick(base)] : [];
    });
    return diffs.length > 0 ? Math.round(median(diffs)) : null;
  };
  const handshakes = {
    fullUs: { client: handshakeCost('1.0 TLS full', 'client'), server: handshakeCost('1.0 TLS full', 'server') },
    resumedUs: { client: handshakeCost('1.0 TLS resumed', 'client'), server: handshakeCost('1.0 TLS resumed', 'server') },
  };

  const lines: string[] = [];
  lines.push(
    `HTTPS generators against nginx (1 worker, TLS 1.3, tickets on), ${base.connections} connections, ${base.durationMs / 1000} s per run, median of ${rounds}`,
  );
  lines.push(`${'scenario'.padEnd(17)}${'generator'.padEnd(11)}${'req/s'.padStart(8)} ${'client CPU s/100k'.padStart(18)} ${'nginx CPU s/100k'.padStart(17)} ${'resumed'.padStart(8)}`);
  for (const scenario of SCENARIOS) {
    for (const generator of scenario.generators) {
      const cell = cells[`${generator} ${scenario.id}`];
      if (!cell) continue;
      const share = cell.resumedShare === null ? '—' : `${Math.round(cell.resumedShare * 100)}%`;
      lines.push(
        `${scenario.id.padEnd(17)}${generator.padEnd(11)}${String(cell.requestsPerSec).padStart(8)} ${cell.clientCpuSecPer100k.toFixed(3).padStart(18)} ` +
          `${cell.serverCpuSecPer100k.toFixed(3).padStart(17)} ${share.padStart(8)}${cell.errors > 0 ? `  (${cell.errors} errors)` : ''}`,
      );
    }
  }
  lines.push('');
  for (const ratio of ratios) {
    const verdict = ratio.met === null ? 'not measured' : ratio.met ? 'met' : 'MISSED';
    lines.push(`native ÷ autocannon CPU per request, ${ratio.scenario.padEnd(16)} ${ratio.nativeOverAutocannonCpu?.toFixed(3) ?? '—'}  (target ≤ ${CPU_TARGET}: ${verdict})`);
  }
  lines.push(
    `one full TLS 1.3 handshake:    client ${handshakes.fullUs.client ?? '—'} µs CPU, nginx ${handshakes.fullUs.server ?? '—'} µs CPU (1.0 over TLS − 1.0 plain, per request)`,
    `one resumed TLS 1.3 handshake: client ${handshakes.resumedUs.client ?? '—'} µs CPU, nginx ${handshakes.resumedUs.server ?? '—'} µs CPU`,
  );
  for (const skip of skipped) lines.push(`skipped: ${skip}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  mkdirSync(values.out, { recursive: true });
  const path = join(values.out, `tls-generators-${startedAt.toISOString().slice(0, 10)}.json`);
  const result = {
    startedAt: startedAt.toISOString(),
    machine: machineInfo(),
    server: 'nginx (1 worker, TLS 1.3, ssl_session_tickets on)',
    shape: base,
    rounds,
    cells,
    ratios,
    handshakes,
    skipped,
  };
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written: ${path}\n`);
  return 0;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tls-generators: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

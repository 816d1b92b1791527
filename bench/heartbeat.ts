// Heartbeat failure detection at scale: 10,000 clients, 5% frozen, in 1.1 and 1.0 mode; the issue's targets checked.
//
//   node dist/bench/heartbeat.js [--clients 10000] [--duration 60s] [--interval 1s] [--timeout 3s]
//                                [--offline-percent 5] [--offline-mode freeze] [--modes 1.1,1.0] [--out results/bench]
//
// Each mode is one `bench heartbeat` run (its own embedded server and client processes), so the
// figures are exactly what a user gets from the CLI. Writes results/bench/heartbeat-<date>.json with
// both reports and a verdict per target; prints a short table.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from '../src/metrics/machine.js';
import type { RunReport } from '../src/report/schema.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Slack the issue allows on top of timeout + interval for every frozen client's detection. */
const DETECTION_SLACK_MS = 250;

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '60s' },
    interval: { type: 'string', default: '1s' },
    timeout: { type: 'string', default: '3s' },
    'offline-percent': { type: 'string', default: '5' },
    'offline-mode': { type: 'string', default: 'freeze' },
    modes: { type: 'string', default: '1.1,1.0' },
    'clients-per-process': { type: 'string', default: '2500' },
    out: { type: 'string', default: 'results/bench' },
  },
});

const clients = Number(values.clients);
const offline = Math.round((clients * Number(values['offline-percent'])) / 100);

function runCli(mode: string): Promise<RunReport> {
  const dir = mkdtempSync(join(tmpdir(), 'h1b-bench-hb-'));
  const out = join(dir, 'report.json');
  const args = [
    CLI, 'heartbeat', '--mode', mode, '--clients', String(clients), '--interval', values.interval, '--timeout', values.timeout,
    '--duration', values.duration, '--offline', String(offline), '--offline-mode', values['offline-mode'],
    '--clients-per-process', values['clients-per-process'], '--label', `bench/heartbeat ${mode}`, '--out', out,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`bench heartbeat --mode ${mode} exited with ${code}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as RunReport);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

interface Verdicts {
  mode: string;
  allDetectedInBudget: boolean;
  detectionBudgetMs: number;
  zeroFalsePositives: boolean;
  serverCpuSecPerSecPerThousandClients: number | null;
  serverRssMiBPerThousandClients: number | null;
  handshakesPerSecond: number;
  /** One beat per client per interval: what the schedule asks for, and what this machine delivered (answered). */
  beatsPerSecondDemanded: number;
  beatsPerSecondAnswered: number;
  serverCpuUsPerBeat: number | null;
  clientCpuUsPerBeat: number | null;
}

function judge(mode: string, report: RunReport): Verdicts {
  const hb = report.heartbeat!;
  const budget = hb.timeoutMs + hb.intervalMs + DETECTION_SLACK_MS;
  const perK = hb.clients / 1000;
  const answered = hb.beats.answered;
  const clientCpu = report.cpu.userSec + report.cpu.systemSec;
  return {
    mode,
    allDetectedInBudget: hb.missed === 0 && hb.detected === hb.offlineInjected && (hb.detectionMs?.max ?? Infinity) <= budget,
    detectionBudgetMs: budget,
    zeroFalsePositives: hb.falsePositives === 0,
    serverCpuSecPerSecPerThousandClients: hb.serverCpuCoreShare === null ? null : round(hb.serverCpuCoreShare / perK, 4),
    serverRssMiBPerThousandClients: hb.server.rssBytesPerThousandClients === null ? null : round(hb.server.rssBytesPerThousandClients / 1048576, 2),
    handshakesPerSecond: hb.handshakes.perSecond,
    beatsPerSecondDemanded: round((hb.clients * 1000) / hb.intervalMs, 1),
    beatsPerSecondAnswered: round(answered / hb.durationSec, 1),
    serverCpuUsPerBeat: hb.server.cpuSec === null || answered === 0 ? null : round((hb.server.cpuSec / answered) * 1e6, 1),
    // Client CPU is whole-life (warm-up included), so this slightly overstates the steady-state cost.
    clientCpuUsPerBeat: answered === 0 ? null : round((clientCpu / answered) * 1e6, 1),
  };
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const modes = values.modes.split(',').map((m) => m.trim());
  const reports: Record<string, RunReport> = {};
  const verdicts: Verdicts[] = [];
  for (const mode of modes) {
    process.stderr.write(`\n== bench heartbeat --mode ${mode}: ${clients} clients, ${offline} ${values['offline-mode']}, ${values.duration}\n`);
    const report = await runCli(mode);
    reports[mode] = report;
    verdicts.push(judge(mode, report));
  }
  const now = new Date();
  const date = now.toISOString().slice(0, 10);
  mkdirSync(values.out, { recursive: true });
  // A second run on the same day keeps the first: figures on a shared machine differ run to run.
  let path = join(values.out, `heartbeat-${date}.json`);
  if (existsSync(path)) path = join(values.out, `heartbeat-${date}-${now.toISOString().slice(11, 19).replace(/:/g, '')}.json`);
  writeFileSync(path, `${JSON.stringify({ kind: 'bench-heartbeat', date, machine: machineInfo(), targets: verdicts, reports }, null, 2)}\n`);

  process.stdout.write(
    '\nmode  detected/injected  detection p50/p99/max ms   FP  server CPU core/1k clients  RSS MiB/1k  handshakes/s  beats/s asked→answered  server µs/beat\n',
  );
  for (const v of verdicts) {
    const hb = reports[v.mode]!.heartbeat!;
    const d = hb.detectionMs;
    process.stdout.write(
      `${v.mode.padEnd(5)} ${`${hb.detected}/${hb.offlineInjected}`.padEnd(18)} ${(d ? `${d.p50}/${d.p99}/${d.max}` : '—').padEnd(26)} ` +
        `${String(hb.falsePositives).padEnd(3)} ${String(v.serverCpuSecPerSecPerThousandClients ?? '—').padEnd(27)} ` +
        `${String(v.serverRssMiBPerThousandClients ?? '—').padEnd(11)} ${String(v.handshakesPerSecond).padEnd(13)} ` +
        `${`${v.beatsPerSecondDemanded}→${v.beatsPerSecondAnswered}`.padEnd(23)} ${v.serverCpuUsPerBeat ?? '—'}\n`,
    );
    process.stdout.write(
      `      target: all detected within ${v.detectionBudgetMs} ms: ${v.allDetectedInBudget ? 'met' : 'NOT met'} · zero false positives: ${v.zeroFalsePositives ? 'met' : 'NOT met'}\n`,
    );
  }
  process.stdout.write(`results: ${path}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/heartbeat: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

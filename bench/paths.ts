// What the network path adds, measured: the `paths` suite (1.0, 1.1 and pipelining on loopback and across emulated paths of 1, 10 and 50 ms), measured beside the model, and the delay line's own cost.
//
//   npm run bench:paths -- [--priority nice|realtime] [--runs 3] [-d 2s] [--rates 500,…] [--sweep-priority realtime|nice]
//                          [--out results/bench]
//
// Part 1 (root, ip, socat): `bench suite --preset paths` through the CLI, so the figures are what a user gets;
// the table of measured vs model per RTT and mode, and per path case the relay's CPU per packet and packet rate.
// Part 2 (no root): the relay alone on loopback under a packet-rate sweep (bench/paths/relay-sweep.ts): its CPU
// per packet and the highest packet rate at which its added delay stays within 0.2 ms. The sweep runs the relay
// real-time by default (one process, a fraction of a core): the question is what the relay can do, not what a busy
// machine's scheduler lets it; the suite defaults to nice, since a saturating load run real-time would take the
// machine from everything else on it.
// Writes results/bench/paths-<timestamp>.{json,md} and keeps the suite report beside them.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from '../src/metrics/machine.js';
import type { MeasuredPoint, SuiteReport } from '../src/report/schema.js';
import { pathSupport } from '../src/wire/path/index.js';
import { DEFAULT_SPIN_US } from '../src/wire/path/relay-protocol.js';
import { highestRateWithin, marginalCpuUsPerPacket, relayOnLoopback, WITHIN_US, type StepResult } from './paths/relay-sweep.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const { values } = parseArgs({
  options: {
    priority: { type: 'string', default: 'nice' },
    runs: { type: 'string' },
    duration: { type: 'string', short: 'd' },
    rates: { type: 'string', default: '500,1000,2000,5000,10000,20000,40000' },
    'sweep-priority': { type: 'string', default: 'realtime' },
    out: { type: 'string', default: 'results/bench' },
  },
});
if (values.priority !== 'nice' && values.priority !== 'realtime') throw new Error(`--priority ${values.priority}: nice or realtime`);
const priority = values.priority;
const sweepPriority = values['sweep-priority'];
if (sweepPriority !== 'nice' && sweepPriority !== 'realtime') throw new Error(`--sweep-priority ${sweepPriority}: nice or realtime`);
const stamp = new Date().toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
mkdirSync(values.out, { recursive: true });
const suiteFile = join(values.out, `paths-${stamp}-suite.json`);

/** `bench suite --preset paths …`, its summary on our stdout; resolves the report. */
function runSuite(): Promise<SuiteReport> {
  const args = [CLI, 'suite', '--preset', 'paths', '--path-priority', priority, '--out', suiteFile, '--no-progress', '--label', `bench:paths ${priority}`];
  if (values.runs) args.push('--runs', values.runs);
  if (values.duration) args.push('--duration', values.duration);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`bench suite --preset paths exited with ${code}`));
      else resolve(JSON.parse(readFileSync(suiteFile, 'utf8')) as SuiteReport);
    });
  });
}

/** Per path case: how hard the relay worked over its measured phases. */
interface RelayRow {
  readonly id: string;
  readonly packetsPerSec: number;
  readonly cpuUsPerPacket: number;
  readonly bridgeCpuUsPerPacket: number;
  readonly lateUsP99: number;
  readonly dropped: number;
}

function relayRows(report: SuiteReport): RelayRow[] {
  return report.cases.flatMap((item) => {
    const relay = item.report.path?.relay;
    if (!relay) return [];
    return [{
      id: item.id,
      packetsPerSec: Math.round(relay.packets / item.report.durationSec),
      cpuUsPerPacket: relay.cpuUsPerPacket,
      bridgeCpuUsPerPacket: relay.bridgeCpuUsPerPacket,
      lateUsP99: relay.lateUsSinceOpen.p99,
      dropped: relay.dropped + relay.overflow + relay.udpBufferErrors,
    }];
  });
}

const pct = (value: number | null): string => (value === null ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`);
const num = (value: number, digits = 1): string => value.toLocaleString('en-US', { maximumFractionDigits: digits });

function markdown(points: readonly MeasuredPoint[], relays: readonly RelayRow[], steps: readonly StepResult[] | null, machine: object): string {
  const lines = [
    `# bench:paths ${stamp}`,
    '',
    `Machine: \`${JSON.stringify(machine)}\`; path priority ${priority}. Suite report: \`${suiteFile}\`.`,
    '',
    '## Measured across the path vs the model (from the loopback case of the same mode)',
    '',
    '| case | path RTT p50 (probe) | req/s measured | model | Δ | latency p50 measured | model | Δ | connect p50 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of points) {
    lines.push(
      `| ${p.id} | ${p.pathRttP50Ms} ms | ${num(p.measured.requestsPerSec)} | ${p.model ? num(p.model.requestsPerSec) : 'n/a'} | ${pct(p.diff?.requestsPerSecPct ?? null)} ` +
        `| ${num(p.measured.p50Ms, 3)} ms | ${p.model ? num(p.model.p50Ms, 3) : 'n/a'} ms | ${p.diff ? `${num(p.diff.p50Ms, 3)} ms (${pct(p.diff.p50Pct)})` : 'n/a'} | ${num(p.measured.connectP50Ms, 3)} ms |`,
    );
  }
  lines.push('', '## The delay line under the suite', '', '| case | packets/s | relay CPU/packet | bridges CPU/packet | relay late p99 (since open) | lost outside the model |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of relays) lines.push(`| ${r.id} | ${num(r.packetsPerSec, 0)} | ${r.cpuUsPerPacket} µs | ${r.bridgeCpuUsPerPacket} µs | ${r.lateUsP99} µs | ${r.dropped} |`);
  if (steps) {
    lines.push('', `## The relay alone on loopback (5 ms delay, 512-byte datagrams, priority ${sweepPriority}; excess = delay beyond 5 ms, this process's receive latency included)`, '', '| rate pkt/s | sent | received | excess p50 | p99 | max | relay CPU/packet | relay CPU |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of steps) lines.push(`| ${s.rate} | ${s.sent} | ${s.received} | ${s.excessP50} µs | ${s.excessP99} µs | ${s.excessMax} µs | ${s.cpuUsPerPacket} µs | ${s.relayCpuPercent} % |`);
    const marginal = marginalCpuUsPerPacket(steps);
    lines.push(
      '',
      `Highest rate with every packet delivered and the added delay within ${WITHIN_US} µs: p50 ${highestRateWithin(steps, 'excessP50') ?? 'none'} pkt/s, ` +
        `p99 ${highestRateWithin(steps, 'excessP99') ?? 'none'} pkt/s.` +
        (marginal ? ` Marginal relay CPU per packet (${marginal.low} → ${marginal.high} pkt/s): ${marginal.us} µs.` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
}

const machine = machineInfo();
process.stdout.write(`bench:paths — ${JSON.stringify(machine)}\n`);
const support = await pathSupport('auto');
let report: SuiteReport | null = null;
if (support.state === 'unavailable') process.stdout.write(`paths suite: skipped (${support.reason})\n`);
else report = await runSuite();

process.stdout.write(`\nrelay on loopback: 5 ms delay, 512-byte datagrams, 1 s per rate, priority ${sweepPriority}\n`);
const steps = await relayOnLoopback({ delayUs: 5000, stepUs: 1_000_000, size: 512, rates: values.rates.split(',').map(Number), spinUs: DEFAULT_SPIN_US, priority: sweepPriority });
const points = report?.model?.measured ?? [];
const relays = report ? relayRows(report) : [];
const text = markdown(points, relays, steps, machine);
process.stdout.write(`\n${text}`);
const base = join(values.out, `paths-${stamp}`);
writeFileSync(`${base}.md`, text);
writeFileSync(`${base}.json`, `${JSON.stringify({ kind: 'bench-paths', stamp, machine, priority, sweepPriority, suiteReport: report ? suiteFile : null, measured: points, relay: relays, relaySweep: steps }, null, 2)}\n`);
process.stdout.write(`\nwritten: ${base}.md, ${base}.json${report ? `, ${suiteFile}` : ''}\n`);

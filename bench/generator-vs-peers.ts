// Generator cost against nginx (1 worker): native engine vs autocannon vs wrk, CPU per 100k requests and req/s, with the target ratios.
//
//   node dist/bench/generator-vs-peers.js [--duration 5s] [--warmup 1s] [--rounds 3] [--connections 50] [--out results/bench]
//
// Every generator runs as its own process (bench/peers/generators.ts), so its CPU is read from
// /proc/<pid>/stat over exactly the measured window. Rounds are interleaved (native, autocannon,
// wrk, native, ...) so drift on a shared machine hits all three alike; the table shows medians over
// rounds and each target ratio is the median of the per-round (paired) ratios.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDurationMs } from '../src/cli/options.js';
import { machineInfo } from '../src/metrics/machine.js';
import type { ClientMode } from '../src/types.js';
import { runGenerator, type GeneratorName, type LoadShape, type PairFigures } from './peers/generators.js';
import { startPeerServer } from './peers/servers.js';

const MODES: readonly ClientMode[] = ['1.1', '1.0', 'pipeline'];
const GENERATORS: readonly GeneratorName[] = ['native', 'autocannon', 'wrk'];

/** The goals: native CPU per request as a fraction of autocannon's, per mode; keep-alive req/s vs wrk. */
const CPU_TARGETS: Record<ClientMode, number> = { '1.1': 0.66, '1.0': 0.5, pipeline: 0.8 };
const THROUGHPUT_TARGET_VS_WRK = 0.9;

interface Cell {
  requestsPerSec: number;
  cpuSecPer100k: number;
  errors: number;
  rounds: number;
  notes: string[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const cpuPer100k = (f: PairFigures): number => (f.generatorCpuSec / Math.max(1, f.completed)) * 100_000;

function cellOf(figures: PairFigures[]): Cell {
  return {
    requestsPerSec: median(figures.map((f) => f.completed / f.seconds)),
    cpuSecPer100k: median(figures.map(cpuPer100k)),
    errors: figures.reduce((sum, f) => sum + f.errors, 0),
    rounds: figures.length,
    notes: [...new Set(figures.flatMap((f) => f.notes))],
  };
}

/**
 * Median over rounds of a ÷ b measured in the same round: pairing cancels drift on a shared
 * machine better than a ratio of two medians taken minutes apart.
 */
function pairedRatio(all: Map<string, Map<number, PairFigures>>, a: string, b: string, metric: (f: PairFigures) => number): number | null {
  const left = all.get(a);
  const right = all.get(b);
  if (!left || !right) return null;
  const ratios: number[] = [];
  for (const [round, fa] of left) {
    const fb = right.get(round);
    if (fb && metric(fb) > 0) ratios.push(metric(fa) / metric(fb));
  }
  return ratios.length > 0 ? median(ratios) : null;
}

const fixed = (value: number, digits: number): string => value.toFixed(digits).padStart(9);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5s' },
      warmup: { type: 'string', default: '1s' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      out: { type: 'string', default: 'results/bench' },
    },
  });
  const shape: LoadShape = {
    connections: Number(values.connections),
    pipelining: 10,
    durationMs: parseDurationMs(values.duration, 'duration'),
    warmupMs: parseDurationMs(values.warmup, 'warmup'),
  };
  const rounds = Number(values.rounds);
  const tempDir = mkdtempSync(join(tmpdir(), 'h1bench-gvp-'));
  const figures = new Map<string, Map<number, PairFigures>>();
  const skipped: string[] = [];
  const startedAt = new Date();
  try {
    const start = await startPeerServer('nginx', tempDir);
    if (start.state === 'skipped') {
      process.stderr.write(`cannot run: ${start.reason}\n`);
      return 1;
    }
    const nginx = start.server;
    try {
      for (const mode of MODES) {
        for (let round = 1; round <= rounds; round++) {
          for (const generator of GENERATORS) {
            const outcome = await runGenerator(generator, mode, nginx.url, nginx.pid, shape, tempDir);
            if (outcome.state === 'skipped') {
              skipped.push(`${generator} ${mode}: ${outcome.reason}`);
              process.stderr.write(`skip ${generator} ${mode}: ${outcome.reason}\n`);
              continue;
            }
            const key = `${generator} ${mode}`;
            if (!figures.has(key)) figures.set(key, new Map());
            figures.get(key)!.set(round, outcome.figures);
            const f = outcome.figures;
            process.stderr.write(
              `${mode.padEnd(8)} ${generator.padEnd(10)} round ${round}: ${Math.round(f.completed / f.seconds)} req/s, ` +
                `${((f.generatorCpuSec / Math.max(1, f.completed)) * 100_000).toFixed(2)} CPU s/100k\n`,
            );
          }
        }
      }
    } finally {
      await nginx.stop();
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }

  const cells: Record<string, Cell> = {};
  for (const [key, byRound] of figures) cells[key] = cellOf([...byRound.values()]);
  const lines: string[] = [];
  lines.push(`generator vs peers against nginx (1 worker), ${shape.connections} connections, ${shape.durationMs / 1000} s per run, median of ${rounds}; ratios: median of per-round ratios`);
  lines.push(`${'mode'.padEnd(9)}${'generator'.padEnd(11)}${'req/s'.padStart(9)} ${'CPU s/100k'.padStart(10)}`);
  for (const mode of MODES) {
    for (const generator of GENERATORS) {
      const cell = cells[`${generator} ${mode}`];
      if (cell) lines.push(`${mode.padEnd(9)}${generator.padEnd(11)}${fixed(cell.requestsPerSec, 0)} ${fixed(cell.cpuSecPer100k, 3).padStart(10)}`);
    }
  }
  const ratios: Array<{ name: string; value: number | null; target: string; met: boolean | null }> = [];
  for (const mode of MODES) {
    const native = cells[`native ${mode}`];
    const autocannon = cells[`autocannon ${mode}`];
    const value = native && autocannon ? pairedRatio(figures, `native ${mode}`, `autocannon ${mode}`, cpuPer100k) : null;
    ratios.push({ name: `native ÷ autocannon CPU per request, ${mode}`, value, target: `≤ ${CPU_TARGETS[mode]}`, met: value === null ? null : value <= CPU_TARGETS[mode] });
  }
  const nativeKa = cells['native 1.1'];
  const wrkKa = cells['wrk 1.1'];
  const tput = nativeKa && wrkKa ? pairedRatio(figures, 'native 1.1', 'wrk 1.1', (f) => f.completed / f.seconds) : null;
  ratios.push({ name: 'native ÷ wrk req/s, 1.1 keep-alive', value: tput, target: `≥ ${THROUGHPUT_TARGET_VS_WRK}`, met: tput === null ? null : tput >= THROUGHPUT_TARGET_VS_WRK });
  lines.push('');
  for (const ratio of ratios) {
    const verdict = ratio.met === null ? 'not measured' : ratio.met ? 'met' : 'MISSED';
    lines.push(`${ratio.name.padEnd(46)} ${ratio.value === null ? '—' : ratio.value.toFixed(3)}  (target ${ratio.target}: ${verdict})`);
  }
  for (const skip of skipped) lines.push(`skipped: ${skip}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  mkdirSync(values.out, { recursive: true });
  const path = join(values.out, `generator-vs-peers-${startedAt.toISOString().slice(0, 10)}.json`);
  const result = { startedAt: startedAt.toISOString(), machine: machineInfo(), server: 'nginx (1 worker)', shape, rounds, cells, ratios, skipped };
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written: ${path}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`generator-vs-peers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

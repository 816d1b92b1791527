// bench:micro results: collect tinybench figures, save results/bench/micro-<date>.json, compare with the last saved run.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { Bench } from 'tinybench';

export interface MicroEntry {
  name: string;
  /** Mean throughput, operations per second. */
  opsPerSec: number;
  /** Relative margin of error of the mean latency, percent. */
  rmePercent: number;
  /** Mean time per operation, nanoseconds. */
  meanNs: number;
  samples: number;
}

export interface MicroResults {
  kind: 'micro';
  schemaVersion: 1;
  startedAt: string;
  machine: { cpuModel: string; cores: number; node: string; kernel: string };
  entries: MicroEntry[];
}

/** Figures of every task that produced statistics; tasks that errored are reported by name. */
export function collectMicro(bench: Bench, startedAt: Date): { results: MicroResults; failed: string[] } {
  const entries: MicroEntry[] = [];
  const failed: string[] = [];
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state === 'completed' || result.state === 'aborted-with-statistics') {
      entries.push({
        name: task.name,
        opsPerSec: result.throughput.mean,
        rmePercent: result.latency.rme,
        meanNs: result.latency.mean * 1e6,
        samples: result.latency.samplesCount,
      });
    } else {
      failed.push(`${task.name} (${result.state})`);
    }
  }
  const machine = { cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, kernel: release() };
  return { results: { kind: 'micro', schemaVersion: 1, startedAt: startedAt.toISOString(), machine, entries }, failed };
}

/** The most recent results/bench/micro-*.json (file names sort by time), or null. */
export function latestMicro(dir: string): { file: string; results: MicroResults } | null {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^micro-.*\.json$/.test(name)).sort();
  } catch {
    // No results directory yet: nothing to compare with.
    return null;
  }
  for (const name of names.reverse()) {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, name), 'utf8')) as MicroResults;
      if (parsed.kind === 'micro' && Array.isArray(parsed.entries)) return { file: name, results: parsed };
    } catch {
      // An unreadable or foreign file is skipped; the next older one may do.
    }
  }
  return null;
}

export function microFileName(date: Date): string {
  return `micro-${date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '')}.json`;
}

export function saveMicro(dir: string, results: MicroResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, microFileName(new Date(results.startedAt)));
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}

/** Change in throughput against the previous run, percent; null when the task is new. */
export function deltaPercent(current: MicroEntry, previous: MicroResults | null): number | null {
  const before = previous?.entries.find((entry) => entry.name === current.name);
  if (before === undefined || before.opsPerSec === 0) return null;
  return ((current.opsPerSec - before.opsPerSec) / before.opsPerSec) * 100;
}

function compact(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(1);
}

export function renderMicroTable(current: MicroResults, previous: MicroResults | null): string {
  const head = ['benchmark', 'ops/s', '± %', 'mean ns', 'samples'];
  if (previous !== null) head.push('previous ops/s', 'Δ %');
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const entry of current.entries) {
    const row = [entry.name, compact(entry.opsPerSec), entry.rmePercent.toFixed(2), entry.meanNs.toFixed(0), String(entry.samples)];
    if (previous !== null) {
      const before = previous.entries.find((e) => e.name === entry.name);
      const delta = deltaPercent(entry, previous);
      row.push(before === undefined ? 'new' : compact(before.opsPerSec), delta === null ? '–' : `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`);
    }
    table.push(row);
  }
  return table.toString();
}

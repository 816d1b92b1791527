// bench:micro runner: loads every bench/micro/*.js task module (each exports register(bench)), runs them with
// tinybench, prints ops/s (compared with the last saved run) and saves results/bench/micro-<time>.json.
//
// Usage: node dist/bench/micro.js [substring ...] [--time MS] [--no-save]

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { PACKAGE_ROOT } from '../src/version.js';
import { collectMicro, latestMicro, renderMicroTable, saveMicro } from './micro-results.js';

interface TaskModule {
  register(bench: Bench): void;
}

const args = process.argv.slice(2);
const timeIndex = args.indexOf('--time');
const timeMs = timeIndex >= 0 ? Number(args[timeIndex + 1]) : 500;
const save = !args.includes('--no-save');
const filters = args.filter((a, i) => !a.startsWith('--') && (timeIndex < 0 || i !== timeIndex + 1));
if (!Number.isFinite(timeMs) || timeMs <= 0) {
  process.stderr.write('bench:micro: --time needs a positive number of milliseconds\n');
  process.exit(2);
}

const dir = fileURLToPath(new URL('./micro/', import.meta.url));
const modules = readdirSync(dir)
  .filter((name) => name.endsWith('.js'))
  .sort();
const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs) });
for (const name of modules) {
  const mod = (await import(pathToFileURL(join(dir, name)).href)) as Partial<TaskModule>;
  if (typeof mod.register !== 'function') {
    process.stderr.write(`bench:micro: ${name} exports no register(bench); skipped\n`);
    continue;
  }
  mod.register(bench);
}
if (filters.length > 0) {
  for (const task of [...bench.tasks]) {
    if (!filters.some((f) => task.name.includes(f))) bench.remove(task.name);
  }
}
if (bench.tasks.length === 0) {
  process.stderr.write('bench:micro: no task matched\n');
  process.exit(2);
}

const startedAt = new Date();
process.stderr.write(`bench:micro: ${bench.tasks.length} tasks, ${timeMs} ms each\n`);
await bench.run();
const { results, failed } = collectMicro(bench, startedAt);
const resultsDir = join(PACKAGE_ROOT, 'results', 'bench');
const previous = latestMicro(resultsDir);
process.stdout.write(`${renderMicroTable(results, previous?.results ?? null)}\n`);
if (previous !== null) process.stdout.write(`compared with ${previous.file}\n`);
for (const name of failed) process.stderr.write(`bench:micro: task failed: ${name}\n`);
if (save && filters.length === 0) process.stdout.write(`saved ${saveMicro(resultsDir, results)}\n`);
process.exitCode = failed.length > 0 ? 1 : 0;

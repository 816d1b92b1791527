// bench:peers: servers (h1bench, node:http, nginx) × generators (native, undici, autocannon, wrk) × modes;
// req/s, p99 and CPU per 100k requests for both sides, ratio tables, results/bench/peers-<date>.json and .md.
//
//   node dist/bench/peers.js [--preset quick|full|tiny] [--out DIR (default <package>/results/bench)] [--servers a,b] [--generators a,b] [--modes 1.0,1.1]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClientMode } from '../src/types.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { runGenerator, type GeneratorName } from './peers/generators.js';
import { PRESETS, type PeersPreset } from './peers/presets.js';
import { startPeerServer, type ServerName } from './peers/servers.js';
import { ratioTables, renderConsole, renderMarkdown, toRow, type PeerRow } from './peers/tables.js';

function pick<T extends string>(list: string | undefined, all: readonly T[], what: string): T[] {
  if (list === undefined) return [...all];
  const chosen = list.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of chosen) {
    if (!(all as readonly string[]).includes(item)) throw new Error(`--${what}: '${item}' is not one of ${all.join(', ')}`);
  }
  return chosen as T[];
}

function stamp(date: Date): string {
  // 2026-11-25T04:31:07.123Z → 2026-11-25T043107Z: sorts by time and is a valid file name everywhere.
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'quick' },
      out: { type: 'string' },
      servers: { type: 'string' },
      generators: { type: 'string' },
      modes: { type: 'string' },
    },
  });
  const base = PRESETS[values.preset];
  if (base === undefined) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  const preset: PeersPreset = {
    ...base,
    servers: pick<ServerName>(values.servers, base.servers, 'servers'),
    generators: pick<GeneratorName>(values.generators, base.generators, 'generators'),
    modes: pick<ClientMode>(values.modes, base.modes, 'modes'),
  };
  const startedAt = new Date();
  // Other work on the machine skews every figure: the load average goes into the results.
  const loadBefore = loadavg()[0] ?? 0;
  const tempDir = mkdtempSync(join(tmpdir(), 'h1bench-peers-'));
  const rows: PeerRow[] = [];
  const skipped: string[] = [];
  try {
    for (const serverName of preset.servers) {
      const start = await startPeerServer(serverName, tempDir);
      if (start.state === 'skipped') {
        skipped.push(`${serverName}: ${start.reason}`);
        process.stderr.write(`skip ${serverName}: ${start.reason}\n`);
        continue;
      }
      const server = start.server;
      try {
        for (const mode of preset.modes) {
          for (const generator of preset.generators) {
            const outcome = await runGenerator(generator, mode, server.url, server.pid, preset, tempDir);
            const label = `${serverName} × ${generator} × ${mode}`;
            if (outcome.state === 'skipped') {
              if (!skipped.some((s) => s.startsWith(`${generator}:`) && s.endsWith(outcome.reason))) skipped.push(`${generator}: ${outcome.reason}`);
              process.stderr.write(`skip ${label}: ${outcome.reason}\n`);
              continue;
            }
            const row = toRow(serverName, generator, mode, outcome.figures);
            rows.push(row);
            process.stderr.write(`${label}: ${Math.round(row.requestsPerSec).toLocaleString('en-US')} req/s\n`);
          }
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }

  const tables = ratioTables(rows);
  const loadAfter = loadavg()[0] ?? 0;
  const machine = {
    cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, kernel: release(),
    loadAverage1m: { before: loadBefore, after: loadAfter },
  };
  const context = [
    `Date: ${startedAt.toISOString()}; preset ${preset.name}: ${preset.connections} connections, pipelining ${preset.pipelining}, ` +
      `${preset.durationMs / 1000} s per pair after ${preset.warmupMs / 1000} s warm-up (wrk: whole seconds, at least 1).`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, Linux ${machine.kernel}, Node ${machine.node}; generator and server share it ` +
      `(1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after).`,
    'CPU from /proc/<pid>/stat (10 ms ticks): node generators between ready/go lines, wrk as its waiting shell\'s cutime, servers over the same window (nginx: master + worker).',
    '1.0 mode: native sends HTTP/1.0; undici and wrk send HTTP/1.1 with Connection: close; autocannon reconnects after each response (reconnectRate 1).',
  ];
  process.stdout.write(`${context.join('\n')}\n\n${renderConsole(rows, tables)}`);
  if (skipped.length > 0) process.stdout.write(`\nSkipped:\n${skipped.map((s) => `  ${s}`).join('\n')}\n`);

  const outDir = values.out === undefined ? join(PACKAGE_ROOT, 'results', 'bench') : resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const name = `peers-${stamp(startedAt)}`;
  const report = { kind: 'peers', schemaVersion: 1, startedAt: startedAt.toISOString(), preset, machine, rows, ratios: tables, skipped };
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, `${name}.md`), renderMarkdown(`Peers (${preset.name})`, context, rows, tables, skipped));
  process.stdout.write(`\nwrote ${join(outDir, `${name}.json`)} and .md\n`);
  return rows.length > 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:peers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);

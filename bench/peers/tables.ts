// bench:peers figures → rows, ratio tables, console and Markdown renderings (pure functions).

import Table from 'cli-table3';
import type { ClientMode } from '../../src/types.js';
import type { GeneratorName, PairFigures } from './generators.js';
import type { ServerName } from './servers.js';

export interface PeerRow {
  server: ServerName;
  generator: GeneratorName;
  mode: ClientMode;
  requestsPerSec: number;
  p99Ms: number;
  /** CPU seconds the generator process spent per 100k completed requests. */
  generatorCpuPer100k: number | null;
  serverCpuPer100k: number | null;
  completed: number;
  errors: number;
  seconds: number;
  notes: string[];
}

export interface RatioTable {
  title: string;
  /** What the figures should reach (the project's targets). */
  target: string;
  columns: string[];
  rows: Array<{ label: string; cells: Array<number | null> }>;
}

const per100k = (cpuSec: number, completed: number): number | null => (completed > 0 ? (cpuSec / completed) * 100_000 : null);

export function toRow(server: ServerName, generator: GeneratorName, mode: ClientMode, figures: PairFigures): PeerRow {
  return {
    server,
    generator,
    mode,
    requestsPerSec: figures.seconds > 0 ? figures.completed / figures.seconds : 0,
    p99Ms: figures.p99Ms,
    generatorCpuPer100k: per100k(figures.generatorCpuSec, figures.completed),
    serverCpuPer100k: per100k(figures.serverCpuSec, figures.completed),
    completed: figures.completed,
    errors: figures.errors,
    seconds: figures.seconds,
    notes: figures.notes,
  };
}

function find(rows: PeerRow[], server: string, generator: string, mode: string): PeerRow | undefined {
  return rows.find((row) => row.server === server && row.generator === generator && row.mode === mode);
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
}

const present = <T>(values: T[], rows: PeerRow[], key: 'server' | 'generator' | 'mode'): T[] =>
  values.filter((value) => rows.some((row) => row[key] === (value as unknown)));

export function ratioTables(rows: PeerRow[]): RatioTable[] {
  const modes = present<ClientMode>(['1.0', '1.1', 'pipeline'], rows, 'mode');
  const servers = present<ServerName>(['h1bench', 'node:http', 'nginx'], rows, 'server');
  const generators = present<GeneratorName>(['native', 'undici', 'autocannon', 'wrk'], rows, 'generator');
  const tables: RatioTable[] = [];

  const challengers = servers.filter((server) => server !== 'node:http');
  tables.push({
    title: 'Server throughput ÷ node:http (same generator and mode)',
    target: 'h1bench ≥ 1.5× node:http in every mode',
    columns: generators,
    rows: challengers.flatMap((server) =>
      modes.map((mode) => ({
        label: `${server} ${mode}`,
        cells: generators.map((g) => ratio(find(rows, server, g, mode)?.requestsPerSec, find(rows, 'node:http', g, mode)?.requestsPerSec)),
      })),
    ),
  });
  tables.push({
    title: 'Generator CPU per request: native ÷ autocannon (lower is better)',
    target: '≤ 0.66 keep-alive (1.1), ≤ 0.5 in 1.0 mode, ≤ 0.8 pipelined',
    columns: servers,
    rows: modes.map((mode) => ({
      label: mode,
      cells: servers.map((s) => ratio(find(rows, s, 'native', mode)?.generatorCpuPer100k, find(rows, s, 'autocannon', mode)?.generatorCpuPer100k)),
    })),
  });
  tables.push({
    title: 'Throughput: native ÷ wrk (same server and mode)',
    target: '≥ 0.9 keep-alive (1.1)',
    columns: servers,
    rows: modes.map((mode) => ({
      label: mode,
      cells: servers.map((s) => ratio(find(rows, s, 'native', mode)?.requestsPerSec, find(rows, s, 'wrk', mode)?.requestsPerSec)),
    })),
  });
  return tables;
}

const HEAD = ['server', 'generator', 'mode', 'req/s', 'p99 ms', 'gen CPU s/100k', 'server CPU s/100k', 'errors'];

function rowCells(row: PeerRow): string[] {
  const fixed = (value: number | null, digits: number): string => (value === null ? '–' : value.toFixed(digits));
  return [
    row.server,
    row.generator,
    row.mode,
    Math.round(row.requestsPerSec).toLocaleString('en-US'),
    fixed(row.p99Ms, 2),
    fixed(row.generatorCpuPer100k, 2),
    fixed(row.serverCpuPer100k, 2),
    String(row.errors),
  ];
}

const ratioCell = (value: number | null): string => (value === null ? '–' : `${value.toFixed(2)}×`);

export function renderConsole(rows: PeerRow[], tables: RatioTable[]): string {
  const main = new Table({ head: HEAD, style: { head: [], border: [], compact: true } });
  for (const row of rows) main.push(rowCells(row));
  const parts = [main.toString()];
  for (const table of tables) {
    const t = new Table({ head: ['', ...table.columns], style: { head: [], border: [], compact: true } });
    for (const row of table.rows) t.push([row.label, ...row.cells.map(ratioCell)]);
    parts.push(`${table.title}\n(target: ${table.target})\n${t.toString()}`);
  }
  return `${parts.join('\n\n')}\n`;
}

function markdownTable(head: string[], body: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

export function renderMarkdown(title: string, context: string[], rows: PeerRow[], tables: RatioTable[], skipped: string[]): string {
  const parts = [`# ${title}`, context.map((c) => `- ${c}`).join('\n'), markdownTable(HEAD, rows.map(rowCells))];
  for (const table of tables) {
    parts.push(`## ${table.title}\n\nTarget: ${table.target}.\n\n${markdownTable(['', ...table.columns], table.rows.map((r) => [r.label, ...r.cells.map(ratioCell)]))}`);
  }
  if (skipped.length > 0) parts.push(`## Skipped\n\n${skipped.map((s) => `- ${s}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

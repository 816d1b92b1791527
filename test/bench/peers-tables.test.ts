// bench:peers pure parts: /proc/<pid>/stat parsing and the ratio tables built from rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcStat, readProcStat } from '../../src/metrics/process-usage.js';
import { ratioTables, renderMarkdown, toRow } from '../../bench/peers/tables.js';

test('parseProcStat reads utime+stime and cutime+cstime after a comm with spaces and parentheses', () => {
  const fields = ['S', '77', '1', '1', '0', '-1', '4194560', '100', '0', '0', '0', '250', '50', '1000', '200', '20', '0', '1', '0'];
  const stat = parseProcStat(`1234 (my (odd) name) ${fields.join(' ')}`);
  assert.equal(stat.pid, 1234);
  assert.equal(stat.ppid, 77);
  // The time fields are in USER_HZ ticks; 100 on Linux.
  assert.ok(Math.abs(stat.userSec + stat.systemSec - 3) < 1e-9, String(stat.userSec + stat.systemSec));
  assert.ok(Math.abs(stat.childrenSec - 12) < 1e-9, String(stat.childrenSec));
});

test('readProcStat sees this process and nothing for a pid that cannot exist', () => {
  assert.equal(readProcStat(process.pid)?.pid, process.pid);
  assert.equal(readProcStat(2 ** 30), null);
});

test('ratio tables divide like with like and leave missing pairs empty', () => {
  const figures = (completed: number, generatorCpuSec: number) => ({
    completed, seconds: 1, p50Ms: 1, p99Ms: 2, errors: 0, generatorCpuSec, serverCpuSec: 0.5, notes: [],
  });
  const rows = [
    toRow('h1bench', 'native', '1.1', figures(30_000, 0.3)),
    toRow('node:http', 'native', '1.1', figures(20_000, 0.3)),
    toRow('h1bench', 'autocannon', '1.1', figures(10_000, 0.5)),
    toRow('h1bench', 'wrk', '1.1', figures(40_000, 0.1)),
  ];
  assert.ok(Math.abs(rows[0]!.generatorCpuPer100k! - 1) < 1e-9);
  const [servers, cpu, wrk] = ratioTables(rows);
  const rounded = (cells: Array<number | null>) => cells.map((c) => (c === null ? null : Math.round(c * 1000) / 1000));
  assert.deepEqual(servers!.columns, ['native', 'autocannon', 'wrk']);
  assert.equal(servers!.rows.length, 1);
  assert.equal(servers!.rows[0]!.label, 'h1bench 1.1');
  assert.deepEqual(rounded(servers!.rows[0]!.cells), [1.5, null, null]);
  // native 1 s/100k ÷ autocannon 5 s/100k on h1bench; no autocannon row on node:http.
  assert.deepEqual(rounded(cpu!.rows[0]!.cells), [0.2, null]);
  assert.deepEqual(rounded(wrk!.rows[0]!.cells), [0.75, null]);
  const markdown = renderMarkdown('Peers (test)', ['context'], rows, ratioTables(rows), ['nginx: not installed']);
  assert.match(markdown, /\| h1bench 1\.1 \| 1\.50× \| – \| – \|/);
  assert.match(markdown, /## Skipped\n\n- nginx: not installed/);
});

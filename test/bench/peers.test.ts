// bench:peers in its tiny preset: it runs end to end and writes its tables and files (the figures are not judged).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PEERS = new URL('../../bench/peers.js', import.meta.url);

interface PeersReport {
  kind: string;
  rows: Array<{ server: string; generator: string; mode: string; requestsPerSec: number; completed: number; generatorCpuPer100k: number | null }>;
  ratios: Array<{ title: string; rows: Array<{ label: string; cells: Array<number | null> }> }>;
  skipped: string[];
}

test('bench:peers --preset tiny prints the ratio tables and writes peers-<date>.json and .md (results/bench/ by default)', { timeout: 120_000 }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'h1bench-peers-test-'));
  try {
    const child = spawn(process.execPath, [PEERS.pathname, '--preset', 'tiny', '--out', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0, stderr);

    for (const title of ['Server throughput ÷ node:http', 'native ÷ autocannon', 'native ÷ wrk']) {
      assert.ok(stdout.includes(title), `stdout lacks the table '${title}'`);
    }
    const files = readdirSync(outDir).sort();
    assert.equal(files.length, 2, files.join(', '));
    assert.match(files[0]!, /^peers-\d{4}-\d{2}-\d{2}T\d{6}Z\.json$/);
    assert.equal(files[1], files[0]!.replace(/\.json$/, '.md'));

    const report = JSON.parse(readFileSync(join(outDir, files[0]!), 'utf8')) as PeersReport;
    assert.equal(report.kind, 'peers');
    // Every node engine pair ran; wrk may be skipped on a machine without it, and then says why.
    const measured = new Set(report.rows.map((row) => `${row.server}/${row.generator}/${row.mode}`));
    for (const server of ['h1bench', 'node:http']) {
      for (const generator of ['native', 'autocannon']) {
        for (const mode of ['1.1', '1.0']) assert.ok(measured.has(`${server}/${generator}/${mode}`), `${server}/${generator}/${mode} missing`);
      }
    }
    if (!report.rows.some((row) => row.generator === 'wrk')) assert.ok(report.skipped.some((s) => s.startsWith('wrk:')));
    for (const row of report.rows) {
      assert.ok(row.completed > 0 && row.requestsPerSec > 0, `${row.server}/${row.generator}/${row.mode} completed nothing`);
      assert.ok(row.generatorCpuPer100k !== null && row.generatorCpuPer100k >= 0);
    }
    const cpuRatio = report.ratios.find((table) => table.title.includes('native ÷ autocannon'));
    assert.ok(cpuRatio?.rows.some((row) => row.cells.some((cell) => cell !== null)), 'the CPU ratio table has figures');

    const markdown = readFileSync(join(outDir, files[1]!), 'utf8');
    assert.match(markdown, /^# Peers \(tiny\)/);
    assert.match(markdown, /\| server \| generator \| mode \| req\/s \|/);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

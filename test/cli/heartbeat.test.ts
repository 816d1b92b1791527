// `bench heartbeat` end to end: every offline mode detected in time, no false positives, a stopped server noticed, nothing left running.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeartbeatSection, RunReport } from '../../src/report/schema.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { runCli } from './cli-helpers.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// Generous margins (4 × interval): the machine running the tests may be busy, and a starved client is a real false positive.
const INTERVAL = 250;
const TIMEOUT = 1000;
const CLIENTS = 20;
const BASE = ['--clients', String(CLIENTS), '--interval', `${INTERVAL}ms`, '--timeout', `${TIMEOUT}ms`, '--duration', '2500ms'];

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report: RunReport | null;
  leftovers: number[];
}

/** PIDs of live processes whose environment carries `mark` (every child the CLI started inherits it). */
function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(mark)) found.push(Number(name));
    } catch {
      // Exited while we looked, or not ours to read: not a leftover of this test.
    }
  }
  return found;
}

async function bench(args: string[]): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'h1b-hb-'));
  const out = join(dir, 'report.json');
  const mark = `H1B_TEST_MARK=${randomUUID()}`;
  try {
    const child = spawn(process.execPath, [CLI, 'heartbeat', ...args, '--out', out], {
      env: { ...process.env, H1B_TEST_MARK: mark.slice('H1B_TEST_MARK='.length) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(guard);
    let report: RunReport | null = null;
    try {
      report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    } catch {
      report = null;
    }
    if (report !== null) assertMatchesPublishedSchema(report, 'bench heartbeat report');
    return { code, stdout, stderr, report, leftovers: processesMarked(mark) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function section(run: CliRun): HeartbeatSection {
  assert.equal(run.code, 0, `exit code (stderr: ${run.stderr})`);
  assert.deepEqual(run.leftovers, [], 'no client or server process left running');
  assert.ok(run.report?.heartbeat, 'report has a heartbeat section');
  assert.equal(run.report.schemaVersion, 1);
  assert.equal(run.report.kind, 'run');
  return run.report.heartbeat as HeartbeatSection;
}

function assertDetected(hb: HeartbeatSection, injected: number): void {
  assert.equal(hb.offlineInjected, injected);
  assert.equal(hb.detected, injected, `all detected (missed ${hb.missed})`);
  assert.equal(hb.missed, 0);
  assert.equal(hb.falsePositives, 0, 'healthy clients never marked offline');
  assert.ok(hb.detectionMs !== null && hb.detectionMs.max <= TIMEOUT + INTERVAL, `detection ${JSON.stringify(hb.detectionMs)} within timeout + interval`);
  assert.ok(hb.beats.answered > 0);
}

describe('bench heartbeat', { concurrency: false }, () => {
  for (const mode of ['freeze', 'stop', 'close', 'reset'] as const) {
    test(`1.1, --offline-mode ${mode}: every victim detected within timeout + interval, no false positives`, async () => {
      const run = await bench([...BASE, '--mode', '1.1', '--offline', '3', '--offline-mode', mode]);
      const hb = section(run);
      assertDetected(hb, 3);
      assert.equal(hb.offlineMode, mode);
      // One keep-alive connection per client: no handshake per beat.
      assert.ok(hb.handshakes.total <= CLIENTS + 3, `handshakes ${hb.handshakes.total}`);
      if (mode === 'close' || mode === 'reset') assert.ok(hb.connectionEndSeenMs !== null, 'the server saw the FIN/RST');
      assert.match(run.stdout, /false positives/);
    });
  }

  test('--tcp-keepalive next to a SIGSTOPped client process: heartbeats detect it, the kernel keeps ACKing', async () => {
    const run = await bench([...BASE, '--mode', '1.1', '--offline', '2', '--offline-mode', 'stop', '--tcp-keepalive', '1s']);
    const hb = section(run);
    assertDetected(hb, 2);
    assert.deepEqual(hb.tcpKeepAlive, { delayMs: 1000, detected: 0 });
    assert.ok(hb.notes.some((n) => n.includes('ACKs every probe')));
  });

  test('1.0, --offline-mode freeze: detected, and every beat paid a handshake', async () => {
    const hb = section(await bench([...BASE, '--mode', '1.0', '--offline', '2', '--offline-mode', 'freeze']));
    assertDetected(hb, 2);
    assert.ok(hb.handshakes.total >= hb.beats.sent, `handshakes ${hb.handshakes.total} ≥ beats ${hb.beats.sent}`);
  });

  test('--server-failure stop: every client notices the stopped server, and the server is resumed and stopped', async () => {
    const run = await bench([...BASE, '--mode', '1.1', '--server-failure', 'stop']);
    const hb = section(run);
    assert.ok(hb.serverDownDetectedMs !== null);
    assert.equal(hb.serverDownDetectedMs.noticedBy, CLIENTS, `noticed by all (missed ${hb.serverDownMissed})`);
    assert.ok(hb.serverDownDetectedMs.max <= TIMEOUT + INTERVAL + 100, `server down noticed ${JSON.stringify(hb.serverDownDetectedMs)}`);
    assert.equal(hb.clientFalseAlarms, 0);
  });

  test('--json prints the report on stdout', async () => {
    const run = await bench(['--clients', '3', '--interval', `${INTERVAL}ms`, '--timeout', `${TIMEOUT}ms`, '--duration', '1s', '--json']);
    const hb = section(run);
    const printed = JSON.parse(run.stdout) as RunReport;
    assert.deepEqual(printed.heartbeat, run.report?.heartbeat);
    assert.equal(hb.offlineMode, null);
    assert.equal(hb.falsePositives, 0);
  });

  test('invalid combinations exit 2 with one clear message', async () => {
    const tooShort = await bench([...BASE.slice(0, -2), '--duration', '500ms', '--offline', '1']);
    assert.equal(tooShort.code, 2);
    assert.match(tooShort.stderr, /too short/);
    const both = await bench([...BASE, '--offline', '1', '--server-failure', 'stop']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /H1B_INVALID_OPTION/);
    const timeout = await bench(['--interval', '1s', '--timeout', '1s']);
    assert.equal(timeout.code, 2);
    assert.match(timeout.stderr, /must be longer than --interval/);
  });

  test('a report path that cannot be written fails before any client starts', async () => {
    const result = await runCli(['heartbeat', ...BASE, '--out', '/proc/h1b-nowhere/report.json']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot write the report to \/proc\/h1b-nowhere\/report\.json .*checked before measuring.*\[H1B_REPORT_WRITE\]/);
    assert.doesNotMatch(result.stderr, /heartbeat: \d+ clients/, 'no client was started');
  });
});

// The load generators bench:peers compares, each run as a child process so its CPU is read from /proc/<pid>/stat.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClientMode, EngineName } from '../../src/types.js';
import type { LoadChildRequest, LoadChildResult } from './load-child.js';
import { parseProcStat, readProcStat } from '../../src/metrics/process-usage.js';
import { treeCpuSec } from './procstat.js';
import { findTool } from './tools.js';

export type GeneratorName = EngineName | 'wrk';
export const GENERATOR_NAMES: readonly GeneratorName[] = ['native', 'undici', 'autocannon', 'wrk'];

export interface LoadShape {
  readonly connections: number;
  readonly pipelining: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** https:// targets: the CA to trust and whether the generator resumes sessions (wrk never does). */
  readonly tls?: { readonly ca: string; readonly resume: boolean };
}

/** What one generator × server × mode run measured. */
export interface PairFigures {
  completed: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  generatorCpuSec: number;
  serverCpuSec: number;
  notes: string[];
}

export type PairOutcome = { state: 'measured'; figures: PairFigures } | { state: 'skipped'; reason: string };

const LOAD_CHILD = new URL('./load-child.js', import.meta.url);

/** node engines: ready/go lines bracket the window in which both processes' CPU is read. */
async function runEngine(engine: EngineName, mode: ClientMode, url: string, serverPid: number, shape: LoadShape): Promise<PairOutcome> {
  const request: LoadChildRequest = { engine, mode, url, ...shape };
  const child = spawn(process.execPath, [LOAD_CHILD.pathname, JSON.stringify(request)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<null>((resolve) => child.once('exit', () => resolve(null)));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string | null> => {
    const line = await Promise.race([lines.next(), exited]);
    return line === null || line.done === true ? null : line.value;
  };
  const fail = (what: string): PairOutcome => {
    child.kill('SIGKILL');
    return { state: 'skipped', reason: `${engine} ${what}: ${stderr.trim().split('\n').slice(-3).join(' / ') || 'no output'}` };
  };
  if ((await nextLine()) !== 'ready') return fail('did not start');
  const generatorBefore = readProcStat(child.pid!);
  const serverBefore = treeCpuSec(serverPid);
  child.stdin!.write('go\n');
  const line = await nextLine();
  const generatorAfter = readProcStat(child.pid!);
  const serverAfter = treeCpuSec(serverPid);
  child.stdin!.end();
  await exited;
  if (line === null || generatorBefore === null || generatorAfter === null) return fail('failed during the run');
  const result = JSON.parse(line) as LoadChildResult;
  return {
    state: 'measured',
    figures: {
      completed: result.completed,
      seconds: result.measuredUs / 1e6,
      p50Ms: result.p50Us / 1000,
      p99Ms: result.p99Us / 1000,
      errors: result.errors,
      generatorCpuSec: generatorAfter.userSec + generatorAfter.systemSec - (generatorBefore.userSec + generatorBefore.systemSec),
      serverCpuSec: serverAfter - serverBefore,
      notes: result.notes,
    },
  };
}

function wrkScript(mode: ClientMode, depth: number): string {
  // 1.0 and 1.1 keep wrk's static request (no Lua call per request); pipelining needs the documented
  // request() that returns `depth` requests at once, and then wrk times each batch, not each request.
  const pipeline = mode === 'pipeline'
    ? `init = function(args)\n  req = string.rep(wrk.format(), ${depth})\nend\nrequest = function() return req end\n`
    : '';
  return `${pipeline}done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('H1BENCH {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;
}

interface WrkOutput {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  errors: number;
}

/** wrk: C, one thread; its CPU is read as the cutime/cstime of the shell that waited for it. */
async function runWrk(mode: ClientMode, url: string, serverPid: number, shape: LoadShape, tempDir: string): Promise<PairOutcome> {
  const binary = findTool('wrk');
  if (binary === null) return { state: 'skipped', reason: 'wrk is not installed (Debian package wrk)' };
  const script = join(tempDir, `wrk-${mode}.lua`);
  writeFileSync(script, wrkScript(mode, shape.pipelining));
  const argsFor = (ms: number): string[] => {
    // wrk takes whole seconds only.
    const args = ['-t1', `-c${shape.connections}`, `-d${Math.max(1, Math.round(ms / 1000))}s`, '--timeout', '10s', '-s', script];
    if (mode === '1.0') args.push('-H', 'Connection: close');
    return [...args, url];
  };
  if (shape.warmupMs >= 1000) await runShell('exec "$@"', [binary, ...argsFor(shape.warmupMs)]);
  // The shell waits for wrk, so its own cutime/cstime afterwards is exactly wrk's CPU.
  const wrapper = '"$@"; status=$?; read -r line < /proc/$$/stat; printf "H1BSTAT %s\\n" "$line"; exit $status';
  const args = [binary, ...argsFor(shape.durationMs)];
  const serverBefore = treeCpuSec(serverPid);
  const { stdout, code } = await runShell(wrapper, args);
  const serverAfter = treeCpuSec(serverPid);
  const statLine = /^H1BSTAT (.*)$/m.exec(stdout)?.[1];
  const outLine = /^H1BENCH (.*)$/m.exec(stdout)?.[1];
  if (code !== 0 || statLine === undefined || outLine === undefined) {
    return { state: 'skipped', reason: `wrk failed (exit ${code}): ${stdout.trim().split('\n').slice(-2).join(' / ')}` };
  }
  const out = JSON.parse(outLine) as WrkOutput;
  const notes = mode === 'pipeline' ? [`wrk times each batch of ${shape.pipelining} pipelined requests, not each request.`] : [];
  if (mode === '1.0') notes.push("wrk 1.0 mode: HTTP/1.1 requests with 'Connection: close'.");
  return {
    state: 'measured',
    figures: {
      completed: out.requests,
      seconds: out.durationUs / 1e6,
      p50Ms: out.p50Us / 1000,
      p99Ms: out.p99Us / 1000,
      errors: out.errors,
      generatorCpuSec: parseProcStat(statLine).childrenSec,
      serverCpuSec: serverAfter - serverBefore,
      notes,
    },
  };
}

/** Run `script` in /bin/sh with `args` as "$@"; collect stdout and stderr together. */
function runShell(script: string, args: string[]): Promise<{ stdout: string; code: number }> {
  const child = spawn('/bin/sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ stdout, code: code ?? 1 })));
}

export function runGenerator(
  name: GeneratorName,
  mode: ClientMode,
  url: string,
  serverPid: number,
  shape: LoadShape,
  tempDir: string,
): Promise<PairOutcome> {
  return name === 'wrk' ? runWrk(mode, url, serverPid, shape, tempDir) : runEngine(name, mode, url, serverPid, shape);
}

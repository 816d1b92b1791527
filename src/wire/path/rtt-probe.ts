// The path RTT probe: a UDP echo in the server namespace, probes from the client namespace, min/p50/p99 of the round trips.

import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { H1Error } from '../../errors.js';
import { percentileNearestRank } from '../../metrics/percentile.js';
import { HelperProcess, type HelperPriority } from './helper-process.js';
import type { PathResources } from './resources.js';
import { findTool } from './system.js';
import type { PathEnd, RttMeasurement } from './types.js';

const PROBE_MAIN = fileURLToPath(new URL('./probe-main.js', import.meta.url));
export const DEFAULT_PROBES = 20;
const START_TIMEOUT_MS = 10_000;
/** A probe unanswered after 3 RTTs + 200 ms is lost, not slow: TCP's own minimum RTO is 200 ms (RFC 6298 §2.4 allows 1 s; Linux uses 200 ms). */
const probeTimeoutMs = (rttMs: number): number => Math.ceil(3 * rttMs + 200);

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Figures in ms (µs precision) from the answered round trips in µs. */
export function summarizeRtt(rttsUs: readonly number[], probes: number, method: RttMeasurement['method'] = 'udp'): RttMeasurement {
  if (rttsUs.length === 0) throw new H1Error('H1B_PATH_FAILED', `none of ${probes} RTT probes across the path came back`);
  const sorted = [...rttsUs].sort((a, b) => a - b);
  const ms = (us: number): number => round3(us / 1000);
  return {
    method,
    probes,
    samples: sorted.length,
    lost: probes - sorted.length,
    minMs: ms(sorted[0]!),
    p50Ms: ms(percentileNearestRank(sorted, 50)),
    p99Ms: ms(percentileNearestRank(sorted, 99)),
    maxMs: ms(sorted[sorted.length - 1]!),
  };
}

/**
 * Time `probes` round trips across the path, client end to server end, and summarize them: ICMP echoes answered by
 * the server end's kernel where ping(8) is installed (the path alone), else a Node UDP echo.
 *
 * @throws H1Error H1B_PATH_FAILED when no probe came back
 */
export async function measureRtt(
  server: PathEnd,
  client: PathEnd,
  rttMs: number,
  probes: number,
  resources: PathResources,
  priority: HelperPriority,
  method: RttMeasurement['method'] | 'auto' = 'auto',
): Promise<RttMeasurement> {
  if (!Number.isInteger(probes) || probes < 1) throw new H1Error('H1B_INVALID_OPTION', `path RTT probes: ${probes} is not a positive integer`);
  if (method === 'icmp' || (method === 'auto' && findTool('ping') !== null)) return measureIcmp(server, client, rttMs, probes);
  return measureUdp(server, client, rttMs, probes, resources, priority);
}

/** Echoes sent first and not counted: the first packets find the relay and the bridges cold. */
const ICMP_WARMUP = 3;
/** Gap between echoes, s (below ping's 0.2 s floor for users: the path is built as root anyway). */
const ICMP_INTERVAL_S = 0.02;

/**
 * ping(8) from the client end to the server end's address: the echo is answered by the server end's kernel, and
 * ping times each reply with the kernel's receive timestamp (SO_TIMESTAMP), so neither end's scheduling is in the
 * figure: what is left is the path. The first ICMP_WARMUP replies are dropped.
 */
async function measureIcmp(server: PathEnd, client: PathEnd, rttMs: number, probes: number): Promise<RttMeasurement> {
  const count = probes + ICMP_WARMUP;
  // -W bounds the wait for the last reply; not -w, which would make ping send on until `count` replies came back.
  const replyWaitS = Math.ceil(probeTimeoutMs(rttMs) / 1000);
  const boundMs = (count * ICMP_INTERVAL_S + replyWaitS + 5) * 1000;
  const [file, ...args] = client.execArgv('ping', ['-n', '-c', String(count), '-i', String(ICMP_INTERVAL_S), '-W', String(replyWaitS), server.address]);
  // ping exits 1 when some replies were lost (loss is expected with lossPct > 0): its output still counts.
  const output = await new Promise<string>((resolve, reject) => {
    execFile(file!, args, { timeout: boundMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as unknown as { code?: unknown }).code !== 1) {
        reject(new H1Error('H1B_PATH_FAILED', `ping across the path failed: ${stderr.trim() || error.message}`, { cause: error }));
      } else resolve(stdout);
    });
  });
  // One sample per counted sequence number (a duplicated reply, "DUP!", is not a second round trip).
  const bySeq = new Map<number, number>();
  for (const match of output.matchAll(/icmp_seq=(\d+) .*?time=([\d.]+) ms/g)) {
    const seq = Number(match[1]);
    if (seq > ICMP_WARMUP && seq <= count && !bySeq.has(seq)) bySeq.set(seq, Math.round(Number(match[2]) * 1000));
  }
  return summarizeRtt([...bySeq.values()], probes, 'icmp');
}

/**
 * Where ping is missing: a UDP echo at the server end and probes one at a time from the client end. Both halves are
 * Node processes in the namespaces, so the figure includes what a Node client and server pay to cross the path
 * (~0.2 ms); they run at the path's `priority`, so a busy machine delays them less than the benchmark's own
 * processes. The echo is stopped before this resolves, whatever happens.
 */
async function measureUdp(server: PathEnd, client: PathEnd, rttMs: number, probes: number, resources: PathResources, priority: HelperPriority): Promise<RttMeasurement> {
  const echo = resources.adopt(HelperProcess.start('rtt echo', (command, args) => server.execArgv(command, args), process.execPath, [PROBE_MAIN, 'echo', server.address], { priority }));
  let ping: HelperProcess | null = null;
  try {
    const [, port] = await echo.waitFor('stdout', /\{"port":(\d+)\}/, START_TIMEOUT_MS);
    const timeoutMs = probeTimeoutMs(rttMs);
    ping = resources.adopt(
      HelperProcess.start('rtt ping', (command, args) => client.execArgv(command, args), process.execPath, [
        PROBE_MAIN, 'ping', server.address, port!, String(probes), String(timeoutMs),
      ], { priority }),
    );
    // Bounded: every probe ends by its timeout, plus Node's start-up.
    const [line] = await ping.waitFor('stdout', /\{"rttsUs".*\}/, START_TIMEOUT_MS + probes * timeoutMs);
    return summarizeRtt((JSON.parse(line) as { rttsUs: number[] }).rttsUs, probes);
  } finally {
    await Promise.all([echo.stop(), ping?.stop()]);
  }
}

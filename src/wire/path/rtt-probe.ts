// The path RTT probe: a UDP echo in the server namespace, probes from the client namespace, min/p50/p99 of the round trips.

import { fileURLToPath } from 'node:url';
import { H1Error } from '../../errors.js';
import { percentileNearestRank } from '../../metrics/percentile.js';
import { HelperProcess, type HelperPriority } from './helper-process.js';
import type { PathResources } from './resources.js';
import type { PathEnd, RttMeasurement } from './types.js';

const PROBE_MAIN = fileURLToPath(new URL('./probe-main.js', import.meta.url));
export const DEFAULT_PROBES = 20;
const START_TIMEOUT_MS = 10_000;
/** A probe unanswered after 3 RTTs + 200 ms is lost, not slow: TCP's own minimum RTO is 200 ms (RFC 6298 §2.4 allows 1 s; Linux uses 200 ms). */
const probeTimeoutMs = (rttMs: number): number => Math.ceil(3 * rttMs + 200);

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Figures in ms (µs precision) from the answered round trips in µs. */
export function summarizeRtt(rttsUs: readonly number[], probes: number): RttMeasurement {
  if (rttsUs.length === 0) throw new H1Error('H1B_PATH_FAILED', `none of ${probes} RTT probes across the path came back`);
  const sorted = [...rttsUs].sort((a, b) => a - b);
  const ms = (us: number): number => round3(us / 1000);
  return {
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
 * Start a UDP echo at the server end, send `probes` probes one at a time from the client end, and
 * summarize their round trips. Both halves are Node processes started inside the namespaces, so
 * the figure includes what a Node client and server pay to cross the path (~0.1 ms), as the
 * benchmark's own traffic does; they run at the path's `priority`, so a busy machine delays them
 * less than the benchmark's own processes: the figure is the path's. The echo is
 * stopped before this resolves, whatever happens.
 */
export async function measureRtt(server: PathEnd, client: PathEnd, rttMs: number, probes: number, resources: PathResources, priority: HelperPriority): Promise<RttMeasurement> {
  if (!Number.isInteger(probes) || probes < 1) throw new H1Error('H1B_INVALID_OPTION', `path RTT probes: ${probes} is not a positive integer`);
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

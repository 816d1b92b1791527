// One heartbeat run: start client processes, inject the failure at a random moment, collect verdicts and results.

import { setTimeout as delay } from 'node:timers/promises';
import { monotonicClock } from '../../clock.js';
import type { FleetResult, HeartbeatOutcome } from '../../measurements.js';
import { readProcessUsage, type ProcessUsage } from '../../metrics/process-usage.js';
import type { HeartbeatRunConfig, OfflineMode } from '../../types.js';
import type { FleetPlan } from './fleet.js';
import { VerdictPoller } from './verdict-poller.js';
import { killAll, spawnWorkers, type WorkerHandle } from './worker-pool.js';

export interface HeartbeatTarget {
  readonly url: URL;
  /** The address every client connects to (resolved and probed once by the runner). */
  readonly address?: string;
  /** The embedded server's PID (CPU/RSS from /proc, SIGSTOP for --server-failure); null for --url. */
  readonly pid: number | null;
}

export type HeartbeatProgress =
  | { readonly type: 'started'; readonly processes: number }
  | { readonly type: 'injected'; readonly what: string; readonly afterMs: number };

const READY_TIMEOUT_MS = 30_000;
const RESULT_TIMEOUT_MS = 15_000;
/** Head start so every process has its plan loaded before the first beat is due. */
const START_DELAY_US = 200_000;

/** Earliest and latest injection moments (ms after start): all clients seen online first, and time left to detect. */
export function injectionWindowMs(config: Pick<HeartbeatRunConfig, 'intervalMs' | 'timeoutMs' | 'durationMs'>): [number, number] {
  const earliest = 2 * config.intervalMs;
  const latest = config.durationMs - (config.timeoutMs + config.intervalMs + Math.max(250, config.intervalMs));
  return [earliest, latest];
}

/** Split ids c0…cN-1 over processes; `stop` victims get their own process (it is the one SIGSTOPped). */
export function planFleets(
  config: HeartbeatRunConfig,
  url: URL,
  random: () => number,
  address?: string,
): { plans: FleetPlan[]; victims: string[]; stopPlan: number } {
  const ids = Array.from({ length: config.clients }, (_, i) => `c${i}`);
  const victimIndexes = pickIndexes(config.clients, config.offline, random);
  const victims = [...victimIndexes].map((i) => ids[i] as string);
  const base = {
    url: url.href,
    ...(address === undefined ? {} : { address }),
    mode: config.mode,
    intervalMs: config.intervalMs,
    timeoutMs: config.timeoutMs,
    totalClients: config.clients,
  };
  const healthyIndexes: number[] = [];
  for (let i = 0; i < config.clients; i++) if (config.offlineMode !== 'stop' || !victimIndexes.has(i)) healthyIndexes.push(i);
  const count = Math.max(1, Math.ceil(healthyIndexes.length / config.clientsPerProcess));
  const shares: Array<Array<{ id: string; index: number }>> = Array.from({ length: count }, () => []);
  // Round-robin keeps each process's beats spread over the whole interval.
  healthyIndexes.forEach((index, n) => shares[n % count]!.push({ id: ids[index] as string, index }));
  const injected = config.offlineMode === 'stop' ? [] : victims;
  const plans: FleetPlan[] = shares.map((clients) => {
    const own = new Set(clients.map((c) => c.id));
    return { ...base, clients, victims: injected.filter((v) => own.has(v)) };
  });
  let stopPlan = -1;
  if (config.offlineMode === 'stop' && victims.length > 0) {
    stopPlan = plans.length;
    plans.push({ ...base, clients: [...victimIndexes].sort((a, b) => a - b).map((index) => ({ id: ids[index] as string, index })), victims: [] });
  }
  return { plans, victims, stopPlan };
}

function pickIndexes(total: number, count: number, random: () => number): Set<number> {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, total)) picked.add(Math.floor(random() * total));
  return picked;
}

/** Client processes needed for `config` (healthy share, plus one for `stop` victims). */
export function processCount(config: HeartbeatRunConfig): number {
  const stopVictims = config.offlineMode === 'stop' ? Math.min(config.offline, config.clients) : 0;
  return Math.max(1, Math.ceil((config.clients - stopVictims) / config.clientsPerProcess)) + (stopVictims > 0 ? 1 : 0);
}

/**
 * Run against `target`, which may still be starting: the client processes boot meanwhile (both
 * cost a Node start-up, worth overlapping on a busy machine).
 */
export async function runHeartbeat(
  config: HeartbeatRunConfig,
  pendingTarget: Promise<HeartbeatTarget>,
  options: { signal: AbortSignal; onProgress?: (p: HeartbeatProgress) => void; random?: () => number },
): Promise<HeartbeatOutcome> {
  const random = options.random ?? Math.random;
  const clock = monotonicClock;
  const workers: WorkerHandle[] = spawnWorkers(processCount(config));
  const victimTimes = new Map<string, number>();
  let serverStoppedAtUs: number | null = null;
  let poller: VerdictPoller | null = null;
  let target: HeartbeatTarget | null = null;
  try {
    target = await pendingTarget;
    const { plans, victims, stopPlan } = planFleets(config, target.url, random, target.address);
    poller = new VerdictPoller(target.url, Math.max(20, Math.min(250, Math.floor(config.intervalMs / 2))));
    // RSS baseline before any client connects: the growth is what the clients cost the server.
    const usageIdle = target.pid !== null ? await readProcessUsage(target.pid) : null;
    workers.forEach((w, i) => w.send({ type: 'plan', plan: plans[i] as FleetPlan }));
    await Promise.all(workers.map((w) => w.next('ready', READY_TIMEOUT_MS)));
    const usageBefore = target.pid !== null ? await readProcessUsage(target.pid) : null;
    const startUs = clock.nowUs() + START_DELAY_US;
    const startedAtMs = Date.now() + START_DELAY_US / 1000;
    const endUs = startUs + config.durationMs * 1000;
    for (const w of workers) w.send({ type: 'start', startUs });
    options.onProgress?.({ type: 'started', processes: workers.length });
    // The first reading (the baseline verdicts are counted from) waits until every client's first scheduled
    // beat is in: a big fleet's warm-up takes long enough that early-warmed clients may go quiet past the
    // timeout before their first beat, and that flap is setup, not the detector's judgement. It still
    // comes before the earliest injection (2 × interval).
    await sleepUntil(startUs + (config.intervalMs + Math.min(config.intervalMs, 250)) * 1000, options.signal);
    await poller.poll();
    poller.start();

    const [earliest, latest] = injectionWindowMs(config);
    const injectAtUs = startUs + Math.round((earliest + random() * Math.max(0, latest - earliest)) * 1000);
    const wantsInjection = victims.length > 0 || config.serverFailure !== null;
    if (wantsInjection && (await sleepUntil(injectAtUs, options.signal))) {
      if (config.serverFailure === 'stop' && target.pid !== null) {
        poller.pause(); // a request to a stopped server would hang
        serverStoppedAtUs = clock.nowUs();
        process.kill(target.pid, 'SIGSTOP');
        options.onProgress?.({ type: 'injected', what: 'server SIGSTOP', afterMs: (serverStoppedAtUs - startUs) / 1000 });
      }
      if (victims.length > 0) {
        await inject(config.offlineMode, workers, plans, stopPlan, victimTimes, clock.nowUs.bind(clock));
        const first = Math.min(...victimTimes.values());
        options.onProgress?.({ type: 'injected', what: `${victims.length} clients ${config.offlineMode}`, afterMs: (first - startUs) / 1000 });
      }
    }
    const completed = await sleepUntil(endUs, options.signal);
    const stoppedUs = clock.nowUs();
    // Server figures first: the clients' shutdown must not count as server work or as verdicts.
    const usageAfter = target.pid !== null ? await readProcessUsage(target.pid) : null;
    if (serverStoppedAtUs === null) await poller.poll();
    poller.pause();

    if (stopPlan >= 0) workers[stopPlan]!.thaw();
    for (const w of workers) w.send({ type: 'finish', serverStoppedAtUs });
    const settled = await Promise.allSettled(workers.map((w) => w.next('result', RESULT_TIMEOUT_MS)));
    const fleets: FleetResult[] = [];
    let stopFleet: FleetResult | null = null;
    for (const [i, s] of settled.entries()) {
      // The SIGSTOPped process's figures are the victims' own: useful, but its loss does not void the run.
      if (s.status === 'fulfilled') {
        if (i === stopPlan) stopFleet = s.value.result;
        else fleets.push(s.value.result);
      } else if (i !== stopPlan) throw s.reason;
    }
    return {
      startedAtMs,
      startUs,
      endUs: completed ? endUs : stoppedUs,
      interrupted: !completed,
      processes: workers.length,
      fleets,
      stopFleet,
      victims: victimTimes,
      serverStoppedAtUs,
      verdicts: poller.offline,
      countsStart: poller.first,
      countsEnd: poller.last,
      pollFailures: poller.failures,
      serverUsage: usageDelta(usageIdle, usageBefore, usageAfter),
    };
  } finally {
    // Nothing may stay stopped or running: SIGCONT the server (its owner stops it), kill every client process.
    if (serverStoppedAtUs !== null && target?.pid != null) resume(target.pid);
    await poller?.close();
    await killAll(workers);
  }
}

async function inject(
  mode: OfflineMode,
  workers: WorkerHandle[],
  plans: FleetPlan[],
  stopPlan: number,
  victimTimes: Map<string, number>,
  nowUs: () => number,
): Promise<void> {
  if (mode === 'stop') {
    const atUs = nowUs();
    workers[stopPlan]!.freeze();
    for (const c of plans[stopPlan]!.clients) victimTimes.set(c.id, atUs);
    return;
  }
  const holders = workers.map((w, i) => ({ w, plan: plans[i] as FleetPlan })).filter((h) => h.plan.victims.length > 0);
  for (const h of holders) h.w.send({ type: 'inject', failure: mode });
  const replies = await Promise.all(holders.map((h) => h.w.next('injected', READY_TIMEOUT_MS)));
  replies.forEach((reply, i) => {
    for (const id of holders[i]!.plan.victims) victimTimes.set(id, reply.atUs);
  });
}

function resume(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // Already gone: nothing left to resume.
  }
}

/** Wait until monotonic `targetUs`; false if aborted first. */
async function sleepUntil(targetUs: number, signal: AbortSignal): Promise<boolean> {
  const waitMs = Math.ceil((targetUs - monotonicClock.nowUs()) / 1000);
  if (signal.aborted) return false;
  if (waitMs <= 0) return true;
  try {
    await delay(waitMs, undefined, { signal });
    return true;
  } catch {
    return false; // aborted: the run ends early and is reported as interrupted
  }
}

/** CPU over the run (setup excluded); RSS growth from before any client connected. */
function usageDelta(idle: ProcessUsage | null, before: ProcessUsage | null, after: ProcessUsage | null): HeartbeatOutcome['serverUsage'] {
  if (before === null || after === null) return null;
  const cpuSec = after.userSec + after.systemSec - (before.userSec + before.systemSec);
  return { cpuSec: Math.round(cpuSec * 1000) / 1000, maxRssBytes: after.maxRssBytes, baselineRssBytes: idle?.maxRssBytes ?? null };
}

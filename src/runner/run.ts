// One `bench run`: resolve the target, snapshot kernel and server counters, run the engine, snapshot again, build the report.

import type { Engine, LoadConfig } from '../client/engine.js';
import type { EngineFactory } from '../client/engines/index.js';
import { readTcpSnmp, readTimeWait, snmpDelta, type TcpSnmp } from '../metrics/kernel.js';
import { machineInfo } from '../metrics/machine.js';
import { cpuDelta, readProcessUsage, selfUsage, type ProcessUsage } from '../metrics/process-usage.js';
import { buildRunReport } from '../report/build.js';
import { mergeRunReports } from '../report/merge.js';
import type { RunReport } from '../report/schema.js';
import type { RunConfig, ServerStats } from '../types.js';
import { resolveTarget, type ActiveTarget } from './target.js';
import { applyWireCounts, mergeWireCounts, startRunCapture } from '../wire/run-wire.js';

/** What the runner reports while it works; the CLI turns these into progress output. */
export type RunEvent =
  | { readonly type: 'target'; readonly url: string; readonly embedded: boolean; readonly serverMode: string | null }
  | { readonly type: 'phase'; readonly phase: 'warmup' | 'measure'; readonly run: number; readonly runs: number; readonly engine: Engine }
  | { readonly type: 'run-done'; readonly run: number; readonly runs: number; readonly report: RunReport };

export interface RunOptions {
  readonly createEngine: EngineFactory;
  /** Aborting stops the current load; the report is still built, with `interrupted: true`. */
  readonly signal: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
  /** `namespace` when the caller runs inside a private network namespace (kernel counts are then exact). */
  readonly kernelScope?: 'host' | 'namespace';
}

export function loadConfigFor(config: RunConfig, url: URL): LoadConfig {
  return {
    mode: config.mode,
    url,
    connections: config.connections,
    durationMs: config.durationMs,
    requests: config.requests,
    // The runner runs warm-up as its own load so counters can be snapshotted between the phases.
    warmupMs: 0,
    rate: config.rate,
    timeoutMs: config.timeoutMs,
    method: config.method,
    headers: config.headers,
    body: config.body,
    pipelining: config.pipelining,
  };
}

/**
 * `config.runs` sequential runs against one target (started once), merged into one report.
 * The target (embedded server child) is always released, also on errors and aborts.
 */
export async function runSeries(config: RunConfig, options: RunOptions): Promise<RunReport> {
  const target = await resolveTarget(config);
  try {
    options.onEvent?.({ type: 'target', url: target.url.href, embedded: target.server !== null, serverMode: target.serverMode });
    const reports: RunReport[] = [];
    for (let run = 1; run <= config.runs; run++) {
      if (run > 1 && options.signal.aborted) break;
      const report = await runOnce(config, target, options, run);
      reports.push(report);
      options.onEvent?.({ type: 'run-done', run, runs: config.runs, report });
    }
    return mergeWireCounts(mergeRunReports(reports), reports);
  } finally {
    await target.release();
  }
}

/** One warm-up + measured load against an already resolved target. */
export async function runOnce(config: RunConfig, target: ActiveTarget, options: RunOptions, run = 1): Promise<RunReport> {
  const { signal } = options;
  const load = loadConfigFor(config, target.url);
  const notes: string[] = [];
  if (config.warmupMs > 0 && !signal.aborted) {
    const warmup = options.createEngine();
    options.onEvent?.({ type: 'phase', phase: 'warmup', run, runs: config.runs, engine: warmup });
    await warmup.run({ ...load, durationMs: config.warmupMs, requests: null }, signal);
  }

  const before = await serverSnapshot(target, notes, 'before', true);
  // --capture: tcpdump runs around exactly the window the kernel counters cover (src/wire/run-wire.ts).
  const capture = config.capture ? await startRunCapture(config.capture, target.port, run) : null;
  const kernelBefore = await readTcpSnmp();
  const serverBefore = target.server ? await readProcessUsage(target.server.pid) : null;
  const selfBefore = selfUsage();

  const engine = options.createEngine();
  options.onEvent?.({ type: 'phase', phase: 'measure', run, runs: config.runs, engine });
  const result = await engine.run(load, signal).catch(async (error: unknown) => {
    await capture?.abort();
    throw error;
  });

  const selfAfter = selfUsage();
  const kernelAfter = await readTcpSnmp();
  const wire = capture ? await capture.finish() : null;
  const serverAfter = target.server ? await readProcessUsage(target.server.pid) : null;
  const after = before ? await serverSnapshot(target, notes, 'after', false) : null;
  const timeWait = await readTimeWait(target.port);
  if (target.probe && target.probe.serverClosedConnections > 0) {
    notes.push(
      `timeWait.serverSide includes ${target.probe.serverClosedConnections} connection(s) of h1bench's own /stats probes ` +
        '(the server closes each in close mode)',
    );
  }

  const report = buildRunReport({
    config,
    target: { url: target.url.href, embedded: target.server !== null, serverMode: target.serverMode, port: target.port },
    result,
    kernel: kernelView(kernelBefore, kernelAfter, options.kernelScope ?? 'host'),
    timeWait,
    serverDelta: before && after && target.probe ? target.probe.delta(before, after) : null,
    serverUsage: serverUsageDelta(serverBefore, serverAfter),
    clientCpu: cpuDelta(selfBefore, selfAfter),
    machine: machineInfo(),
    notes,
  });
  return wire ? applyWireCounts(report, wire) : report;
}

/** Snapshot /stats; a server that stopped answering (killed mid-run) costs the server view, not the report. */
async function serverSnapshot(target: ActiveTarget, notes: string[], when: string, calibrate: boolean): Promise<ServerStats | null> {
  if (!target.probe) return null;
  try {
    return calibrate ? await target.probe.calibrate() : await target.probe.quiescent();
  } catch (error) {
    notes.push(`server /stats unavailable ${when} the measured phase (${(error as Error).message}); server view omitted`);
    return null;
  }
}

function kernelView(
  before: TcpSnmp | null,
  after: TcpSnmp | null,
  scope: 'host' | 'namespace',
): { activeOpens: number; passiveOpens: number; scope: 'host' | 'namespace' } | null {
  if (!before || !after) return null;
  return { activeOpens: snmpDelta(before, after, 'ActiveOpens'), passiveOpens: snmpDelta(before, after, 'PassiveOpens'), scope };
}

function serverUsageDelta(before: ProcessUsage | null, after: ProcessUsage | null): { cpuSec: number; maxRssBytes: number | null } | null {
  if (!before || !after) return null;
  const cpu = cpuDelta(before, after);
  return { cpuSec: cpu.userSec + cpu.systemSec, maxRssBytes: after.maxRssBytes };
}

// One `bench run`: the target, a warm-up load, the views around the measured load, and one report built from them.

import { loadConfigFor, type EngineView } from '../client/engine.js';
import type { EngineFactory } from '../client/engines/index.js';
import { machineInfo } from '../metrics/machine.js';
import { buildRunReport } from '../report/build.js';
import { mergeRunReports } from '../report/merge.js';
import type { RunReport } from '../report/schema.js';
import type { RunConfig } from '../types.js';
import { observe } from './observe.js';
import type { LookupAll } from './resolve.js';
import type { PathRunView } from './path-view.js';
import { plannedMeasureStartMs, waitUntilWallClock } from './start-at.js';
import { describeTarget, loadTargetOf, openTarget, targetSpecFor, type ActiveTarget } from './target.js';

/** What the runner reports while it works; the CLI turns these into progress output. */
export type RunEvent =
  | {
      readonly type: 'target';
      readonly url: string;
      readonly embedded: boolean;
      readonly serverMode: string | null;
      /** The address the probe chose (what is loaded). */
      readonly address?: string;
    }
  | { readonly type: 'phase'; readonly phase: 'warmup' | 'measure'; readonly run: number; readonly runs: number; readonly engine: EngineView }
  | { readonly type: 'run-done'; readonly run: number; readonly runs: number; readonly report: RunReport };

export interface RunOptions {
  readonly createEngine: EngineFactory;
  /** Aborting stops the current load; the report is still built, with `interrupted: true`. */
  readonly signal: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
  /** `namespace` when the caller runs inside a private network namespace (kernel counts are then exact). */
  readonly kernelScope?: 'host' | 'namespace';
  /** `--netns` was asked for but could not be honoured: the reason, stated in the report. */
  readonly netnsUnavailable?: string | null;
  /** The resolver (tests inject one); default getaddrinfo. */
  readonly lookup?: LookupAll;
  /** The load crosses an emulated network path and this process runs in its client namespace (path-child-main.ts). */
  readonly path?: PathRunView;
}

/**
 * `config.runs` sequential runs against one target (started once), merged into one report.
 * The target (embedded server child) is always released, also on errors and aborts.
 */
export async function runSeries(config: RunConfig, options: RunOptions): Promise<RunReport> {
  // Resolved and probed before the warm-up: a target that is not there fails now, naming every address tried.
  const target = await openTarget(targetSpecFor(config), options.lookup === undefined ? {} : { lookup: options.lookup });
  try {
    options.onEvent?.({
      type: 'target',
      url: target.url.href,
      embedded: target.server !== null,
      serverMode: target.serverMode,
      address: target.located.chosen.address,
    });
    const reports: RunReport[] = [];
    for (let run = 1; run <= config.runs; run++) {
      if (run > 1 && options.signal.aborted) break;
      const report = await runOnce(config, target, options, run);
      reports.push(report);
      options.onEvent?.({ type: 'run-done', run, runs: config.runs, report });
    }
    return mergeRunReports(reports);
  } finally {
    await target.release();
  }
}

/**
 * One warm-up load (not counted: a load of its own, so every counter can be read between the phases) and one
 * measured load against an already opened target, observed from every view; the report is built once.
 */
export async function runOnce(config: RunConfig, target: ActiveTarget, options: RunOptions, run = 1): Promise<RunReport> {
  const { signal } = options;
  // --start-at (first run only): wait for the shared instant before the warm-up, and measure from a planned instant.
  const startAtMs = run === 1 ? (config.startAtMs ?? null) : null;
  if (startAtMs !== null) await waitUntilWallClock(startAtMs, signal);
  if (config.warmupMs > 0 && !signal.aborted) {
    const warmup = options.createEngine();
    options.onEvent?.({ type: 'phase', phase: 'warmup', run, runs: config.runs, engine: warmup });
    await warmup.run(loadConfigFor(config, loadTargetOf(target), 'warmup'), signal);
  }

  const observer = await observe(target, {
    kernelScope: options.kernelScope ?? 'host',
    capture: config.capture === null ? null : { file: config.capture, run },
    ...(options.path ? { captureIface: options.path.captureIface, serverNetDir: options.path.serverNetDir } : {}),
  });
  const failed = async (error: unknown): Promise<never> => {
    await observer.abort();
    throw error;
  };
  // Opened after the /stats calibration and closed before the last probe: the path's counters cover the load alone.
  const pathPhase = options.path ? await options.path.open().catch(failed) : null;
  const engine = options.createEngine();
  const measureAtMs = startAtMs === null ? null : plannedMeasureStartMs(startAtMs, config.warmupMs);
  if (measureAtMs !== null) await waitUntilWallClock(measureAtMs, signal);
  options.onEvent?.({ type: 'phase', phase: 'measure', run, runs: config.runs, engine });
  const result = await engine.run(loadConfigFor(config, loadTargetOf(target), 'measure'), signal).catch(failed);
  const path = pathPhase ? await pathPhase.close().catch(failed) : null;
  const seen = await observer.close();
  const skewMs = measureAtMs === null ? null : result.startedAtMs - measureAtMs;
  return buildRunReport({
    config,
    target: describeTarget(target),
    result,
    kernel: seen.kernel,
    timeWait: seen.timeWait,
    serverDelta: seen.serverDelta,
    serverUsage: seen.serverUsage,
    clientCpu: seen.clientCpu,
    machine: machineInfo(),
    wire: seen.wire,
    netnsUnavailable: options.netnsUnavailable ?? null,
    heartbeat: null,
    notes: [...seen.notes, ...lateStartNotes(skewMs)],
    startSkewMs: skewMs,
    path,
  });
}

/** A measured phase this much later than planned did not load together with the other shards: say so. */
const LATE_START_NOTE_MS = 100;

function lateStartNotes(skewMs: number | null): string[] {
  if (skewMs === null || skewMs < LATE_START_NOTE_MS) return [];
  return [
    `--start-at: the measured phase began ${skewMs} ms after its planned instant (startSkewMs), so this shard did not load ` +
      'together with the others for that long; start the shards earlier (a later --start-at) or keep the clocks in sync',
  ];
}

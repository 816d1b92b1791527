// `bench suite`: a matrix of run configs, each repeated N times, interleaved run by run, into one SuiteReport.
//
// Interleaving (round 1: every case once, round 2: every case again, …) spreads slow drift — thermal throttling,
// a noisy neighbour, a background job — over all cases alike instead of penalising whichever case ran last.
// Each round also starts one case later than the previous, so no case always runs first after a pause.

import type { EngineFactory } from '../client/engines/index.js';
import { machineInfo } from '../metrics/machine.js';
import { mergeRunReports } from '../report/merge.js';
import { SCHEMA_VERSION, type RunReport, type SuiteCase, type SuiteReport } from '../report/schema.js';
import { suiteModel } from '../report/suite-model.js';
import type { RunConfig } from '../types.js';
import { TOOL } from '../version.js';
import type { LookupAll } from './resolve.js';
import { PathSessions } from './path-run.js';
import { runOnce, type RunEvent } from './run.js';
import { openTarget, targetSpecFor, type ActiveTarget } from './target.js';

export interface SuiteCasePlan {
  /** Stable id used to match cases across reports, e.g. `1.1-c50`. */
  readonly id: string;
  readonly config: RunConfig;
}

export interface SuitePlan {
  /** Preset or file name, stored in the report. */
  readonly preset: string | null;
  readonly label: string | null;
  /** Runs per case. */
  readonly runs: number;
  readonly cases: readonly SuiteCasePlan[];
}

export type SuiteEvent =
  | { readonly type: 'case-start'; readonly caseId: string; readonly run: number; readonly runs: number; readonly step: number; readonly steps: number }
  | { readonly type: 'run'; readonly caseId: string; readonly event: RunEvent }
  | { readonly type: 'case-done'; readonly caseId: string; readonly run: number; readonly report: RunReport };

export interface SuiteOptions {
  readonly createEngine: EngineFactory;
  /** Aborting stops the current run; the cases measured so far are still reported, with `interrupted: true`. */
  readonly signal: AbortSignal;
  readonly onEvent?: (event: SuiteEvent) => void;
  /** Wall clock for the report's start time and duration (injectable in tests). */
  readonly now?: () => number;
  /** The resolver (tests inject one); default getaddrinfo. */
  readonly lookup?: LookupAll;
}

/** Cases that need the same server (same URL, or the same embedded server mode, plain or TLS) share one target. */
function targetKey(config: RunConfig): string {
  const spec = targetSpecFor(config);
  return spec.url ?? `embedded:${spec.serverMode}${spec.tls === true ? ':tls' : ''}`;
}

/** The order of case indexes in round `run` (1-based): a rotation by run - 1. */
export function roundOrder(cases: number, run: number): number[] {
  return Array.from({ length: cases }, (_, k) => (k + run - 1) % cases);
}

export async function runSuite(plan: SuitePlan, options: SuiteOptions): Promise<SuiteReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const targets = new Map<string, ActiveTarget>();
  const perCase: RunReport[][] = plan.cases.map(() => []);
  // Cases across an emulated path (--rtt): one path per RTT, its servers and generator child (runner/path-run.ts).
  const paths = new PathSessions();
  try {
    // Every target is opened (resolved and probed) before the first run: one that is not there fails the suite now.
    for (const item of plan.cases) {
      if (item.config.path) {
        await paths.prepare(item.config);
        continue;
      }
      const key = targetKey(item.config);
      if (!targets.has(key)) targets.set(key, await openTarget(targetSpecFor(item.config), options.lookup === undefined ? {} : { lookup: options.lookup }));
    }
    const steps = plan.runs * plan.cases.length;
    let step = 0;
    rounds: for (let run = 1; run <= plan.runs; run++) {
      for (const index of roundOrder(plan.cases.length, run)) {
        if (options.signal.aborted) break rounds;
        const item = plan.cases[index] as SuiteCasePlan;
        step++;
        options.onEvent?.({ type: 'case-start', caseId: item.id, run, runs: plan.runs, step, steps });
        const onEvent = (event: RunEvent): void => options.onEvent?.({ type: 'run', caseId: item.id, event });
        const report = item.config.path
          ? await paths.runOnce(item.config, { signal: options.signal, onEvent }, run)
          : await runOnce(item.config, targets.get(targetKey(item.config)) as ActiveTarget, { createEngine: options.createEngine, signal: options.signal, onEvent }, run);
        (perCase[index] as RunReport[]).push(report);
        options.onEvent?.({ type: 'case-done', caseId: item.id, run, report });
      }
    }
  } finally {
    for (const target of targets.values()) await target.release();
    await paths.close();
  }

  const cases: SuiteCase[] = [];
  plan.cases.forEach((item, index) => {
    const reports = perCase[index] as RunReport[];
    if (reports.length === 0) return;
    cases.push({ id: item.id, mode: item.config.mode, connections: item.config.connections, report: mergeRunReports(reports) });
  });
  const interrupted = options.signal.aborted || cases.some((item) => item.report.interrupted);
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'suite',
    tool: { name: TOOL.name, version: TOOL.version },
    label: plan.label,
    preset: plan.preset,
    startedAt: new Date(started).toISOString(),
    durationSec: Math.round(now() - started) / 1000,
    interrupted,
    machine: machineInfo(),
    cases,
    model: suiteModel(cases),
  };
}

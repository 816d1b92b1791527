// Compares a BASE and a CURRENT report (run vs run, or suite vs suite case by case) into typed, printable data.
//
// Each metric's sample is the report's `runs[]` (one value per repeated run), or the single run. We report the
// median with its 95% distribution-free CI per side, the change of the medians, and the Mann-Whitney U p-value:
// the change counts only when p < alpha (benchstat's rule); when the run counts can never reach p < alpha, we say so.

import { H1Error } from '../errors.js';
import { summarizeRun } from './build.js';
import type { AnyReport, RunReport, RunSummary, SuiteReport } from './schema.js';
import { canReachSignificance, mannWhitneyU, medianCI, minRunsForMedianCI, runsNeededForSignificance } from './stats.js';

export type MetricKey = 'rps' | 'bytes' | 'p50' | 'p90' | 'p99' | 'p999' | 'connect' | 'hs';

export interface MetricSpec {
  readonly key: MetricKey;
  readonly label: string;
  readonly unit: string;
  /** `higher`: throughput-like (bigger is better); `lower`: latency-like (smaller is better). */
  readonly better: 'higher' | 'lower';
  readonly pick: (run: RunSummary) => number;
}

/** The compared metrics, in display order. */
export const METRICS: readonly MetricSpec[] = Object.freeze([
  { key: 'rps', label: 'req/s', unit: 'req/s', better: 'higher', pick: (run) => run.throughput.requestsPerSec },
  { key: 'bytes', label: 'bytes/s', unit: 'B/s', better: 'higher', pick: (run) => run.throughput.bytesPerSec },
  { key: 'p50', label: 'latency p50', unit: 'ms', better: 'lower', pick: (run) => run.latencyMs.p50 },
  { key: 'p90', label: 'latency p90', unit: 'ms', better: 'lower', pick: (run) => run.latencyMs.p90 },
  { key: 'p99', label: 'latency p99', unit: 'ms', better: 'lower', pick: (run) => run.latencyMs.p99 },
  { key: 'p999', label: 'latency p99.9', unit: 'ms', better: 'lower', pick: (run) => run.latencyMs.p999 },
  { key: 'connect', label: 'connect p50', unit: 'ms', better: 'lower', pick: (run) => run.connectMs.p50 },
  { key: 'hs', label: 'handshakes/req', unit: 'handshakes/req', better: 'lower', pick: (run) => run.handshakesPerRequest },
] satisfies MetricSpec[]);

export interface SideSummary {
  /** Number of runs in this side's sample. */
  n: number;
  median: number;
  /** 95% CI of the median; null when there are too few runs for a finite interval (see `Comparison.minRunsForCI`). */
  lo: number | null;
  hi: number | null;
  values: number[];
}

export interface MetricComparison {
  key: MetricKey;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  base: SideSummary;
  current: SideSummary;
  /** (current median / base median - 1) × 100; null when the base median is 0. */
  deltaPct: number | null;
  /** Two-sided Mann-Whitney U p-value. */
  p: number;
  significant: boolean;
  /** These run counts can never reach p < alpha, however different the runs are. */
  tooFewRuns: boolean;
  /** `same` when the change is not significant (printed as `~`). */
  verdict: 'better' | 'worse' | 'same';
}

export interface CaseComparison {
  /** Suite case id (`1.1-c50`), or for two runs `mode-cN` (`1.0-c10 → 1.1-c10` when they differ). */
  id: string;
  metrics: MetricComparison[];
}

export interface ReportRef {
  kind: 'run' | 'suite';
  label: string | null;
  startedAt: string;
  host: string;
}

export interface Comparison {
  kind: 'run' | 'suite';
  alpha: number;
  confidence: number;
  base: ReportRef;
  current: ReportRef;
  cases: CaseComparison[];
  /** Suite case ids present on one side only (not compared). */
  onlyInBase: string[];
  onlyInCurrent: string[];
  /** Runs per side needed before any change can be significant at alpha (4 at 0.05). */
  minRunsForSignificance: number;
  /** Runs per side needed for a finite CI of the median at `confidence` (6 at 95%). */
  minRunsForCI: number;
  /** Things the reader must know: different machines, different configs. */
  warnings: string[];
}

export interface CompareOptions {
  /** Significance level of the U test; default 0.05. */
  alpha?: number;
  /** Confidence level of the median CIs; default 0.95. */
  confidence?: number;
}

/** The per-run samples of a run report: `runs[]` when present, else the single run. */
export function runSamples(report: RunReport): RunSummary[] {
  return report.runs && report.runs.length > 0 ? report.runs : [summarizeRun(report)];
}

/**
 * `1.1-c50`: the id suite cases are matched by (and the name of a single run's case). A case measured across an
 * emulated network path carries its RTT: `1.0-c10-rtt10ms`, so it never matches a loopback case. HTTPS cases say so
 * (`-tls`), and say when every handshake was full (`-tls-noresume`); plain cases keep their ids, so old baselines match.
 */
export function caseId(config: {
  readonly mode: string;
  readonly connections: number;
  readonly path?: { readonly rttMs: number } | null;
  readonly tls?: { readonly resume: boolean } | null;
}): string {
  const base = `${config.mode}-c${config.connections}`;
  const tls = config.tls == null ? '' : config.tls.resume ? '-tls' : '-tls-noresume';
  return `${config.path ? `${base}-rtt${config.path.rttMs}ms` : base}${tls}`;
}

function side(values: number[], confidence: number): SideSummary {
  const ci = medianCI(values, confidence);
  return { n: values.length, median: ci.median, lo: ci.lo, hi: ci.hi, values };
}

/** Compare one metric across two samples of runs. */
export function compareMetric(spec: MetricSpec, base: readonly RunSummary[], current: readonly RunSummary[], alpha: number, confidence: number): MetricComparison {
  // A figure a run could not produce (NaN/undefined in a hand-edited or foreign report) is left out, not ranked.
  const baseValues = base.map(spec.pick).filter(Number.isFinite);
  const currentValues = current.map(spec.pick).filter(Number.isFinite);
  const b = side(baseValues, confidence);
  const c = side(currentValues, confidence);
  const test = mannWhitneyU(baseValues, currentValues);
  const empty = baseValues.length === 0 || currentValues.length === 0;
  const deltaPct = empty ? null : b.median === 0 ? (c.median === 0 ? 0 : null) : (c.median / b.median - 1) * 100;
  const significant = test.p < alpha;
  let verdict: MetricComparison['verdict'] = 'same';
  if (significant && c.median !== b.median) {
    const up = c.median > b.median;
    verdict = up === (spec.better === 'higher') ? 'better' : 'worse';
  }
  return {
    key: spec.key,
    label: spec.label,
    unit: spec.unit,
    better: spec.better,
    base: b,
    current: c,
    deltaPct,
    p: test.p,
    significant,
    tooFewRuns: !canReachSignificance(baseValues.length, currentValues.length, alpha),
    verdict,
  };
}

function compareRuns(base: RunReport, current: RunReport, alpha: number, confidence: number): CaseComparison {
  const baseRuns = runSamples(base);
  const currentRuns = runSamples(current);
  const baseId = caseId(base.config);
  const currentId = caseId(current.config);
  return {
    id: baseId === currentId ? baseId : `${baseId} → ${currentId}`,
    metrics: METRICS.map((spec) => compareMetric(spec, baseRuns, currentRuns, alpha, confidence)),
  };
}

function ref(report: AnyReport): ReportRef {
  return { kind: report.kind, label: report.label, startedAt: report.startedAt, host: report.machine?.hostname ?? 'unknown' };
}

/** Differences between two run configs that change what is measured (mode differences are the point; listed anyway). */
function configDifferences(base: RunReport, current: RunReport): string[] {
  // `path`: an emulated network path (--rtt) against loopback or another path changes everything measured.
  const keys = ['mode', 'engine', 'connections', 'durationMs', 'pipelining', 'rate', 'method', 'url', 'path'] as const;
  const out: string[] = [];
  for (const key of keys) {
    const a = base.config[key] ?? null;
    const b = current.config[key] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${key} ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  }
  return out;
}

function machineWarning(base: AnyReport, current: AnyReport): string[] {
  const a = base.machine;
  const b = current.machine;
  if (!a || !b) return [];
  if (a.hostname !== b.hostname || a.cpuModel !== b.cpuModel || a.cores !== b.cores) {
    return [`different machines (${a.hostname}, ${a.cores}× ${a.cpuModel} vs ${b.hostname}, ${b.cores}× ${b.cpuModel}): changes may be the hardware`];
  }
  return [];
}

function interruptedWarning(base: AnyReport, current: AnyReport): string[] {
  const out: string[] = [];
  if (base.interrupted) out.push('the BASE report was interrupted (Ctrl-C): its figures cover a partial run');
  if (current.interrupted) out.push('the CURRENT report was interrupted (Ctrl-C): its figures cover a partial run');
  return out;
}

/**
 * Compare two validated reports. Throws H1B_REPORT_MISMATCH for a run vs a suite, or two suites without a
 * common case id.
 */
export function compareReports(base: AnyReport, current: AnyReport, options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05;
  const confidence = options.confidence ?? 0.95;
  if (!(alpha > 0 && alpha < 1)) throw new H1Error('H1B_INVALID_OPTION', `--alpha must be between 0 and 1 exclusive (got ${alpha})`);
  if (base.kind !== current.kind) {
    throw new H1Error(
      'H1B_REPORT_MISMATCH',
      `cannot compare a ${base.kind} report with a ${current.kind} report; compare two run reports or two suite reports`,
    );
  }
  const warnings = [...machineWarning(base, current), ...interruptedWarning(base, current)];
  const common = {
    kind: base.kind,
    alpha,
    confidence,
    base: ref(base),
    current: ref(current),
    minRunsForSignificance: runsNeededForSignificance(alpha),
    minRunsForCI: minRunsForMedianCI(confidence),
  };
  if (base.kind === 'run') {
    const currentRun = current as RunReport;
    const differences = configDifferences(base, currentRun);
    if (differences.length > 0) warnings.push(`configs differ: ${differences.join(', ')}`);
    return { ...common, cases: [compareRuns(base, currentRun, alpha, confidence)], onlyInBase: [], onlyInCurrent: [], warnings };
  }
  const suites = compareSuites(base, current as SuiteReport, alpha, confidence);
  return { ...common, ...suites.result, warnings: [...warnings, ...suites.warnings] };
}

function compareSuites(
  base: SuiteReport,
  current: SuiteReport,
  alpha: number,
  confidence: number,
): { result: Pick<Comparison, 'cases' | 'onlyInBase' | 'onlyInCurrent'>; warnings: string[] } {
  const warnings: string[] = [];
  const currentById = new Map(current.cases.map((item) => [item.id, item]));
  const baseIds = new Set(base.cases.map((item) => item.id));
  const cases: CaseComparison[] = [];
  for (const item of base.cases) {
    const other = currentById.get(item.id);
    if (!other) continue;
    const metrics = METRICS.map((spec) => compareMetric(spec, runSamples(item.report), runSamples(other.report), alpha, confidence));
    const differences = configDifferences(item.report, other.report);
    if (differences.length > 0) warnings.push(`${item.id}: configs differ: ${differences.join(', ')}`);
    cases.push({ id: item.id, metrics });
  }
  const onlyInBase = base.cases.filter((item) => !currentById.has(item.id)).map((item) => item.id);
  const onlyInCurrent = current.cases.filter((item) => !baseIds.has(item.id)).map((item) => item.id);
  if (cases.length === 0) {
    throw new H1Error(
      'H1B_REPORT_MISMATCH',
      `the suites have no case in common (BASE: ${[...baseIds].join(', ') || 'none'}; CURRENT: ${[...currentById.keys()].join(', ') || 'none'})`,
    );
  }
  return { result: { cases, onlyInBase, onlyInCurrent }, warnings };
}

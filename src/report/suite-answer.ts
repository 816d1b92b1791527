// The answer a suite exists for, in numbers (pure): what one request costs in HTTP/1.0 over 1.1 keep-alive, and what
// pipelining adds, each figure with its 95% interval from the repeated runs.
//
// Every figure comes from the cases' `runs[]` (one value per run), the same samples as the table above it. Each side
// is summarised by its median with the distribution-free CI (stats.medianCI), and the difference by the
// Hodges–Lehmann shift with its Mann–Whitney interval (stats.shiftCI): both need no normality, which benchmark runs
// rarely have, and a difference whose interval excludes 0 is one the runs can tell from noise.

import { runSamples } from './compare.js';
import { caseHeadline } from './suite-model.js';
import type { RunReport, RunSummary, SuiteCase, SuiteReport } from './schema.js';
import { medianCI, shiftCI, type MedianCI, type ShiftCI } from './stats.js';

export type AnswerUnit = 'ms' | 'µs' | 'handshakes/req' | 'req/s';

/** One figure of the answer: both sides and the difference `subject − reference`. */
export interface AnswerFigure {
  readonly label: string;
  readonly unit: AnswerUnit;
  readonly subject: MedianCI;
  readonly reference: MedianCI;
  readonly difference: ShiftCI;
}

/** TIME_WAIT left behind by each side of a comparison (a snapshot at the end of the case's last run). */
export interface TimeWaitLeft {
  readonly subject: { readonly serverSide: number; readonly clientSide: number };
  readonly reference: { readonly serverSide: number; readonly clientSide: number };
}

/** `subject` (HTTP/1.0 or pipelining) against `reference` (1.1 keep-alive) at one connection count. */
export interface AnswerBlock {
  readonly kind: '1.0-vs-1.1' | 'pipeline-vs-1.1';
  readonly connections: number;
  /** The RTT of the emulated path both sides crossed (`bench suite --rtt`); null on loopback. */
  readonly rttMs: number | null;
  /** Pipelining depth of the subject; 1 otherwise. */
  readonly depth: number;
  readonly subjectId: string;
  readonly referenceId: string;
  readonly figures: readonly AnswerFigure[];
  /** Requests/s of the subject ÷ the reference (medians), for the headline. */
  readonly throughputRatio: number | null;
  readonly timeWait: TimeWaitLeft;
}

type Pick = (run: RunSummary) => number | null;

const completed = (run: RunSummary): boolean => run.requests.completed > 0;

const PICKS: ReadonlyArray<{ label: string; unit: AnswerUnit; pick: Pick; in: AnswerBlock['kind'][] }> = [
  { label: 'latency p50', unit: 'ms', pick: (run) => (completed(run) ? run.latencyMs.p50 : null), in: ['1.0-vs-1.1', 'pipeline-vs-1.1'] },
  { label: 'latency p99', unit: 'ms', pick: (run) => (completed(run) ? run.latencyMs.p99 : null), in: ['1.0-vs-1.1', 'pipeline-vs-1.1'] },
  {
    label: 'client CPU',
    unit: 'µs',
    pick: (run) => (completed(run) ? ((run.cpu.userSec + run.cpu.systemSec) / run.requests.completed) * 1e6 : null),
    in: ['1.0-vs-1.1', 'pipeline-vs-1.1'],
  },
  {
    label: 'server CPU',
    unit: 'µs',
    pick: (run) => (completed(run) && typeof run.serverCpuSec === 'number' ? (run.serverCpuSec / run.requests.completed) * 1e6 : null),
    in: ['1.0-vs-1.1', 'pipeline-vs-1.1'],
  },
  { label: 'handshakes', unit: 'handshakes/req', pick: (run) => (completed(run) ? run.handshakesPerRequest : null), in: ['1.0-vs-1.1'] },
];

function values(report: RunReport, pick: Pick): number[] {
  return runSamples(report)
    .map(pick)
    .filter((value): value is number => value !== null && Number.isFinite(value));
}

function block(kind: AnswerBlock['kind'], subject: SuiteCase, reference: SuiteCase, confidence: number): AnswerBlock {
  const figures: AnswerFigure[] = [];
  for (const spec of PICKS) {
    if (!spec.in.includes(kind)) continue;
    const a = values(subject.report, spec.pick);
    const b = values(reference.report, spec.pick);
    // A view one side lacks (server CPU against an external server) is left out rather than shown as 0.
    if (a.length === 0 || b.length === 0) continue;
    figures.push({ label: spec.label, unit: spec.unit, subject: medianCI(a, confidence), reference: medianCI(b, confidence), difference: shiftCI(b, a, confidence) });
  }
  const subjectRps = caseHeadline(subject).requestsPerSec;
  const referenceRps = caseHeadline(reference).requestsPerSec;
  return {
    kind,
    connections: subject.connections,
    rttMs: rttOf(subject),
    depth: subject.report.config.pipelining,
    subjectId: subject.id,
    referenceId: reference.id,
    figures,
    throughputRatio: referenceRps > 0 ? subjectRps / referenceRps : null,
    timeWait: {
      subject: { serverSide: subject.report.timeWait.serverSide, clientSide: subject.report.timeWait.clientSide },
      reference: { serverSide: reference.report.timeWait.serverSide, clientSide: reference.report.timeWait.clientSide },
    },
  };
}

/** The RTT of the path a case crossed, null on loopback: cases are compared only at the same one. */
const rttOf = (item: SuiteCase): number | null => item.report.config.path?.rttMs ?? null;

/**
 * For every connection count (and path RTT) the suite ran 1.1 at: HTTP/1.0 against it, then pipelining against it, where those
 * cases exist and completed requests. Empty when the suite has no 1.1 case to compare with.
 */
export function suiteAnswer(report: SuiteReport, confidence = 0.95): AnswerBlock[] {
  const out: AnswerBlock[] = [];
  const usable = (item: SuiteCase | undefined): item is SuiteCase => item !== undefined && item.report.requests.completed > 0;
  for (const reference of report.cases.filter((item) => item.mode === '1.1')) {
    if (!usable(reference)) continue;
    const at = (mode: string): SuiteCase | undefined =>
      report.cases.find((item) => item.mode === mode && item.connections === reference.connections && rttOf(item) === rttOf(reference));
    const http10 = at('1.0');
    const pipeline = at('pipeline');
    if (usable(http10)) out.push(block('1.0-vs-1.1', http10, reference, confidence));
    if (usable(pipeline)) out.push(block('pipeline-vs-1.1', pipeline, reference, confidence));
  }
  return out;
}

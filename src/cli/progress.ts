// Progress on stderr while a command measures: a small live panel redrawn in place on a terminal (log-update), plain
// lines (one per second at most) on a pipe, so scripts and tests can follow the phases.

import { createLogUpdate } from 'log-update';
import type { EngineView, LoadProgress } from '../client/engine.js';
import { readTimeWait } from '../metrics/kernel.js';
import type { TimeWaitCount } from '../measurements.js';
import { count, DASH, formatMs, rateNumber } from '../report/formats/units.js';
import type { RunEvent } from '../runner/run.js';

const TICK_MS = 200;
const PIPE_TICK_MS = 1_000;
/** TIME_WAIT means reading /proc/net/tcp{,6}: at most once a second, on the panel's timer. */
const TIME_WAIT_EVERY_MS = 1_000;
const BAR_WIDTH = 24;

/** Where a suite stands: which case of how many, and when it will end. */
export interface SuiteStep {
  readonly step: number;
  readonly steps: number;
  readonly caseId: string;
  /** Wall time the suite started (ms, the panel's clock). */
  readonly startedMs: number;
  /** What one step costs before any has finished: warm-up + duration (ms). */
  readonly stepEstimateMs: number;
}

/** Everything one frame shows; built from the engine's progress, the TIME_WAIT reading and the suite position. */
export interface PanelView {
  readonly label: string;
  readonly progress: LoadProgress;
  readonly timeWait: TimeWaitCount | null;
  readonly suite: SuiteStep | null;
  readonly nowMs: number;
}

function bar(fraction: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

function fractionOf(p: LoadProgress): number {
  if (p.targetRequests !== null && p.targetRequests > 0) return p.completed / p.targetRequests;
  if (p.totalMs !== null && p.totalMs > 0) return p.elapsedMs / p.totalMs;
  return 0;
}

/** `1 m 12 s`, `45 s`. */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)} m ${String(seconds % 60).padStart(2, '0')} s` : `${seconds} s`;
}

/** Suite ETA: the time per step so far (or the estimate before the first ends) × the steps left. */
export function suiteEtaMs(suite: SuiteStep, stepFraction: number, nowMs: number): number {
  const done = suite.step - 1 + Math.max(0, Math.min(1, stepFraction));
  const elapsed = nowMs - suite.startedMs;
  const perStep = suite.step > 1 && done > 0 ? elapsed / done : suite.stepEstimateMs;
  return Math.max(0, (suite.steps - done) * perStep);
}

/**
 * The last whole second's figures, or zeros when seconds went by without any event (a stall: the recorder rolls its
 * seconds only when something happens, so a stale second means nothing happened since).
 */
function lastSecond(p: LoadProgress): { requests: number; p50Ms: number | null; p99Ms: number | null; opened: number; errors: number } | null {
  const point = p.live?.lastSecond ?? null;
  if (point === null) return null;
  const currentSecond = Math.floor(p.elapsedMs / 1000);
  if (p.phase === 'measure' && currentSecond > point.second + 1) return { requests: 0, p50Ms: null, p99Ms: null, opened: 0, errors: 0 };
  return { requests: point.requests, p50Ms: point.requests > 0 ? point.p50Ms : null, p99Ms: point.requests > 0 ? point.p99Ms : null, opened: point.connectionsOpened, errors: point.errors };
}

/** The panel's lines (pure; the terminal redraws them in place). */
export function renderPanel(view: PanelView): string[] {
  const p = view.progress;
  const fraction = fractionOf(p);
  const total = p.totalMs !== null && p.targetRequests === null ? ` / ${(p.totalMs / 1000).toFixed(1)} s` : p.targetRequests !== null ? ` (${count(p.completed)} / ${count(p.targetRequests)} requests)` : '';
  let head = `${view.label} ${bar(fraction)} ${(p.elapsedMs / 1000).toFixed(1)} s${total}`;
  if (view.suite !== null) {
    const eta = suiteEtaMs(view.suite, fraction, view.nowMs);
    head += ` · case ${view.suite.step}/${view.suite.steps} · suite ends in ~${durationText(eta)}`;
  }
  const second = lastSecond(p);
  const lines = [head];
  lines.push(
    second === null
      ? `  last second  ${DASH} (the first second is still running)`
      : `  last second  ${rateNumber(second.requests)} req/s · p50 ${second.p50Ms === null ? DASH : formatMs(second.p50Ms)} · ` +
          `p99 ${second.p99Ms === null ? DASH : formatMs(second.p99Ms)} · ${count(second.opened)} handshakes/s · ${count(second.errors)} errors/s`,
  );
  const open = p.live?.openConnections;
  const tw = view.timeWait === null ? DASH : `server side ${count(view.timeWait.serverSide)} · client side ${count(view.timeWait.clientSide)}`;
  lines.push(`  so far       ${count(p.completed)} completed · ${open === null || open === undefined ? DASH : count(open)} connections open · TIME_WAIT ${tw}`);
  const errors = Object.entries(p.live?.errorsByKind ?? {}).sort((a, b) => b[1] - a[1]);
  lines.push(`  errors       ${errors.length === 0 ? (p.errors > 0 ? count(p.errors) : 'none') : errors.map(([code, n]) => `${code} ${count(n)}`).join(' · ')}`);
  return lines;
}

/** The one-line form for a pipe: phase, elapsed, counts (scripts look for `<label>` and ` N req `). */
export function renderPlainLine(label: string, p: LoadProgress): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.completed * 1000) / p.elapsedMs) : 0;
  return `${label} ${bar(fractionOf(p))} ${(p.elapsedMs / 1000).toFixed(1)}s ${p.completed} req ${rate} req/s ${p.errors} errors`;
}

export interface ProgressOptions {
  /** Wall clock in ms (injectable in tests). */
  readonly now?: () => number;
  /** TIME_WAIT reader (injectable in tests); default /proc/net/tcp{,6}. */
  readonly readTimeWait?: (port: number) => Promise<TimeWaitCount | null>;
}

/** Polls the active engine's progress() on a timer; never touches the engine's hot path. */
export class ProgressLine {
  private engine: EngineView | null = null;
  private label = '';
  private port: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timeWait: TimeWaitCount | null = null;
  private timeWaitAtMs = Number.NEGATIVE_INFINITY;
  private suite: SuiteStep | null = null;
  private readonly tty: boolean;
  private readonly update: ReturnType<typeof createLogUpdate> | null;
  private readonly now: () => number;
  private readonly readTimeWait: (port: number) => Promise<TimeWaitCount | null>;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    options: ProgressOptions = {},
  ) {
    this.tty = stream.isTTY === true;
    // showCursor: hiding it would install exit and signal hooks to restore it; our own signal handling stays alone.
    this.update = this.tty ? createLogUpdate(stream, { showCursor: true }) : null;
    this.now = options.now ?? Date.now;
    this.readTimeWait = options.readTimeWait ?? readTimeWait;
  }

  onEvent(event: RunEvent, mode: string): void {
    if (event.type === 'phase') {
      this.engine = event.engine;
      this.label = `${mode} ${event.phase === 'warmup' ? 'warming up' : 'measuring'}${event.runs > 1 ? ` run ${event.run}/${event.runs}` : ''}`;
      // On a pipe each phase change is one line, so scripts (and tests) can wait for "measuring".
      if (!this.tty) this.stream.write(`${this.plainLabel()}\n`);
      this.start();
    } else if (event.type === 'target') {
      this.port = Number(new URL(event.url).port || 80);
      if (!this.tty) this.stream.write(`target ${event.url}${event.embedded ? ` (embedded, ${event.serverMode})` : ''}\n`);
    }
  }

  /** A suite moved to its next case; the panel then shows "case i/N" and the suite's ETA. */
  onSuiteStep(step: Omit<SuiteStep, 'startedMs'> & { readonly startedMs?: number }): void {
    this.suite = { ...step, startedMs: this.suite?.startedMs ?? step.startedMs ?? this.now() };
  }

  /** Erase the panel (before other text goes to the same stream); the next tick draws it again below. */
  clear(): void {
    this.update?.clear();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.update?.clear();
    this.update?.done();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.draw(), this.tty ? TICK_MS : PIPE_TICK_MS);
    // Progress must never keep the process alive on its own.
    this.timer.unref();
  }

  /** Draw one frame now (the timer calls this; exposed for tests). */
  draw(): void {
    if (!this.engine) return;
    const progress = this.engine.progress();
    if (this.update === null) {
      this.stream.write(`${renderPlainLine(this.plainLabel(), progress)}\n`);
      return;
    }
    this.refreshTimeWait();
    this.update(renderPanel({ label: this.label, progress, timeWait: this.timeWait, suite: this.suite, nowMs: this.now() }).join('\n'));
  }

  /** On a pipe a suite's lines start with `[step/steps]`, the panel's head says it on a terminal. */
  private plainLabel(): string {
    return this.suite === null ? this.label : `[${this.suite.step}/${this.suite.steps}] ${this.label}`;
  }

  private refreshTimeWait(): void {
    const now = this.now();
    if (this.port === null || now - this.timeWaitAtMs < TIME_WAIT_EVERY_MS) return;
    this.timeWaitAtMs = now;
    const port = this.port;
    this.readTimeWait(port).then(
      (count) => {
        if (port === this.port) this.timeWait = count;
      },
      // procfs unreadable: the panel shows a dash, the run goes on.
      () => {
        this.timeWait = null;
      },
    );
  }
}

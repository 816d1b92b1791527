// The one place that turns SIGINT and SIGTERM into "stop measuring, keep what was measured" for every command.

import { constants } from 'node:os';

export type StopSignal = 'SIGINT' | 'SIGTERM';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * A repeated signal within this many ms of the first is the same request. GNU `timeout` and CI runners signal the
 * child and then its process group, so one stop arrives twice within microseconds; a person pressing Ctrl-C again
 * a second or more later means "quit now".
 */
export const SAME_REQUEST_WINDOW_MS = 1_000;

/** What the command does on a stop request; the CLI prints, the runner never does. */
export interface InterruptHandlers {
  /** The first signal: measuring stops (the AbortSignal aborts) and the report is still written. */
  onStop(signal: StopSignal): void;
  /** A signal after the window: the caller quits at once, without a report. It must not return normally. */
  onForce(signal: StopSignal): void;
}

/**
 * While installed, SIGINT and SIGTERM abort `signal` instead of killing the process: the command stops, writes its
 * report marked `interrupted` and exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM, the shell's
 * convention). Use one per command: install() before the first request, dispose() when the command is done.
 */
export class Interruption {
  private readonly controller = new AbortController();
  private first: StopSignal | null = null;
  private firstAtMs = 0;
  private readonly listener = (signal: StopSignal): void => this.receive(signal);

  constructor(
    private readonly handlers: InterruptHandlers,
    private readonly now: () => number = Date.now,
  ) {}

  /** Aborts on the first stop signal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The signal that stopped the command, or null. */
  get received(): StopSignal | null {
    return this.first;
  }

  /** 128 + signal number for the signal that stopped the command; null when none did. */
  get exitCode(): number | null {
    return this.first === null ? null : exitCodeFor(this.first);
  }

  install(): this {
    for (const signal of STOP_SIGNALS) process.on(signal, this.listener);
    return this;
  }

  dispose(): void {
    for (const signal of STOP_SIGNALS) process.off(signal, this.listener);
  }

  /** Handle one delivery of `signal` (what the process listener calls; tests call it directly). */
  receive(signal: StopSignal): void {
    if (this.first === null) {
      this.first = signal;
      this.firstAtMs = this.now();
      this.handlers.onStop(signal);
      this.controller.abort(new Error(`stopped by ${signal}`));
      return;
    }
    if (this.now() - this.firstAtMs < SAME_REQUEST_WINDOW_MS) return;
    this.handlers.onForce(signal);
  }
}

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. */
export function exitCodeFor(signal: StopSignal): number {
  return 128 + (constants.signals[signal] ?? 0);
}

// Progress on stderr while a run works: a redrawn line on a terminal, plain lines when forced onto a pipe.

import type { EngineView } from '../client/engine.js';
import type { RunEvent } from '../runner/run.js';

const TICK_MS = 200;
const PIPE_TICK_MS = 1_000;
const BAR_WIDTH = 24;

/** Polls the active engine's progress() on a timer; never touches the engine's hot path. */
export class ProgressLine {
  private engine: EngineView | null = null;
  private label = '';
  private timer: NodeJS.Timeout | null = null;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.tty = stream.isTTY === true;
  }

  onEvent(event: RunEvent, mode: string): void {
    if (event.type === 'phase') {
      this.engine = event.engine;
      this.label = `${mode} ${event.phase === 'warmup' ? 'warming up' : 'measuring'}${event.runs > 1 ? ` run ${event.run}/${event.runs}` : ''}`;
      // On a pipe each phase change is one line, so scripts (and tests) can wait for "measuring".
      if (!this.tty) this.stream.write(`${this.label}\n`);
      this.start();
    } else if (event.type === 'target' && !this.tty) {
      this.stream.write(`target ${event.url}${event.embedded ? ` (embedded, ${event.serverMode})` : ''}\n`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.tty) this.stream.write('\r\x1b[2K');
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.draw(), this.tty ? TICK_MS : PIPE_TICK_MS);
    // Progress must never keep the process alive on its own.
    this.timer.unref();
  }

  private draw(): void {
    if (!this.engine) return;
    const p = this.engine.progress();
    const fraction =
      p.targetRequests !== null && p.targetRequests > 0
        ? p.completed / p.targetRequests
        : p.totalMs !== null && p.totalMs > 0
          ? p.elapsedMs / p.totalMs
          : 0;
    const clamped = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(clamped * BAR_WIDTH);
    const rate = p.elapsedMs > 0 ? Math.round((p.completed * 1000) / p.elapsedMs) : 0;
    const text =
      `${this.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(p.elapsedMs / 1000).toFixed(1)}s ` +
      `${p.completed} req ${rate} req/s ${p.errors} errors`;
    this.stream.write(this.tty ? `\r\x1b[2K${text}` : `${text}\n`);
  }
}

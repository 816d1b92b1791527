// `--workers N`: one load spread over N worker threads, each a NativeEngine on its share, merged into one LoadResult.

import { Worker } from 'node:worker_threads';
import { monotonicClock, type Clock } from '../clock.js';
import { FirstResponseSignal, IDLE_PROGRESS, type Engine, type LoadConfig, type LoadProgress } from '../client/engine.js';
import type { EngineFactory } from '../client/engines/index.js';
import { ERROR_CODES, H1Error, type ErrorCode } from '../errors.js';
import type { LoadResult, WorkerShare } from '../measurements.js';
import { mergeLoadResults } from './merge-load.js';
import { splitLoad, type LoadPart } from './split.js';
import { countFailures } from '../report/build.js';
import { fromPortable, PHASE_CODES, PROGRESS_FIELDS, type FromWorker, type PortableLoadConfig, type ToWorker, type WorkerData } from './worker-protocol.js';

const WORKER_MAIN = new URL('./worker-main.js', import.meta.url);
const PHASES: readonly LoadProgress['phase'][] = ['idle', 'measure', 'drain'];

/** What one thread handed back, or why it could not run. */
type Outcome = { readonly result: LoadResult; readonly share: WorkerShare } | { readonly failure: Error };

/** A factory for `bench run --workers N` (N ≥ 2): every load, warm-up included, runs on N fresh threads. */
export function workersEngineFactory(workers: number): EngineFactory {
  return () => new WorkersEngine(workers);
}

/**
 * The Engine of a `--workers N` load. Single use, like every engine.
 *
 * `run` splits the load with {@link splitLoad} (connections, -n and --rate exact; worker i's open-loop schedule offset
 * by i / (N · its rate) after the shared start, so the arrival rate stays constant), starts N worker threads
 * (runner/worker-main.ts), waits until every one has loaded its modules, then starts them all at one monotonic
 * instant, so their timelines and schedules share an origin. Each thread records its own HdrHistograms; the results
 * are merged by {@link mergeLoadResults}. Aborting `signal` stops every thread, and each still returns what it
 * measured, so an interrupted load is one whole result.
 *
 * @throws H1Error H1B_INVALID_OPTION when the load cannot be split (more workers than connections) or a thread
 *   refused its share; any thread's failure fails the load with that thread's error.
 */
export class WorkersEngine implements Engine {
  readonly name = 'native' as const;
  private readonly first = new FirstResponseSignal();
  private progressSlots: Float64Array | null = null;
  private config: LoadConfig | null = null;
  private startUs = -1;

  constructor(
    readonly workers: number,
    private readonly clock: Clock = monotonicClock,
  ) {}

  progress(): LoadProgress {
    const slots = this.progressSlots;
    const config = this.config;
    if (slots === null || config === null || this.startUs < 0) return IDLE_PROGRESS;
    let completed = 0;
    let errors = 0;
    let phase = 0;
    for (let i = 0; i < this.workers; i++) {
      completed += slots[i * PROGRESS_FIELDS]!;
      errors += slots[i * PROGRESS_FIELDS + 1]!;
      // The load is measuring while any thread is, then draining while any thread drains.
      const code = slots[i * PROGRESS_FIELDS + 2]!;
      if (code === PHASE_CODES.measure || (code === PHASE_CODES.drain && phase !== PHASE_CODES.measure)) phase = code;
    }
    return {
      phase: PHASES[phase] ?? 'measure',
      elapsedMs: Math.max(0, (this.clock.nowUs() - this.startUs) / 1000),
      totalMs: config.requests === null ? config.durationMs : null,
      completed,
      targetRequests: config.requests,
      errors,
    };
  }

  firstResponse(): Promise<boolean> {
    return this.first.promise;
  }

  run(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
    return this.load(config, signal).finally(this.first.ended);
  }

  private async load(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
    const parts = splitLoad({ connections: config.connections, requests: config.requests, rate: config.rate }, this.workers, { option: '--workers' });
    const buffer = new SharedArrayBuffer(this.workers * PROGRESS_FIELDS * Float64Array.BYTES_PER_ELEMENT);
    this.progressSlots = new Float64Array(buffer);
    this.config = config;
    const threads = parts.map((part) => new Worker(WORKER_MAIN, { workerData: workerDataFor(config, part, buffer) }));
    const outcomes = threads.map((thread, index) => outcomeOf(thread, parts[index]!, this.first));
    try {
      await Promise.all(threads.map((thread) => readyOrGone(thread)));
      const stop = (): void => {
        for (const thread of threads) thread.postMessage({ type: 'abort' } satisfies ToWorker);
      };
      this.startUs = this.clock.nowUs();
      // One shared origin: a thread that reads the message a little later still counts from this instant.
      for (const thread of threads) thread.postMessage({ type: 'start', startAtUs: this.startUs } satisfies ToWorker);
      // Messages arrive in order: an abort after the start stops a load that has begun, which still reports.
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      const settled = await Promise.all(outcomes);
      signal.removeEventListener('abort', stop);
      const failed = settled.find((outcome): outcome is { failure: Error } => 'failure' in outcome);
      if (failed !== undefined) throw failed.failure;
      const done = settled as Array<{ result: LoadResult; share: WorkerShare }>;
      const merged = mergeLoadResults(
        done.map((outcome) => outcome.result),
        done.map((outcome) => outcome.share),
      );
      for (const outcome of done) destroyHistograms(outcome.result);
      return { ...merged, notes: [`${this.workers} worker threads, each running the native engine on its share of the load (perWorker)`, ...merged.notes] };
    } finally {
      // A thread that already ended ignores this; one still running (a failure elsewhere) is stopped.
      await Promise.all(threads.map((thread) => thread.terminate()));
    }
  }
}

/** Worker `part.index`'s config: its share, its schedule offset after the load's own, and its turn of the addresses. */
function workerDataFor(config: LoadConfig, part: LoadPart, progress: SharedArrayBuffer): WorkerData {
  const addresses = config.localAddresses ?? null;
  // Each thread walks every --source address, starting at a different one, so the first connects spread too.
  const rotated = addresses === null || addresses.length === 0 ? null : [...addresses.slice(part.index % addresses.length), ...addresses.slice(0, part.index % addresses.length)];
  // startAtUs is the main thread's to give, in the start message.
  const { url, startAtUs: _startAtUs, ...rest } = config;
  const portable: PortableLoadConfig = {
    ...rest,
    url: url.href,
    connections: part.connections,
    requests: part.requests,
    rate: part.rate,
    startOffsetUs: (config.startOffsetUs ?? 0) + part.startOffsetUs,
    localAddresses: rotated,
  };
  return { index: part.index, config: portable, progress };
}

/** Resolves when the thread says it is ready; a thread that dies first resolves too (its outcome carries the error). */
function readyOrGone(thread: Worker): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type !== 'ready') return;
      done();
    };
    const done = (): void => {
      thread.off('message', onMessage);
      thread.off('exit', done);
      resolve();
    };
    thread.on('message', onMessage);
    thread.once('exit', done);
  });
}

/** The thread's result (histograms decoded) or its failure; never rejects. */
function outcomeOf(thread: Worker, part: LoadPart, first: FirstResponseSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    let outcome: Outcome | null = null;
    thread.on('message', (message: FromWorker) => {
      if (message.type === 'first') first.counted();
      else if (message.type === 'failed') outcome = { failure: failureOf(message.code, message.message) };
      else if (message.type === 'done') {
        const result = fromPortable(message.result);
        outcome = {
          result,
          share: {
            index: part.index,
            connections: part.connections,
            requests: part.requests,
            completed: result.completed,
            errors: countFailures(result.errors),
            cpu: message.cpu,
          },
        };
      }
    });
    // An uncaught exception in the thread ('error') is followed by 'exit'; either way the outcome is settled at exit.
    let crash: Error | null = null;
    thread.once('error', (error) => {
      crash = error;
    });
    thread.once('exit', (code) => {
      resolve(outcome ?? { failure: crash ?? new Error(`worker thread ${part.index} exited (code ${code}) without a result`) });
    });
  });
}

/** An H1Error when the thread reported one of h1bench's codes, so the CLI keeps its exit code and message. */
function failureOf(code: string | null, message: string): Error {
  return code !== null && code in ERROR_CODES ? new H1Error(code as ErrorCode, message) : new Error(message);
}

function destroyHistograms(result: LoadResult): void {
  result.latency.destroy();
  result.connect.destroy();
  result.ttfb.destroy();
  result.uncorrectedLatency?.destroy();
}

// `--workers N`: one load spread over N worker threads, each a NativeEngine on its share, merged into one LoadResult.

import { Worker } from 'node:worker_threads';
import { monotonicClock, type Clock } from '../clock.js';
import { FirstResponseSignal, IDLE_PROGRESS, type Engine, type LoadConfig, type LoadProgress } from '../client/engine.js';
import type { EngineFactory } from '../client/engines/index.js';
import { ERROR_CODES, H1Error, type ErrorCode } from '../errors.js';
import type { LoadResult, WorkerShare } from '../measurements.js';
import type { LiveFigures } from '../metrics/recorder.js';
import { mergeTimelines } from '../metrics/timeline-merge.js';
import { addCounts } from '../report/merge.js';
import { mergeLoadResults } from './merge-load.js';
import { splitLoad, type LoadPart } from './split.js';
import { countFailures } from '../report/build.js';
import { fromPortable, type FromWorker, type PortableLoadConfig, type ToWorker, type WorkerData } from './worker-protocol.js';

const WORKER_MAIN = new URL('./worker-main.js', import.meta.url);

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
  /** Each thread's latest progress message (null until its first). */
  private latest: Array<LoadProgress | null> = [];
  private config: LoadConfig | null = null;
  private startUs = -1;

  constructor(
    readonly workers: number,
    private readonly clock: Clock = monotonicClock,
  ) {}

  progress(): LoadProgress {
    const config = this.config;
    if (config === null || this.startUs < 0) return IDLE_PROGRESS;
    const reported = this.latest.filter((progress): progress is LoadProgress => progress !== null);
    let completed = 0;
    let errors = 0;
    for (const progress of reported) {
      completed += progress.completed;
      errors += progress.errors;
    }
    // The load is measuring while any thread is, then draining while any thread drains.
    const phase = reported.some((progress) => progress.phase === 'measure') ? 'measure' : reported.some((progress) => progress.phase === 'drain') ? 'drain' : 'measure';
    return {
      phase,
      elapsedMs: Math.max(0, (this.clock.nowUs() - this.startUs) / 1000),
      totalMs: config.requests === null ? config.durationMs : null,
      completed,
      targetRequests: config.requests,
      errors,
      live: combineLive(reported.map((progress) => progress.live)),
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
    this.latest = parts.map(() => null);
    this.config = config;
    const threads = parts.map((part) => new Worker(WORKER_MAIN, { workerData: workerDataFor(config, part) }));
    const outcomes = threads.map((thread, index) => outcomeOf(thread, parts[index]!, this.first, (progress) => (this.latest[index] = progress)));
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
function workerDataFor(config: LoadConfig, part: LoadPart): WorkerData {
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
  return { index: part.index, config: portable };
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

/** The thread's result (histograms decoded) or its failure, reporting its progress meanwhile; never rejects. */
function outcomeOf(thread: Worker, part: LoadPart, first: FirstResponseSignal, onProgress: (progress: LoadProgress) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    let outcome: Outcome | null = null;
    thread.on('message', (message: FromWorker) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'first') first.counted();
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

/**
 * The live panel's figures of the whole load from the threads' own: the latest second any thread finished (summed
 * over the threads that finished it; they share one origin), open connections and errors summed.
 */
function combineLive(all: ReadonlyArray<LiveFigures | null>): LiveFigures | null {
  const figures = all.filter((live): live is LiveFigures => live !== null);
  if (figures.length === 0) return null;
  const points = figures.map((live) => live.lastSecond).filter((point) => point !== null);
  const second = Math.max(-1, ...points.map((point) => point.second));
  const latest = points.filter((point) => point.second === second);
  const open = figures.map((live) => live.openConnections);
  return {
    lastSecond: latest.length === 0 ? null : { ...mergeTimelines(latest.map((point) => ({ points: [{ ...point, second: 0 }], shiftSec: 0 })))[0]!, second },
    openConnections: open.some((value) => value === null) ? null : open.reduce<number>((total, value) => total + (value ?? 0), 0),
    errorsByKind: figures.reduce((total, live) => addCounts(total, live.errorsByKind), {} as Record<string, number>),
  };
}

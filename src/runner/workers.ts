// `--workers N`: one load spread over N worker threads, each a NativeEngine on its share, merged into one LoadResult.

import { Worker } from 'node:worker_threads';
import { monotonicClock, type Clock } from '../clock.js';
import { FirstResponseSignal, IDLE_PROGRESS, LoadEngine, type LoadConfig, type LoadProgress } from '../client/engine.js';
import type { EngineFactory } from '../client/engines/index.js';
import { ERROR_CODES, H1Error, type ErrorCode } from '../errors.js';
import type { LoadResult, WorkerShare } from '../measurements.js';
import type { LiveFigures } from '../metrics/recorder.js';
import { mergeTimelines } from '../metrics/timeline-merge.js';
import { countFailures } from '../report/build.js';
import { addCounts } from '../report/merge.js';
import { mergeLoadResults } from './merge-load.js';
import { splitLoad, type LoadPart } from './split.js';
import { fromPortable, type FromWorker, type PortableLoadConfig, type ToWorker } from './worker-protocol.js';

const WORKER_MAIN = new URL('./worker-main.js', import.meta.url);

/** What one thread handed back, or why it could not run. */
type Outcome = { readonly result: LoadResult; readonly share: WorkerShare } | { readonly failure: Error };

/**
 * N generator threads kept for every load of a run: the warm-up then runs on the very threads (and JIT-compiled code)
 * the measured load uses, and starting threads is not part of what is measured. Threads are unref'd between loads,
 * so an idle pool never keeps the process alive; one that died is started again for the next load.
 */
export class WorkerPool {
  private readonly threads: Array<Worker | null>;
  private readonly ready: Array<Promise<void> | null>;
  private readonly crashes: Array<Error | null>;

  constructor(readonly size: number) {
    this.threads = new Array<Worker | null>(size).fill(null);
    this.ready = new Array<Promise<void> | null>(size).fill(null);
    this.crashes = new Array<Error | null>(size).fill(null);
  }

  /** Every thread, started if needed and ready for a load. */
  async acquire(): Promise<Worker[]> {
    for (let index = 0; index < this.size; index++) {
      if (this.threads[index] !== null) continue;
      const thread = new Worker(WORKER_MAIN);
      thread.unref();
      this.threads[index] = thread;
      this.ready[index] = readyOrGone(thread);
      // An uncaught exception in a thread is an 'error' event, which must have a listener or it would end this
      // process: kept for the message, and the thread (which then exits) is started again for the next load.
      thread.on('error', (error) => {
        this.crashes[index] = error;
      });
      thread.once('exit', () => {
        if (this.threads[index] === thread) this.threads[index] = null;
      });
    }
    await Promise.all(this.ready);
    return this.threads.map((thread, index) => {
      if (thread === null) throw new Error(`generator thread ${index} exited while starting: ${this.crashes[index]?.message ?? 'no error reported'}`);
      return thread;
    });
  }

  /** Stop every thread (tests; a CLI run simply exits, the unref'd threads with it). */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread?.terminate()));
  }
}

/** A factory for `bench run --workers N` (N ≥ 2): every load of the run, warm-up included, on one pool of N threads. */
export function workersEngineFactory(workers: number): EngineFactory {
  const pool = new WorkerPool(workers);
  return () => new WorkersEngine(pool);
}

/**
 * The Engine of a `--workers N` load. Single use, like every engine; its threads come from a {@link WorkerPool}.
 *
 * `run` splits the load with {@link splitLoad} (connections, -n and --rate exact; worker i's open-loop schedule offset
 * by i / (N · its rate) after the shared start, so the arrival rate stays constant), hands each thread its share and
 * one monotonic start instant, so their timelines and schedules share an origin. Each thread records its own
 * HdrHistograms; the results are merged by {@link mergeLoadResults}. Aborting `signal` stops every thread, and each
 * still returns what it measured, so an interrupted load is one whole result.
 *
 * @throws H1Error H1B_INVALID_OPTION when the load cannot be split (more workers than connections) or a thread
 *   refused its share; any thread's failure fails the load with that thread's error.
 */
export class WorkersEngine extends LoadEngine {
  readonly name = 'native' as const;
  /** Each thread's latest progress message (null until its first). */
  private latest: Array<LoadProgress | null> = [];
  private config: LoadConfig | null = null;
  private startUs = -1;

  constructor(
    private readonly pool: WorkerPool,
    private readonly clock: Clock = monotonicClock,
  ) {
    super();
  }

  get workers(): number {
    return this.pool.size;
  }

  /** The threads' latest progress, summed (a thread posts its own periodically). */
  override progress(): LoadProgress {
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

  protected async load(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
    const parts = splitLoad({ connections: config.connections, requests: config.requests, rate: config.rate }, this.workers, { option: '--workers' });
    const threads = await this.pool.acquire();
    this.latest = parts.map(() => null);
    this.config = config;
    const detach: Array<() => void> = [];
    const outcomes = threads.map((thread, index) => {
      const { outcome, stop } = outcomeOf(thread, parts[index]!, this.first, (progress) => (this.latest[index] = progress));
      detach.push(stop);
      return outcome;
    });
    const abort = (): void => {
      for (const thread of threads) thread.postMessage({ type: 'abort' } satisfies ToWorker);
    };
    try {
      // Held while the load runs: an unref'd thread would not keep the process alive for its answer.
      for (const thread of threads) thread.ref();
      this.startUs = this.clock.nowUs();
      // One shared origin: a thread that reads the message a little later still counts from this instant.
      threads.forEach((thread, index) => thread.postMessage({ type: 'run', config: portableShare(config, parts[index]!), startAtUs: this.startUs } satisfies ToWorker));
      // Messages arrive in order: an abort after the run message stops a load that has begun, which still reports.
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      // A thread that failed fails the load: the others stop now instead of running their whole share.
      const settled = await Promise.all(
        outcomes.map((outcome) =>
          outcome.then((value) => {
            if ('failure' in value) abort();
            return value;
          }),
        ),
      );
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
      signal.removeEventListener('abort', abort);
      for (const stop of detach) stop();
      for (const thread of threads) thread.unref();
    }
  }
}

/** Thread `part.index`'s config: its share, its schedule offset after the load's own, and its turn of the addresses. */
function portableShare(config: LoadConfig, part: LoadPart): PortableLoadConfig {
  const addresses = config.localAddresses ?? null;
  // Each thread walks every --source address, starting at a different one, so the first connects spread too.
  const turn = addresses === null || addresses.length === 0 ? 0 : part.index % addresses.length;
  // startAtUs is the main thread's to give, in the run message.
  const { url, startAtUs: _startAtUs, ...rest } = config;
  return {
    ...rest,
    url: url.href,
    connections: part.connections,
    requests: part.requests,
    rate: part.rate,
    startOffsetUs: (config.startOffsetUs ?? 0) + part.startOffsetUs,
    localAddresses: addresses === null || addresses.length === 0 ? null : [...addresses.slice(turn), ...addresses.slice(0, turn)],
  };
}

/** Resolves when the thread says it is ready; a thread that dies first resolves too (acquire() then reports it). */
function readyOrGone(thread: Worker): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'ready') done();
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

/**
 * The thread's result for this load (histograms decoded) or its failure, reporting its progress meanwhile; never
 * rejects. `stop` removes the listeners once the load is over (the thread stays for the next).
 */
function outcomeOf(
  thread: Worker,
  part: LoadPart,
  first: FirstResponseSignal,
  onProgress: (progress: LoadProgress) => void,
): { outcome: Promise<Outcome>; stop: () => void } {
  let stop: () => void = () => undefined;
  const outcome = new Promise<Outcome>((resolve) => {
    let crash: Error | null = null;
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'first') first.counted();
      else if (message.type === 'failed') resolve({ failure: failureOf(message.code, message.message) });
      else if (message.type === 'done') {
        const result = fromPortable(message.result);
        const share: WorkerShare = {
          index: part.index,
          connections: part.connections,
          requests: part.requests,
          completed: result.completed,
          errors: countFailures(result.errors),
          cpu: message.cpu,
        };
        resolve({ result, share });
      }
    };
    // An uncaught exception in the thread ('error') is followed by 'exit'.
    const onError = (error: Error): void => {
      crash = error;
    };
    const onExit = (code: number): void => resolve({ failure: crash ?? new Error(`generator thread ${part.index} exited (code ${code}) during a load`) });
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.on('exit', onExit);
    stop = () => {
      thread.off('message', onMessage);
      thread.off('error', onError);
      thread.off('exit', onExit);
    };
  });
  return { outcome, stop };
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
  result.tls?.handshake.destroy();
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

// The owner's handle on its generator child in an emulated path's client namespace: start it, send it jobs, turn its messages into run events, answer its relay questions, stop it.

import { fileURLToPath } from 'node:url';
import { IDLE_PROGRESS, type EngineView, type LoadProgress } from '../client/engine.js';
import type { HeartbeatProgress } from '../client/heartbeat/run.js';
import type { EngineName } from '../types.js';
import { HelperProcess } from '../wire/path/helper-process.js';
import type { PathEnd, RelayStats } from '../wire/path/index.js';
import { errorFrom, type FromGenerator, type Job, type JobResults, type ToGenerator } from './path-protocol.js';
import type { RunEvent } from './run.js';

const CHILD_MAIN = fileURLToPath(new URL('./path-child-main.js', import.meta.url));
/** Node starts in ~50 ms; ten seconds means it is stuck (or the machine is swapping). */
const READY_TIMEOUT_MS = 10_000;
/**
 * After an abort, how long the child may take to end its load and build the report: the engine stops at once, then
 * the views close (a /stats long-poll of ≤ 2 s and its 5 s timeout, a capture flush of ≤ 5 s, each across the path).
 */
const ABORT_GRACE_MS = 30_000;

/**
 * SCHED_FIFO band of the generator and the embedded server with `--path-priority realtime`: below the path's
 * helpers (HELPER_RT_PRIORITY 10), so a saturating load never delays the packets it is measuring.
 */
export const LOAD_RT_PRIORITY = 5;

/** argv prefix of a load process (server or generator) at `priority`: real-time one band below the path's helpers. */
export function loadPriorityPrefix(priority: 'nice' | 'realtime'): string[] {
  return priority === 'realtime' ? ['chrt', '--fifo', String(LOAD_RT_PRIORITY)] : [];
}

/** The engine in the child as its messages describe it: progress for the progress line, first response for tests. */
class RemoteEngine implements EngineView {
  latest: LoadProgress = IDLE_PROGRESS;
  readonly settled: Promise<boolean>;
  settle: (value: boolean) => void = () => undefined;

  constructor(readonly name: EngineName) {
    this.settled = new Promise((resolve) => (this.settle = resolve));
  }

  progress(): LoadProgress {
    return this.latest;
  }

  firstResponse(): Promise<boolean> {
    return this.settled;
  }
}

/** What a job's caller hears while it runs: run events (phases with a live engine view), heartbeat progress. */
export interface JobListeners {
  readonly onEvent?: (event: RunEvent) => void;
  readonly onHeartbeat?: (progress: HeartbeatProgress) => void;
}

interface Pending {
  readonly resolve: (result: JobResults[Job['kind']]) => void;
  readonly reject: (error: Error) => void;
  readonly listeners: JobListeners;
}

export class PathGenerator {
  private readonly pending = new Map<number, Pending>();
  private readonly engines = new Map<number, RemoteEngine>();
  private jobs = 0;

  private constructor(
    private readonly helper: HelperProcess,
    private readonly relayStats: () => Promise<RelayStats | null>,
  ) {
    helper.child.on('message', (message: FromGenerator) => this.receive(message));
    void helper.exited.then(() => {
      const failure = helper.failure('exited while running a job');
      for (const pending of this.pending.values()) pending.reject(failure);
      this.pending.clear();
    });
  }

  /**
   * Start the child inside `client`'s namespace (`ip netns exec`, killed with its owner where setpriv exists) at
   * `priority`, and resolve once it is ready. `relayStats` answers its questions about the relay. Throws
   * H1B_PATH_FAILED with the child's stderr when it does not come up.
   */
  static async start(client: PathEnd, priority: 'nice' | 'realtime', relayStats: () => Promise<RelayStats | null>): Promise<PathGenerator> {
    const [command, ...args] = [...loadPriorityPrefix(priority), process.execPath, CHILD_MAIN];
    const helper = HelperProcess.start('generator (path client namespace)', (cmd, rest) => client.execArgv(cmd, rest), command!, args, { ipc: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(helper.failure(`did not report ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        const onMessage = (message: FromGenerator): void => {
          if (message.type !== 'ready') return;
          clearTimeout(timer);
          helper.child.off('message', onMessage);
          resolve();
        };
        helper.child.on('message', onMessage);
        void helper.exited.then(() => {
          clearTimeout(timer);
          reject(helper.failure('exited before it was ready'));
        });
      });
    } catch (error) {
      await helper.stop();
      throw error;
    }
    return new PathGenerator(helper, relayStats);
  }

  /** PID of the child (inside the client namespace). */
  get pid(): number {
    return this.helper.pid;
  }

  /**
   * Run `job` in the child and resolve its result. `signal` aborting asks the child to stop the load (the report is
   * still built, interrupted); a child that has not answered ABORT_GRACE_MS later is killed and the job rejected.
   * What the child reports meanwhile goes to `listeners`.
   */
  perform<K extends Job['kind']>(job: Extract<Job, { kind: K }>, signal: AbortSignal, listeners: JobListeners = {}): Promise<JobResults[K]> {
    if (!this.helper.alive) return Promise.reject(this.helper.failure('is not running'));
    const id = ++this.jobs;
    let grace: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      this.send({ type: 'abort', id });
      grace = setTimeout(() => this.helper.killNow(), ABORT_GRACE_MS);
    };
    return new Promise<JobResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject, listeners });
      this.send({ type: 'job', id, job });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }).finally(() => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(grace);
      this.pending.delete(id);
    });
  }

  /** Close the channel (the child releases its probes and exits), then make sure by SIGKILL; resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.helper.child.connected) this.helper.child.disconnect();
    const timer = setTimeout(() => this.helper.killNow(), 2_000);
    await this.helper.exited;
    clearTimeout(timer);
  }

  private send(message: ToGenerator): void {
    if (this.helper.child.connected) this.helper.child.send(message);
  }

  private receive(message: FromGenerator): void {
    switch (message.type) {
      case 'phase': {
        const engine = new RemoteEngine(message.engine);
        // One phase at a time: an earlier engine that never reported a first response will not now.
        for (const earlier of this.engines.values()) earlier.settle(false);
        this.engines.clear();
        this.engines.set(message.seq, engine);
        this.pending.get(message.id)?.listeners.onEvent?.({ type: 'phase', phase: message.phase, run: message.run, runs: message.runs, engine });
        break;
      }
      case 'progress': {
        const engine = this.engines.get(message.seq);
        if (engine) engine.latest = message.progress;
        break;
      }
      case 'first-response':
        this.engines.get(message.seq)?.settle(message.value);
        break;
      case 'heartbeat-progress':
        this.pending.get(message.id)?.listeners.onHeartbeat?.(message.progress);
        break;
      case 'relay-stats?':
        this.relayStats().then(
          (stats) => this.send({ type: 'relay-stats', ask: message.ask, stats, error: null }),
          (error: unknown) => this.send({ type: 'relay-stats', ask: message.ask, stats: null, error: error instanceof Error ? error.message : String(error) }),
        );
        break;
      case 'done':
        this.pending.get(message.id)?.resolve(message.result);
        break;
      case 'failed':
        this.pending.get(message.id)?.reject(errorFrom(message.error));
        break;
      case 'ready':
        break;
    }
  }
}

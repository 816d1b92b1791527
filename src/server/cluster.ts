// `bench serve --workers N`: N server processes sharing one listening socket (node:cluster), /stats summed by the primary.

import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, H1Error, type ErrorCode } from '../errors.js';
import type { ServerStats } from '../measurements.js';
import { combineStats } from '../metrics/server-stats.js';
import type { ServerConfig } from '../types.js';
import { isClusterMessage, type FromClusterWorker, type ToClusterWorker } from './cluster-protocol.js';

const WORKER_MAIN = fileURLToPath(new URL('./cluster-worker.js', import.meta.url));
/** Every worker must be listening within this long (each loads the server's modules: well under a second). */
const START_TIMEOUT_MS = 15_000;
/** After the grace period, workers still running get this long to exit before SIGKILL. */
const EXIT_MARGIN_MS = 3_000;

/** A running cluster, as the serve command sees it. */
export interface ClusterServer {
  /** e.g. http://127.0.0.1:41234/: one URL, one port, whichever worker accepts. */
  readonly url: string;
  readonly port: number;
  /** Worker process ids, in fork order. */
  readonly pids: readonly number[];
  /**
   * Resolves (never rejects) with the reason when a worker exits on its own: its counters are lost, so /stats sums
   * would no longer be exact. The caller stops the cluster and fails.
   */
  readonly failure: Promise<Error>;
  /** Every worker stops accepting and finishes in-flight answers within `graceMs`; resolves when all have exited. */
  close(graceMs?: number): Promise<void>;
}

/** One /stats request being answered: which worker asked, under which id, and the sum so far. */
interface Collection {
  readonly from: Worker;
  readonly requestId: number;
  remaining: number;
  sum: ServerStats | null;
}

/**
 * Fork `workers` processes of the server (src/server/cluster-worker.ts), each serving `config` on one shared socket.
 *
 * Scheduling: `cluster.SCHED_NONE`. The primary creates the listening socket once and hands it to every worker,
 * and each worker accepts on it itself: the kernel wakes a waiting worker per connection. With Node's default on
 * Linux, `SCHED_RR`, the primary accepts every connection and passes its descriptor to a worker over IPC, which
 * costs the primary an accept, a sendmsg and a wake-up per connection: exactly the cost that dominates
 * `Connection: close` load, where every request is a new connection. The price of SCHED_NONE is a less even
 * spread under light load (the busiest worker may win accept races); the benchmark (npm run bench:scale) shows it.
 * (SO_REUSEPORT would give each worker its own queue, but node:net offers it only from Node 22.12.)
 *
 * @throws H1Error H1B_LISTEN_FAILED (a worker could not listen: its message), H1B_INVALID_OPTION for TLS
 *   (certificates made at start and session-ticket keys are per process, so workers would disagree)
 */
export async function startCluster(config: ServerConfig, workers: number): Promise<ClusterServer> {
  if (config.tls) {
    throw new H1Error('H1B_INVALID_OPTION', '--workers serves plain HTTP only: TLS certificates made at start and session-ticket keys are per process');
  }
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: WORKER_MAIN, args: [] });
  const forked: Worker[] = [];
  const collections = new Map<number, Collection>();
  let nextCollection = 1;
  let stopping = false;
  let reportFailure: (error: Error) => void = () => undefined;
  const failure = new Promise<Error>((resolve) => (reportFailure = resolve));

  const onMessage = (worker: Worker, message: unknown): void => {
    if (!isClusterMessage(message)) return;
    const typed = message as FromClusterWorker;
    if (typed.h1b === 'stats-request') {
      const id = nextCollection++;
      const live = forked.filter((other) => other.isConnected());
      collections.set(id, { from: worker, requestId: typed.id, remaining: live.length, sum: null });
      for (const other of live) send(other, { h1b: 'snapshot', id, quiescentMs: typed.quiescentMs });
    } else if (typed.h1b === 'snapshot') {
      const collection = collections.get(typed.id);
      if (collection === undefined) return;
      collection.sum = collection.sum === null ? typed.stats : combineStats(collection.sum, typed.stats, 1);
      if (--collection.remaining > 0) return;
      collections.delete(typed.id);
      send(collection.from, { h1b: 'stats', id: collection.requestId, stats: collection.sum });
    }
  };

  const listening = Array.from({ length: workers }, () => {
    const worker = cluster.fork();
    forked.push(worker);
    worker.on('message', (message: unknown) => onMessage(worker, message));
    worker.once('exit', (code, signal) => {
      // Sums waiting for this worker can no longer be complete: answer them "unavailable".
      for (const [id, collection] of collections) {
        collections.delete(id);
        send(collection.from, { h1b: 'stats', id: collection.requestId, stats: null });
      }
      if (!stopping) reportFailure(new Error(`server worker ${worker.process.pid} exited on its own (${signal ?? `code ${code}`}); its counters are lost`));
    });
    return listeningPort(worker, config);
  });

  const close = async (graceMs = config.shutdownGraceMs): Promise<void> => {
    stopping = true;
    const exits = forked.filter((worker) => !worker.isDead()).map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())));
    for (const worker of forked) if (worker.isConnected()) send(worker, { h1b: 'shutdown', graceMs });
    const killer = setTimeout(() => {
      for (const worker of forked) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, graceMs + EXIT_MARGIN_MS);
    await Promise.all(exits);
    clearTimeout(killer);
  };

  let ports: number[];
  try {
    ports = await Promise.all(listening);
  } catch (error) {
    await close(0);
    throw error;
  }
  const port = ports[0]!;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { url: `http://${host}:${port}/`, port, pids: forked.map((worker) => worker.process.pid!), failure, close };
}

function send(worker: Worker, message: ToClusterWorker): void {
  // A worker that is exiting has no channel; its exit handler settles what it owed.
  if (worker.isConnected()) worker.send(message);
}

/** Hand the worker its config when it is ready; resolves with the port it listens on, or why it could not. */
function listeningPort(worker: Worker, config: ServerConfig): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new H1Error('H1B_LISTEN_FAILED', `server worker ${worker.process.pid} was not listening within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onMessage = (message: unknown): void => {
      if (!isClusterMessage(message)) return;
      const typed = message as FromClusterWorker;
      if (typed.h1b === 'ready') send(worker, { h1b: 'config', config });
      else if (typed.h1b === 'listening') done(() => resolve(typed.port));
      else if (typed.h1b === 'failed') fail(typed.code !== null && typed.code in ERROR_CODES ? new H1Error(typed.code as ErrorCode, typed.message) : new Error(typed.message));
    };
    const onExit = (code: number | null, signal: string | null): void =>
      fail(new H1Error('H1B_LISTEN_FAILED', `server worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) before listening`));
    function done(settle: () => void): void {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      settle();
    }
    function fail(error: Error): void {
      done(() => reject(error));
    }
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

// The generator side of an emulated path: a Node process started inside the path's client namespace (Node cannot setns), running the jobs its owner sends over IPC and sending back their results.
//
//   ip netns exec <client ns> [setpriv --pdeathsig KILL --] [chrt --fifo 5] node path-child-main.js
//
// A run job is runOnce() as on loopback, with every view taken from here: the /stats probe crosses the path to the
// server (outside the measured load), kernel counters are this namespace's (exact: nothing else lives here),
// server CPU and the server's TIME_WAIT and TCP counters come from /proc/<server pid>, the relay's counters from the
// owner. It never prints: stdout and stderr go to the owner, which keeps stderr for error messages.

import type { EngineView } from '../client/engine.js';
import { loadEngine, type EngineFactory } from '../client/engines/index.js';
import { H1Error } from '../errors.js';
import type { EngineName } from '../types.js';
import { traceExchange } from '../wire/trace.js';
import type { RelayStats } from '../wire/path/index.js';
import { literalLocation, portOf, type ActiveTarget } from './target.js';
import { errorMessage, type AttachedServer, type FromGenerator, type Job, type JobResults, type ToGenerator } from './path-protocol.js';
import { pathRunView } from './path-view.js';
import { runHeartbeatReport } from './heartbeat.js';
import { runOnce } from './run.js';
import { StatsProbe } from './stats-probe.js';

/** How often a running load's progress goes to the owner (its progress line redraws at 200 ms). */
const PROGRESS_MS = 200;

const send = (message: FromGenerator): void => {
  // The channel closes when the owner dies; the 'disconnect' handler below then ends this process.
  if (process.connected) process.send!(message);
};

const targets = new Map<string, ActiveTarget>();
const engines = new Map<EngineName, Promise<EngineFactory>>();
const controllers = new Map<number, AbortController>();
const relayAsks = new Map<number, { resolve: (stats: RelayStats | null) => void; reject: (error: Error) => void }>();
let asks = 0;
let phases = 0;

/** The owner's server as a target: its /stats probe is ours (kept across runs, like runSeries keeps its target). */
function attached(server: AttachedServer): ActiveTarget {
  const known = targets.get(server.url);
  if (known) return known;
  const url = new URL(server.url);
  const probe = new StatsProbe(url);
  const target: ActiveTarget = {
    url,
    port: portOf(url),
    located: literalLocation(url),
    ca: null,
    serverMode: server.mode,
    // The owner started this server and stops it; here it is only observed (CPU by PID).
    server: { url, pid: server.pid, mode: server.mode, ca: null, stop: () => Promise.resolve() },
    probe,
    release: () => probe.close(),
  };
  targets.set(server.url, target);
  return target;
}

function askRelay(): Promise<RelayStats | null> {
  const ask = ++asks;
  return new Promise((resolve, reject) => {
    relayAsks.set(ask, { resolve, reject });
    send({ type: 'relay-stats?', ask });
  });
}

/** Forward an engine's phase, its progress every PROGRESS_MS while the job runs, and its first response. */
function watch(id: number, engine: EngineView, phase: 'warmup' | 'measure', run: number, runs: number, timers: Set<NodeJS.Timeout>): void {
  const seq = ++phases;
  send({ type: 'phase', id, seq, phase, run, runs, engine: engine.name });
  const timer = setInterval(() => send({ type: 'progress', seq, progress: engine.progress() }), PROGRESS_MS);
  timers.add(timer);
  void engine.firstResponse().then((value) => send({ type: 'first-response', seq, value }));
}

async function perform(id: number, job: Job, signal: AbortSignal): Promise<JobResults[Job['kind']]> {
  if (job.kind === 'trace') {
    return traceExchange({ url: new URL(job.url), mode: job.mode, requests: job.requests, file: job.file, timeoutMs: job.timeoutMs, iface: 'any' }).then(
      ({ exchange, failure, capture }) => ({ exchange, failure: failure ? errorMessage(failure) : null, capture }),
    );
  }
  if (job.kind === 'heartbeat') {
    const target = attached(job.server);
    return runHeartbeatReport(job.config, {
      signal,
      onProgress: (progress) => send({ type: 'heartbeat-progress', id, progress }),
      onPath: { target: () => Promise.resolve(target), view: pathRunView(job.path, job.server.pid, askRelay) },
    });
  }
  const engineName = job.config.engine;
  let factory = engines.get(engineName);
  if (!factory) engines.set(engineName, (factory = loadEngine(engineName)));
  const createEngine = await factory;
  const timers = new Set<NodeJS.Timeout>();
  try {
    return await runOnce(
      job.config,
      attached(job.server),
      {
        createEngine,
        signal,
        kernelScope: 'namespace',
        path: pathRunView(job.path, job.server.pid, askRelay),
        onEvent: (event) => {
          if (event.type === 'phase') watch(id, event.engine, event.phase, event.run, event.runs, timers);
        },
      },
      job.run,
    );
  } finally {
    for (const timer of timers) clearInterval(timer);
  }
}

async function handle(id: number, job: Job): Promise<void> {
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    send({ type: 'done', id, result: await perform(id, job, controller.signal) });
  } catch (error) {
    send({ type: 'failed', id, error: errorMessage(error) });
  } finally {
    controllers.delete(id);
  }
}

process.on('message', (message: ToGenerator) => {
  if (message.type === 'job') void handle(message.id, message.job);
  else if (message.type === 'abort') controllers.get(message.id)?.abort(new Error('stopped by the owner (Ctrl-C or SIGTERM)'));
  else if (message.type === 'relay-stats') {
    const waiting = relayAsks.get(message.ask);
    relayAsks.delete(message.ask);
    if (message.error !== null) waiting?.reject(new H1Error('H1B_PATH_FAILED', `relay counters unavailable: ${message.error}`));
    else waiting?.resolve(message.stats);
  }
});

// The owner is gone (or closed the channel to end us): release the probes and leave. Bounded: a probe close
// waits at most for its server's FIN, which a path being torn down may never deliver.
process.once('disconnect', () => {
  setTimeout(() => process.exit(0), 1_000).unref();
  void Promise.allSettled([...targets.values()].map((target) => target.release())).then(() => process.exit(0));
});

send({ type: 'ready' });

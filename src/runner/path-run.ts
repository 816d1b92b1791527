// Runs across an emulated network path (--rtt): this process keeps the path, the embedded servers in its server namespace and the signals; a generator child in its client namespace measures.
//
//   h1bench (host namespace)          server namespace 10.77.0.1        client namespace 10.77.0.2
//   path, RTT probe, relay stats  ──  bench serve --host 10.77.0.1  ⇠path⇢  generator: runOnce(), /stats probe,
//   signals, reports, close()                                                kernel counters, capture
//
// Node cannot enter a namespace (no setns), so the part that must live in the client namespace is a child started
// there; the servers are children started in the server namespace. Everything is removed by close(), also after
// Ctrl-C (the interruption aborts the signal, the child ends its load and returns an interrupted report, then the
// path goes); after a SIGKILL the children die with their owner (PR_SET_PDEATHSIG) and the next path's sweep
// deletes the namespaces.

import { mergeRunReports } from '../report/merge.js';
import type { RunReport } from '../report/schema.js';
import type { HeartbeatConfig, PathConfig, RunConfig, ServerMode } from '../types.js';
import { openPath, type EmulatedPath, type PathEnd } from '../wire/path/index.js';
import { findTool } from '../wire/path/system.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server.js';
import { loadPriorityPrefix, PathGenerator } from './path-generator.js';
import type { AttachedServer, JobResults, TraceJob } from './path-protocol.js';
import { heartbeatServerArgs } from './heartbeat.js';
import type { HeartbeatProgress } from '../client/heartbeat/run.js';
import type { PathContext } from './path-view.js';
import type { RunEvent, RunOptions } from './run.js';
import { defaultServerMode } from './target.js';

/** RTT probes before the first run: enough for a p99 of the path, a second or two at 50 ms. */
export const RTT_PROBES = 20;

/**
 * 'exit' listeners one open path adds: the path library's last-resort cleanup, one per namespace (3) and one for
 * its helpers. A suite holds a path per RTT open at once, which passes Node's default of 10 listeners and would
 * print a leak warning for what is deliberate; the limit grows with the paths open.
 */
const EXIT_HOOKS_PER_PATH = 4;
let pathsOpened = 0;

/** argv that runs `argv` in `end`'s namespace at `priority`, killed with its owner where setpriv exists; each step execs. */
function inNamespace(end: PathEnd, priority: PathConfig['priority']): (argv: readonly string[]) => string[] {
  return (argv) => {
    let inner = [...loadPriorityPrefix(priority), ...argv];
    if (findTool('setpriv')) inner = ['setpriv', '--pdeathsig', 'KILL', '--', ...inner];
    return end.execArgv(inner[0]!, inner.slice(1));
  };
}

/** The child's view of a server we started. */
const attach = (server: EmbeddedServer): AttachedServer => ({ url: server.url.href, pid: server.pid, mode: server.mode });

export interface HeartbeatPathOptions {
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: HeartbeatProgress) => void;
  /** Called with the server's URL once it is up, before the clients start. */
  readonly onTarget?: (url: string) => void;
}

/** What runOnce needs of a caller for a run on a path. */
export type PathRunOptions = Pick<RunOptions, 'signal' | 'onEvent'>;

/** One open path with its probe figures, its servers (one per mode and flags) and its generator child. */
export class PathSession {
  private readonly servers = new Map<string, Promise<EmbeddedServer>>();
  private closing: Promise<void> | null = null;

  private constructor(
    readonly config: PathConfig,
    readonly path: EmulatedPath,
    /** What the report's path section starts from: the implementation used and the measured RTT. */
    readonly context: PathContext,
    private readonly generator: PathGenerator,
  ) {}

  /**
   * Build the path (sweeping what killed runs left), probe its RTT, start the generator child. Throws
   * H1B_PATH_UNAVAILABLE (exit 2) where it cannot be built here, H1B_PATH_FAILED when building fails; nothing is
   * left behind on failure.
   */
  static async open(config: PathConfig): Promise<PathSession> {
    const { rttMs, jitterMs, lossPct, bandwidthBitsPerSec, impl, priority, seed } = config;
    pathsOpened++;
    process.setMaxListeners(Math.max(process.getMaxListeners(), 10 + pathsOpened * EXIT_HOOKS_PER_PATH));
    const path = await openPath({ rttMs, jitterMs, lossPct, bandwidthBitsPerSec, impl, seed }, { priority });
    try {
      const measured = await path.measureRtt(RTT_PROBES);
      const generator = await PathGenerator.start(path.client, priority, () => path.relayStats());
      const context: PathContext = {
        impl: path.impl,
        configured: { rttMs, jitterMs, lossPct, bandwidthBitsPerSec },
        priority,
        measured: { ...measured },
      };
      return new PathSession(config, path, context, generator);
    } catch (error) {
      await path.close();
      throw error;
    }
  }

  /** The embedded server in `mode` (with `extraArgs`) at the path's server end, started on first use. */
  server(mode: ServerMode, extraArgs: readonly string[] = []): Promise<EmbeddedServer> {
    const key = [mode, ...extraArgs].join(' ');
    let server = this.servers.get(key);
    if (!server) {
      server = startEmbeddedServer(mode, extraArgs, { host: this.path.server.address, wrap: inNamespace(this.path.server, this.config.priority) });
      this.servers.set(key, server);
    }
    return server;
  }

  /** One measured run of `config` (its path must be this one's) by the generator child; its report. */
  async runOnce(config: RunConfig, options: PathRunOptions, run: number): Promise<RunReport> {
    const server = await this.server(config.serverMode ?? defaultServerMode(config.mode));
    return this.generator.perform({ kind: 'run', config, run, server: attach(server), path: this.context }, options.signal, { onEvent: options.onEvent });
  }

  /** A `bench heartbeat` run: the clients start in the client namespace, the server (with its heartbeat flags) here. */
  async heartbeat(config: HeartbeatConfig, options: HeartbeatPathOptions): Promise<RunReport> {
    const server = await this.server('keep-alive', heartbeatServerArgs(config));
    options.onTarget?.(server.url.href);
    return this.generator.perform({ kind: 'heartbeat', config, server: attach(server), path: this.context }, options.signal, { onHeartbeat: options.onProgress });
  }

  /** A `bench trace` exchange captured in the client namespace (tcpdump -i any there). */
  trace(job: Omit<TraceJob, 'kind'>, signal: AbortSignal): Promise<JobResults['trace']> {
    return this.generator.perform({ kind: 'trace', ...job }, signal);
  }

  /** Stop the generator, the servers (gracefully), then the path (which ends anything still in its namespaces). Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const stopping = [this.generator.stop(), ...[...this.servers.values()].map((server) => server.then((started) => started.stop(), () => undefined))];
    await Promise.allSettled(stopping);
    await this.path.close();
  }
}

/**
 * `bench run --rtt …`: `config.runs` runs of `config` across a freshly built path, merged into one report (as
 * runSeries does on loopback). The path, its server and the generator child are always removed, also on errors
 * and aborts.
 */
export async function runSeriesOnPath(config: RunConfig, options: PathRunOptions): Promise<RunReport> {
  if (!config.path) throw new Error('runSeriesOnPath needs a config with a path');
  const session = await PathSession.open(config.path);
  try {
    const server = await session.server(config.serverMode ?? defaultServerMode(config.mode));
    options.onEvent?.({ type: 'target', url: server.url.href, embedded: true, serverMode: server.mode });
    const reports: RunReport[] = [];
    for (let run = 1; run <= config.runs; run++) {
      if (run > 1 && options.signal.aborted) break;
      const report = await session.runOnce(config, options, run);
      reports.push(report);
      options.onEvent?.({ type: 'run-done', run, runs: config.runs, report } satisfies RunEvent);
    }
    return mergeRunReports(reports);
  } finally {
    await session.close();
  }
}

/** `bench heartbeat --rtt …`: one heartbeat run across a freshly built path, removed afterwards whatever happens. */
export async function runHeartbeatOnPath(config: HeartbeatConfig, options: HeartbeatPathOptions): Promise<RunReport> {
  if (!config.path) throw new Error('runHeartbeatOnPath needs a config with a path');
  const session = await PathSession.open(config.path);
  try {
    return await session.heartbeat(config, options);
  } finally {
    await session.close();
  }
}

/** The same path asked for twice is one path: the key of a PathConfig. */
const pathKey = (config: PathConfig): string =>
  JSON.stringify([config.rttMs, config.jitterMs, config.lossPct, config.bandwidthBitsPerSec, config.impl, config.priority, config.seed]);

/** The paths of a suite, one session per distinct PathConfig, kept open across its interleaved rounds. */
export class PathSessions {
  private readonly sessions = new Map<string, PathSession>();

  /** Open the path `config` needs (and its server), if not open yet: failures show before the first round. */
  async prepare(config: RunConfig): Promise<void> {
    const session = await this.sessionFor(config);
    await session.server(config.serverMode ?? defaultServerMode(config.mode));
  }

  async runOnce(config: RunConfig, options: PathRunOptions, run: number): Promise<RunReport> {
    return (await this.sessionFor(config)).runOnce(config, options, run);
  }

  /** Close every path; the first failure is thrown after all were tried. */
  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.sessions.values()].map((session) => session.close()));
    this.sessions.clear();
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async sessionFor(config: RunConfig): Promise<PathSession> {
    if (!config.path) throw new Error('PathSessions runs configs with a path only');
    const key = pathKey(config.path);
    let session = this.sessions.get(key);
    if (!session) {
      session = await PathSession.open(config.path);
      this.sessions.set(key, session);
    }
    return session;
  }
}

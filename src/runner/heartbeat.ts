// One `bench heartbeat`: the target, heartbeat client processes with a failure injected, the views around the run,
// and one report built from them.

import { runHeartbeat, type HeartbeatProgress, type HeartbeatTarget } from '../client/heartbeat/run.js';
import { readKeepAliveSysctls } from '../metrics/kernel.js';
import { machineInfo } from '../metrics/machine.js';
import { buildHeartbeatReport } from '../report/heartbeat.js';
import type { RunReport } from '../report/schema.js';
import type { HeartbeatConfig } from '../types.js';
import { observe, type ObserveOptions, type Observer } from './observe.js';
import type { PathPhase, PathRunView } from './path-view.js';
import { describeTarget, openTarget, type ActiveTarget } from './target.js';

export interface HeartbeatRunOptions {
  /** Aborting ends the run early; the report is still built, with `interrupted: true`. */
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: HeartbeatProgress) => void;
  /** Picks the victims and the injection moment (injectable for tests). */
  readonly random?: () => number;
  /**
   * The clients run in an emulated path's client namespace (path-child-main.ts) against a server started there by
   * the path's owner: how to reach it, and the path's view. Absent: the target from the config, host views.
   */
  readonly onPath?: { readonly target: () => Promise<ActiveTarget>; readonly view: PathRunView };
}

/** `bench serve` flags the embedded server needs for a heartbeat run. */
export function heartbeatServerArgs(config: HeartbeatConfig): string[] {
  const args = ['--heartbeat-timeout', `${config.run.timeoutMs}ms`];
  if (config.tcpKeepAliveMs > 0) args.push('--tcp-keepalive', `${config.tcpKeepAliveMs}ms`);
  return args;
}

/**
 * Run the heartbeat fleet against the target and build its report. The client processes boot while the embedded
 * server starts and the views open (both cost a Node start-up, worth overlapping on a busy machine). The target
 * and every client process are always released, also on errors and aborts.
 */
export async function runHeartbeatReport(config: HeartbeatConfig, options: HeartbeatRunOptions): Promise<RunReport> {
  const opening = openObserved(config, options.onPath);
  const pending = opening.then(
    ({ target }): HeartbeatTarget => ({ url: target.url, address: target.located.chosen.address, pid: target.server?.pid ?? null }),
  );
  pending.catch(() => {}); // awaited (and its failure reported) by runHeartbeat
  try {
    const runOptions = options.random === undefined ? { signal: options.signal } : { signal: options.signal, random: options.random };
    const outcome = await runHeartbeat(config.run, pending, { ...runOptions, onProgress: (p) => options.onProgress?.(p) });
    const { target, observer, pathPhase } = await opening;
    const path = pathPhase ? await pathPhase.close() : null;
    const seen = await observer.close();
    return buildHeartbeatReport({
      config,
      target: describeTarget(target),
      outcome,
      kernel: seen.kernel,
      timeWait: seen.timeWait,
      serverDelta: seen.serverDelta,
      keepAlive: config.tcpKeepAliveMs > 0 ? await readKeepAliveSysctls() : null,
      machine: machineInfo(),
      notes: seen.notes,
      path,
    });
  } finally {
    // A server still starting is stopped too.
    await opening.then(({ target }) => target.release(), () => {});
  }
}

/**
 * Start the target (a --url is resolved and probed: one that accepts nothing fails here, before any client beats)
 * and open the views on it; the target is released if the views cannot be opened.
 */
async function openObserved(config: HeartbeatConfig, onPath: HeartbeatRunOptions['onPath']): Promise<{ target: ActiveTarget; observer: Observer; pathPhase: PathPhase | null }> {
  const target = onPath
    ? await onPath.target()
    : await openTarget({ url: config.url, serverMode: 'keep-alive', serverArgs: heartbeatServerArgs(config), resolve: config.resolve ?? [] });
  try {
    // In a path's client namespace the kernel counters are exact, and the server's TIME_WAIT is read in its own.
    const views: ObserveOptions = onPath ? { kernelScope: 'namespace', capture: null, serverNetDir: onPath.view.serverNetDir } : { kernelScope: 'host', capture: null };
    const observer = await observe(target, views);
    return { target, observer, pathPhase: onPath ? await onPath.view.open() : null };
  } catch (error) {
    await target.release();
    throw error;
  }
}

// One `bench heartbeat`: the target, heartbeat client processes with a failure injected, the views around the run,
// and one report built from them.

import { runHeartbeat, type HeartbeatProgress, type HeartbeatTarget } from '../client/heartbeat/run.js';
import { readKeepAliveSysctls } from '../metrics/kernel.js';
import { machineInfo } from '../metrics/machine.js';
import { buildHeartbeatReport } from '../report/heartbeat.js';
import type { RunReport } from '../report/schema.js';
import type { HeartbeatConfig } from '../types.js';
import { observe, type Observer } from './observe.js';
import { describeTarget, openTarget, type ActiveTarget } from './target.js';

export interface HeartbeatRunOptions {
  /** Aborting ends the run early; the report is still built, with `interrupted: true`. */
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: HeartbeatProgress) => void;
  /** Picks the victims and the injection moment (injectable for tests). */
  readonly random?: () => number;
}

/** `bench serve` flags the embedded server needs for a heartbeat run. */
function serverArgs(config: HeartbeatConfig): string[] {
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
  const opening = openObserved(config);
  const pending = opening.then(
    ({ target }): HeartbeatTarget => ({ url: target.url, address: target.located.chosen.address, pid: target.server?.pid ?? null }),
  );
  pending.catch(() => {}); // awaited (and its failure reported) by runHeartbeat
  try {
    const runOptions = options.random === undefined ? { signal: options.signal } : { signal: options.signal, random: options.random };
    const outcome = await runHeartbeat(config.run, pending, { ...runOptions, onProgress: (p) => options.onProgress?.(p) });
    const { target, observer } = await opening;
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
async function openObserved(config: HeartbeatConfig): Promise<{ target: ActiveTarget; observer: Observer }> {
  const target = await openTarget({ url: config.url, serverMode: 'keep-alive', serverArgs: serverArgs(config), resolve: config.resolve ?? [] });
  try {
    return { target, observer: await observe(target, { kernelScope: 'host', capture: null }) };
  } catch (error) {
    await target.release();
    throw error;
  }
}

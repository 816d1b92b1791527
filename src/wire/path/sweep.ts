// Finding what a path left behind: its namespaces are named h1b-<owner pid>-<hex>-path-<role>; a sweep ends the processes in those of dead owners, then deletes them.

import { H1Error } from '../../errors.js';
import { processGone } from '../../metrics/process-usage.js';
import { run, runSyncQuietly } from './system.js';

/** Roles of a path's namespaces: server end, client end, the delay line's wire, a throwaway for the netem check. */
export type NamespaceRole = 'srv' | 'cli' | 'wire' | 'check';

/** The label PrivateNetns.create appends; the owner pid sits at the front of the name. */
export const namespaceLabel = (role: NamespaceRole): string => `path-${role}`;
const PATH_NAMESPACE = /^h1b-(\d+)-[0-9a-f]+-path-(?:srv|cli|wire|check)$/;

/** How long ending the processes of a namespace may take; SIGKILL is not catchable, so this only covers scheduling. */
const END_TIMEOUT_MS = 5_000;
const POLL_MS = 10;

function parsePids(text: string): number[] {
  return text
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0 && pid !== process.pid);
}

/** PIDs of the processes whose network namespace is `name` (`ip netns pids` compares /proc/<pid>/ns/net). */
export async function namespacePids(name: string): Promise<number[]> {
  return parsePids(await run('ip', ['netns', 'pids', name]));
}

function kill(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      // Already gone is what we wanted; anything else (EPERM) is a real failure.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/**
 * SIGKILL every process inside namespace `name` and resolve once all are gone. Only processes that
 * live in a namespace h1bench made for a path are touched. The wait polls /proc, bounded: these may
 * be another (dead) process's children, so no exit event reaches us.
 */
export async function endNamespaceProcesses(name: string): Promise<number[]> {
  const pids = await namespacePids(name);
  kill(pids);
  const deadline = Date.now() + END_TIMEOUT_MS;
  while (pids.some((pid) => !processGone(pid))) {
    if (Date.now() > deadline) {
      throw new H1Error('H1B_PATH_FAILED', `processes ${pids.filter((pid) => !processGone(pid)).join(', ')} in ${name} did not end after SIGKILL`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return pids;
}

/** The synchronous last resort for a process 'exit' hook: SIGKILL what runs in `name`; returns the PIDs signalled. */
export function endNamespaceProcessesSync(name: string): number[] {
  const pids = parsePids(runSyncQuietly('ip', ['netns', 'pids', name]));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Best effort at exit: a process that is already gone needs nothing.
    }
  }
  return pids;
}

const NAP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Block until every PID is gone, at most timeoutMs: for 'exit' hooks, which cannot await. A SIGKILL
 * takes effect when the process next runs, which on a busy machine is not at once.
 */
export function waitGoneSync(pids: readonly number[], timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  while (pids.some((pid) => !processGone(pid)) && Date.now() < deadline) Atomics.wait(NAP, 0, 0, POLL_MS);
}

/** Owner pid of a path namespace name, or null when the name is not a path's. */
export function pathNamespaceOwner(name: string): number | null {
  const match = PATH_NAMESPACE.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * Remove what paths of dead owners left (an owner killed with SIGKILL never runs its exit hook): for
 * each of their namespaces, end the processes inside (relay, socat bridges, servers and generators
 * a runner started there), then delete it, which also removes the TUN and veth devices in it.
 * Paths of live processes (parallel runs) are left alone. Returns the namespaces removed.
 */
export async function sweepStalePaths(): Promise<string[]> {
  const removed: string[] = [];
  for (const line of (await run('ip', ['netns', 'list'])).split('\n')) {
    // Lines look like "h1b-123-ab12cd34-path-srv (id: 3)" or just the name.
    const name = line.trim().split(/\s+/)[0] ?? '';
    const owner = pathNamespaceOwner(name);
    if (owner === null || !processGone(owner)) continue;
    await endNamespaceProcesses(name);
    await run('ip', ['netns', 'delete', name]);
    removed.push(name);
  }
  return removed;
}

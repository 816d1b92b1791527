// Everything one path made (namespaces, helper processes), removed in order on close, when opening fails half-way, and synchronously at process exit.

import { H1Error, isH1Error } from '../../errors.js';
import { PrivateNetns } from '../netns.js';
import type { HelperProcess } from './helper-process.js';
import { endNamespaceProcesses, endNamespaceProcessesSync, namespaceLabel, waitGoneSync, type NamespaceRole } from './sweep.js';

/** How long the exit hook waits for the processes it killed to be gone. */
const EXIT_WAIT_MS = 2_000;

/** PrivateNetns's errors, in the path's vocabulary: not root or no iproute2 means "cannot be set up here". */
function asPathError(error: unknown): unknown {
  if (!isH1Error(error)) return error;
  if (error.code === 'H1B_PERMISSION_DENIED' || error.code === 'H1B_TOOL_MISSING') {
    return new H1Error('H1B_PATH_UNAVAILABLE', error.message, { cause: error });
  }
  if (error.code === 'H1B_NETNS_FAILED') return new H1Error('H1B_PATH_FAILED', error.message, { cause: error });
  return error;
}

export class PathResources {
  private readonly made: PrivateNetns[] = [];
  private readonly started: HelperProcess[] = [];
  private closing: Promise<void> | null = null;
  // Registered before any namespace exists, so it runs before PrivateNetns's own exit hooks delete
  // them: processes must be found through their namespace while it still has its name.
  private readonly onExit = (): void => {
    const pids: number[] = [];
    // Only the running ones: an exited helper's PID may belong to someone else by now.
    for (const helper of this.started.filter((started) => started.alive)) {
      helper.killNow();
      pids.push(helper.pid);
    }
    for (const netns of this.made) pids.push(...endNamespaceProcessesSync(netns.name));
    // Bounded: SIGKILL cannot be caught, it only has to be scheduled.
    waitGoneSync(pids, EXIT_WAIT_MS);
  };

  constructor() {
    process.once('exit', this.onExit);
  }

  /** A fresh namespace h1b-<pid>-<hex>-path-<role> with loopback up, deleted on close. */
  async namespace(role: NamespaceRole): Promise<PrivateNetns> {
    try {
      const netns = await PrivateNetns.create(namespaceLabel(role));
      this.made.push(netns);
      return netns;
    } catch (error) {
      throw asPathError(error);
    }
  }

  /** Track a helper so close() and the exit hook stop it. */
  adopt(helper: HelperProcess): HelperProcess {
    this.started.push(helper);
    return helper;
  }

  get namespaceNames(): readonly string[] {
    return this.made.map((netns) => netns.name);
  }

  /**
   * Stop the helpers (SIGKILL by PID, awaited), end whatever else still runs in the namespaces (a
   * server or generator a runner started there), delete the namespaces (their TUN and veth devices
   * go with them). Idempotent; every step is tried, the first failure is thrown at the end.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  /** Close after a failed open; if that fails too, throw one error saying both (the open's failure first). */
  async undo(cause: unknown): Promise<void> {
    try {
      await this.close();
    } catch (closeError) {
      const first = cause instanceof Error ? cause.message : String(cause);
      const second = closeError instanceof Error ? closeError.message : String(closeError);
      throw new H1Error('H1B_PATH_FAILED', `${first}; removing what was made also failed: ${second}`, { cause });
    }
  }

  private async closeOnce(): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(this.started.map((helper) => helper.stop()));
    for (const netns of this.made) {
      try {
        await endNamespaceProcesses(netns.name);
      } catch (error) {
        failures.push(error);
      }
    }
    for (const netns of this.made) {
      try {
        await netns.delete();
      } catch (error) {
        failures.push(asPathError(error));
      }
    }
    process.off('exit', this.onExit);
    if (failures.length > 0) throw failures[0];
  }
}

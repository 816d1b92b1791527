// Private network namespaces per run (iproute2): create with loopback up, run a child inside, always delete.

import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { H1Error } from '../errors.js';
import { processGone } from '../metrics/process-usage.js';

/** Every namespace h1bench makes is named h1b-<pid of its owner>-<random hex>, so stale ones can be swept. */
const NAME_PATTERN = /^h1b-(\d+)-[0-9a-f]+$/;
/** Environment variable naming the namespace a re-executed child runs in. */
export const NETNS_ENV = 'H1B_NETNS';
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface IpResult {
  readonly stdout: string;
}

/** Run `ip ARGS`; map failures to H1B_TOOL_MISSING / H1B_PERMISSION_DENIED / H1B_NETNS_FAILED. */
function ip(args: readonly string[]): Promise<IpResult> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ stdout });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      const text = `${stderr}`.trim() || error.message;
      if (code === 'ENOENT') {
        reject(new H1Error('H1B_TOOL_MISSING', "'ip' is not installed (Debian/Ubuntu: apt-get install iproute2)", { cause: error }));
      } else if (/not permitted|permission denied/i.test(text)) {
        reject(new H1Error('H1B_PERMISSION_DENIED', `network namespaces need root (CAP_SYS_ADMIN): ip ${args.join(' ')}: ${text}`, { cause: error }));
      } else {
        reject(new H1Error('H1B_NETNS_FAILED', `ip ${args.join(' ')} failed: ${text}`, { cause: error }));
      }
    });
  });
}

/** A namespace this process created; delete() is idempotent and also runs at process exit as a last resort. */
export class PrivateNetns {
  private deleted = false;
  private readonly onExit = (): void => {
    // 'exit' handlers must be synchronous: the one place spawnSync is right.
    spawnSync('ip', ['netns', 'delete', this.name], { stdio: 'ignore', timeout: 5_000 });
  };

  private constructor(readonly name: string) {
    process.once('exit', this.onExit);
  }

  /**
   * Create `h1b-<pid>-<rand>` and bring its loopback up (a fresh namespace has lo down). With a
   * `label` (lower-case letters, digits, dashes) the name is `h1b-<pid>-<rand>-<label>`: a part of a
   * larger resource (an emulated network path) whose own sweep also ends the processes inside, so
   * sweepStaleNetns leaves it alone.
   */
  static async create(label?: string): Promise<PrivateNetns> {
    const name = `h1b-${process.pid}-${randomBytes(4).toString('hex')}${label ? `-${label}` : ''}`;
    await ip(['netns', 'add', name]);
    const netns = new PrivateNetns(name);
    try {
      await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    } catch (error) {
      await netns.delete();
      throw error;
    }
    return netns;
  }

  /** argv that runs `command args` inside this namespace (`ip netns exec` execs it: same PID, no extra process). */
  execArgv(command: string, args: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, command, ...args];
  }

  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    process.off('exit', this.onExit);
    await ip(['netns', 'delete', this.name]);
  }
}

/**
 * Delete h1b-* namespaces whose owner process is gone (a run killed with SIGKILL, a crash).
 * Namespaces of live processes (parallel runs) are left alone. Returns the names removed.
 */
export async function sweepStaleNetns(): Promise<string[]> {
  const { stdout } = await ip(['netns', 'list']);
  const removed: string[] = [];
  for (const line of stdout.split('\n')) {
    // Lines look like "h1b-123-ab12cd34 (id: 3)" or just the name.
    const name = line.trim().split(/\s+/)[0] ?? '';
    const match = NAME_PATTERN.exec(name);
    if (!match || !processGone(Number(match[1]))) continue;
    await ip(['netns', 'delete', name]);
    removed.push(name);
  }
  return removed;
}

/** True when this process really is inside namespace `name` (same inode as /run/netns/<name>), not just told so. */
export async function insideNetns(name: string): Promise<boolean> {
  if (!NAME_PATTERN.test(name)) return false;
  try {
    const [self, named] = await Promise.all([stat('/proc/self/ns/net'), stat(`/run/netns/${name}`)]);
    return self.ino === named.ino && self.dev === named.dev;
  } catch {
    // No procfs or no such namespace: not inside it.
    return false;
  }
}

export interface NetnsChildResult {
  readonly namespace: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Sweep stale namespaces, create a fresh one, run `command args` inside it with inherited stdio and
 * `H1B_NETNS=<name>` in its environment, and delete the namespace when the child ends, whatever happens.
 * SIGINT/SIGTERM/SIGHUP received meanwhile are forwarded once to the child (its own process group, so a
 * terminal's Ctrl-C is not delivered twice); the child decides how to stop.
 */
export async function runInPrivateNetns(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<NetnsChildResult> {
  await sweepStaleNetns();
  const netns = await PrivateNetns.create();
  try {
    const [file, ...rest] = netns.execArgv(command, args);
    const child = spawn(file!, rest, { stdio: 'inherit', detached: true, env: { ...env, [NETNS_ENV]: netns.name } });
    const forward = (signal: NodeJS.Signals): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    // SIGHUP too: a closed terminal would otherwise kill us without running the finally below.
    for (const signal of FORWARDED) process.on(signal, forward);
    try {
      const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once('error', (error) => reject(new H1Error('H1B_NETNS_FAILED', `could not run ${command} in ${netns.name}: ${error.message}`, { cause: error })));
        child.once('exit', (code, sig) => resolve([code, sig]));
      });
      return { namespace: netns.name, exitCode, signal };
    } finally {
      for (const signal of FORWARDED) process.off(signal, forward);
    }
  } finally {
    await netns.delete();
  }
}

/** Outcome of asking for a private namespace: we are in one, the command ran in one, or we stay on the host. */
export type NetnsOutcome =
  | { readonly state: 'inside'; readonly namespace: string }
  | { readonly state: 'ran'; readonly namespace: string; readonly exitCode: number }
  | { readonly state: 'host'; readonly reason: string };

/**
 * For `--netns`: if this process already runs in the h1bench namespace made for it, say so; else re-run `command`
 * (the caller's own command line: executable and arguments) inside a fresh one and report the child's exit code.
 * Without root or iproute2 the answer is `host` with the reason, so the caller can run anyway and say why its
 * kernel counts are approximate.
 */
export async function enterPrivateNetns(command: readonly string[]): Promise<NetnsOutcome> {
  const name = process.env[NETNS_ENV];
  if (name && (await insideNetns(name))) return { state: 'inside', namespace: name };
  if (process.getuid && process.getuid() !== 0) {
    return { state: 'host', reason: 'network namespaces need root (CAP_SYS_ADMIN)' };
  }
  const [file, ...args] = command;
  if (file === undefined) return { state: 'host', reason: 'no command to re-run inside the namespace' };
  try {
    const result = await runInPrivateNetns(file, args);
    // Killed by a signal: the shell convention 128 + signal number.
    const exitCode = result.exitCode ?? (result.signal ? 128 + (osConstants.signals[result.signal] ?? 0) : 1);
    return { state: 'ran', namespace: result.namespace, exitCode };
  } catch (error) {
    if (error instanceof H1Error && (error.code === 'H1B_PERMISSION_DENIED' || error.code === 'H1B_TOOL_MISSING')) {
      return { state: 'host', reason: error.message };
    }
    throw error;
  }
}

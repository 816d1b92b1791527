// A path's helper processes (relay, socat bridges, probes): started inside a namespace, told to die with their owner, watched for a ready line, stopped by PID.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { H1Error } from '../../errors.js';
import { findTool } from './system.js';

/** Output kept per stream for readiness matching and error messages; a helper that talks more only keeps its tail. */
const KEEP_CHARS = 16_384;

/**
 * How a helper is scheduled. `nice`: CFS at HELPER_NICE, ahead of the benchmark's processes and of
 * anything else on a busy machine, as a network would be, yet never starving them. `realtime`:
 * SCHED_FIFO at HELPER_RT_PRIORITY, which runs the moment a packet arrives whatever the load, so
 * the emulated delay holds even when the load generator saturates the CPUs; but a path busier than
 * its CPUs then takes them from everything else on the machine (up to the kernel's RT throttle,
 * sched_rt_runtime_us: 95 % by default).
 */
export type HelperPriority = 'nice' | 'realtime';

export interface HelperOptions {
  /** An IPC channel (Node helpers): `child.send` / 'message'. It also tells a Node helper its owner is gone ('disconnect'). */
  readonly ipc?: boolean;
  /**
   * Applied by exec'ing through `nice -n N` or `chrt --fifo N`, so every thread the helper later
   * starts inherits it (setpriority(2) on a PID would reach one thread only). Default: unchanged.
   */
  readonly priority?: HelperPriority;
}

/** CFS nice value of `nice` helpers (−20 … 19; lower runs first). */
export const HELPER_NICE = -10;
/** SCHED_FIFO priority of `realtime` helpers (1 … 99): the lowest band, above every ordinary process, below the kernel's own RT threads. */
export const HELPER_RT_PRIORITY = 10;

/** Builds the argv that runs `command args` inside the right namespace (PrivateNetns.execArgv). */
export type ExecArgv = (command: string, args: readonly string[]) => string[];

/**
 * One helper process. Its argv is `ip netns exec NS [setpriv --pdeathsig KILL --] [nice -n N |
 * chrt --fifo N] command args`; each of them execs, so the PID is the helper's own. The kernel SIGKILLs
 * it when its owner dies (prctl(2) PR_SET_PDEATHSIG, kept across execve), so a SIGKILLed run leaves
 * no relay or bridge running until the next sweep; without setpriv (util-linux) the sweep alone
 * cleans up. It runs in its own process group (detached), so a Ctrl-C at the terminal reaches only
 * h1bench, which decides when the path goes: close(), or its own death.
 */
export class HelperProcess {
  readonly pid: number;
  /** Resolves when the process has exited (and been reaped). */
  readonly exited: Promise<void>;
  private readonly output = { stdout: '', stderr: '' };
  private readonly waiters = new Set<() => void>();
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private running = true;

  private constructor(
    readonly role: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      const ended = (): void => {
        this.running = false;
        for (const wake of this.waiters) wake();
        resolve();
      };
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        ended();
      });
      // A spawn failure (ENOENT, EAGAIN) comes as 'error', possibly without an 'exit'.
      child.once('error', (error) => {
        this.output.stderr += `${error.message}\n`;
        ended();
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      source.setEncoding('utf8');
      // Always drained: a helper blocked on a full pipe would stall the path.
      source.on('data', (chunk: string) => {
        const text = this.output[stream] + chunk;
        this.output[stream] = text.length > KEEP_CHARS ? text.slice(-KEEP_CHARS) : text;
        for (const wake of this.waiters) wake();
      });
    }
    // After the listeners: a failed spawn's 'error' event must find one.
    if (child.pid === undefined) throw new H1Error('H1B_PATH_FAILED', `${role} could not be started`);
    this.pid = child.pid;
  }

  /** Start `command args` inside the namespace `execArgv` enters. */
  static start(role: string, execArgv: ExecArgv, command: string, args: readonly string[], options: HelperOptions = {}): HelperProcess {
    let inner: string[] = [command, ...args];
    if (options.priority === 'nice') inner = ['nice', '-n', String(HELPER_NICE), ...inner];
    else if (options.priority === 'realtime') inner = ['chrt', '--fifo', String(HELPER_RT_PRIORITY), ...inner];
    if (findTool('setpriv')) inner = ['setpriv', '--pdeathsig', 'KILL', '--', ...inner];
    const [file, ...rest] = execArgv(inner[0]!, inner.slice(1));
    const stdio: StdioOptions = options.ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'];
    const child = spawn(file!, rest, { stdio, detached: true });
    return new HelperProcess(role, child);
  }

  get alive(): boolean {
    return this.running;
  }

  /** The last KEEP_CHARS of stderr, for error messages. */
  stderrTail(): string {
    return this.output.stderr.trim();
  }

  /**
   * Resolve with the first match of `pattern` in the stream's output (past and future), within
   * timeoutMs. Rejects with H1B_PATH_FAILED, carrying the helper's stderr, if it exits first or the
   * time runs out.
   */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const finish = (error: H1Error | null, match: RegExpExecArray | null): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve(match!);
      };
      const check = (): void => {
        const match = pattern.exec(this.output[stream]);
        if (match) finish(null, match);
        else if (!this.running) finish(this.failure(`exited (${this.exitSignal ?? `code ${this.exitCode}`}) before it was ready`), null);
      };
      const timer = setTimeout(() => finish(this.failure(`was not ready within ${timeoutMs} ms`), null), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** An H1B_PATH_FAILED naming this helper, with its stderr. */
  failure(what: string): H1Error {
    const stderr = this.stderrTail();
    return new H1Error('H1B_PATH_FAILED', `${this.role} (pid ${this.pid}) ${what}${stderr ? `: ${stderr}` : ''}`);
  }

  /** SIGKILL by PID and resolve once it has exited; idempotent. Helpers hold no state worth a graceful stop. */
  async stop(): Promise<void> {
    this.killNow();
    await this.exited;
  }

  /** SIGKILL without waiting: for synchronous process 'exit' hooks. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

// Heartbeat client processes: fork, message, SIGSTOP/SIGCONT, and a kill that always leaves nothing running.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { H1Error } from '../../errors.js';
import type { ParentMessage, WorkerMessage } from './protocol.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker.js', import.meta.url));

/** One forked client process. Messages of each type are queued until someone awaits them. */
export class WorkerHandle {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stopped = false;
  private readonly inbox: WorkerMessage[] = [];
  private waiter: { type: WorkerMessage['type']; resolve: (m: WorkerMessage) => void; reject: (e: Error) => void } | null = null;
  private exitReason: string | null = null;

  constructor() {
    // Clients need little heap; the 20,000-open-files limit is per process, hence several processes for big fleets.
    this.child = fork(WORKER_MAIN, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    this.exited = new Promise<void>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitReason = signal ?? `code ${code}`;
        this.waiter?.reject(new H1Error('H1B_SOCKET_ERROR', `heartbeat client process ${this.pid} exited (${this.exitReason})`));
        this.waiter = null;
        resolve();
      });
    });
    this.child.on('message', (raw: unknown) => {
      const message = raw as WorkerMessage;
      if (this.waiter !== null && this.waiter.type === message.type) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(message);
      } else {
        this.inbox.push(message);
      }
    });
    // An IPC error (the child died mid-send) surfaces through 'exit'; never as an unhandled error event.
    this.child.on('error', () => {});
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(message: ParentMessage): void {
    if (this.alive && this.child.connected) this.child.send(message);
  }

  /** The next message of `type`, within `timeoutMs`. */
  next<T extends WorkerMessage['type']>(type: T, timeoutMs: number): Promise<Extract<WorkerMessage, { type: T }>> {
    const queued = this.inbox.findIndex((m) => m.type === type);
    if (queued >= 0) return Promise.resolve(this.inbox.splice(queued, 1)[0] as Extract<WorkerMessage, { type: T }>);
    if (!this.alive) return Promise.reject(new H1Error('H1B_SOCKET_ERROR', `heartbeat client process ${this.pid} exited (${this.exitReason})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new H1Error('H1B_TIMEOUT', `heartbeat client process ${this.pid} sent no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<WorkerMessage, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** SIGSTOP: a real frozen process; its kernel keeps ACKing, its sockets stay open. */
  freeze(): void {
    if (this.alive && this.child.kill('SIGSTOP')) this.stopped = true;
  }

  thaw(): void {
    if (this.stopped && this.alive) this.child.kill('SIGCONT');
    this.stopped = false;
  }

  /** SIGCONT (a stopped process cannot die cleanly otherwise) then SIGKILL; resolves when it is gone. */
  async kill(): Promise<void> {
    this.thaw();
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}

export function spawnWorkers(count: number): WorkerHandle[] {
  return Array.from({ length: count }, () => new WorkerHandle());
}

/** Kill every worker still running; used in `finally`. */
export async function killAll(workers: readonly WorkerHandle[]): Promise<void> {
  await Promise.all(workers.map((w) => w.kill()));
}

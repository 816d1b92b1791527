// The owner's side of the relay: start relay-main.js inside the wire namespace, wait until it listens, ask it for its counters over IPC.

import { fileURLToPath } from 'node:url';
import { H1Error } from '../../errors.js';
import { HelperProcess, type ExecArgv, type HelperPriority } from './helper-process.js';
import type { PathResources } from './resources.js';
import type { RelayConfig, RelayCounters, RelayMessage } from './relay-protocol.js';

const RELAY_MAIN = fileURLToPath(new URL('./relay-main.js', import.meta.url));
/** Node starts in ~50 ms; ten seconds means it is stuck (or the machine is swapping). */
const READY_TIMEOUT_MS = 10_000;
const COUNTERS_TIMEOUT_MS = 2_000;

export class RelayProcess {
  private pending: ((counters: RelayCounters) => void)[] = [];

  private constructor(
    readonly helper: HelperProcess,
    /** The UDP ports the relay listens on for each bridge. */
    readonly serverPort: number,
    readonly clientPort: number,
  ) {
    helper.child.on('message', (message: RelayMessage) => {
      if (message.type !== 'stats') return;
      const waiting = this.pending;
      this.pending = [];
      for (const resolve of waiting) resolve(message.counters);
    });
  }

  /** Start the relay with `config` (run by `execArgv`, i.e. inside the wire namespace; stopped with `resources`) and resolve once both sockets are bound. */
  static async start(resources: PathResources, execArgv: ExecArgv, config: RelayConfig, priority: HelperPriority = 'nice'): Promise<RelayProcess> {
    const helper = resources.adopt(HelperProcess.start('relay', execArgv, process.execPath, [RELAY_MAIN, JSON.stringify(config)], { ipc: true, priority }));
    try {
      const ready = await new Promise<Extract<RelayMessage, { type: 'ready' }>>((resolve, reject) => {
        const timer = setTimeout(() => reject(helper.failure(`did not report ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        helper.child.on('message', (message: RelayMessage) => {
          if (message.type !== 'ready') return;
          clearTimeout(timer);
          resolve(message);
        });
        void helper.exited.then(() => {
          clearTimeout(timer);
          reject(helper.failure('exited before it was ready'));
        });
      });
      return new RelayProcess(helper, ready.serverPort, ready.clientPort);
    } catch (error) {
      await helper.stop();
      throw error;
    }
  }

  /** The relay's counters now; H1B_PATH_FAILED if it has exited or does not answer within 2 s. */
  counters(): Promise<RelayCounters> {
    if (!this.helper.alive || !this.helper.child.connected) return Promise.reject(this.helper.failure('is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new H1Error('H1B_PATH_FAILED', `relay (pid ${this.helper.pid}) did not answer within ${COUNTERS_TIMEOUT_MS} ms`)), COUNTERS_TIMEOUT_MS);
      this.pending.push((counters) => {
        clearTimeout(timer);
        resolve(counters);
      });
      this.helper.child.send({ type: 'stats' });
    });
  }
}

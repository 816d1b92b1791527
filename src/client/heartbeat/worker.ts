// Child-process entry for heartbeat clients: runs one HeartbeatFleet, driven over IPC by the coordinator.

import { monotonicClock } from '../../clock.js';
import { HeartbeatFleet } from './fleet.js';
import type { ParentMessage, WorkerMessage } from './protocol.js';

let fleet: HeartbeatFleet | null = null;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const message = raw as ParentMessage;
  switch (message.type) {
    case 'plan':
      fleet = new HeartbeatFleet(message.plan, monotonicClock);
      void fleet.warmUp().then(() => send({ type: 'ready' }));
      break;
    case 'start':
      fleet?.start(message.startUs);
      break;
    case 'inject':
      if (fleet !== null) send({ type: 'injected', atUs: fleet.inject(message.failure) });
      break;
    case 'finish':
      if (fleet !== null) {
        const result = fleet.finish(message.serverStoppedAtUs);
        fleet = null;
        process.send?.({ type: 'result', result } satisfies WorkerMessage, () => process.disconnect());
      }
      break;
  }
});

// Ctrl-C at a terminal reaches the whole process group: the coordinator decides when clients stop
// (it still collects their figures for the interrupted report), so the signal is not ours to act on.
process.on('SIGINT', () => {});

// The coordinator is gone (crashed or killed): leave nothing running.
process.on('disconnect', () => {
  fleet?.finish(null);
  process.exit(0);
});

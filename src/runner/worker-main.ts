// Entry of one `--workers` generator thread: runs a NativeEngine on each share of a load it is given, one at a time.

import { parentPort } from 'node:worker_threads';
import { NativeEngine } from '../client/engines/native.js';
import { isH1Error } from '../errors.js';
import { readThreadCpu } from '../metrics/process-usage.js';
import { round6 } from '../numbers.js';
import { toPortable, type FromWorker, type PortableLoadConfig, type ToWorker } from './worker-protocol.js';

/** How often the thread posts its progress: the CLI redraws every 200 ms at most. */
const PROGRESS_EVERY_MS = 100;

const port = parentPort!;
const send = (message: FromWorker): void => port.postMessage(message);
/** The load running now: aborting it is what an `abort` message does. */
let current: AbortController | null = null;

async function run(config: PortableLoadConfig, startAtUs: number): Promise<void> {
  const engine = new NativeEngine();
  const abort = new AbortController();
  current = abort;
  const before = readThreadCpu();
  const timer = setInterval(() => send({ type: 'progress', progress: engine.progress() }), PROGRESS_EVERY_MS);
  void engine.firstResponse().then((first) => {
    if (first) send({ type: 'first' });
  });
  try {
    const result = await engine.run({ ...config, url: new URL(config.url), startAtUs }, abort.signal);
    const after = readThreadCpu();
    const cpu =
      before === null || after === null
        ? { userSec: 0, systemSec: 0 }
        : { userSec: round6(after.userSec - before.userSec), systemSec: round6(after.systemSec - before.systemSec) };
    send({ type: 'progress', progress: engine.progress() });
    send({ type: 'done', result: toPortable(result), cpu });
  } catch (error) {
    // Reported to the main thread, which fails the whole load with it (an H1Error keeps its code).
    send({ type: 'failed', code: isH1Error(error) ? error.code : null, message: error instanceof Error ? error.message : String(error) });
  } finally {
    clearInterval(timer);
    current = null;
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'run') void run(message.config, message.startAtUs);
  else current?.abort();
});
// Read once before any load: the first read also asks getconf for USER_HZ, which must not happen mid-load.
readThreadCpu();
send({ type: 'ready' });

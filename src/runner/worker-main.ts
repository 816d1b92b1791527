// Entry of one `--workers` generator thread: a NativeEngine on its share of the load, started and stopped by the main thread.

import { parentPort, workerData } from 'node:worker_threads';
import { NativeEngine } from '../client/engines/native.js';
import { isH1Error } from '../errors.js';
import { readThreadCpu } from '../metrics/process-usage.js';
import { round6 } from '../numbers.js';
import { toPortable, type FromWorker, type ToWorker, type WorkerData } from './worker-protocol.js';

/** How often the thread posts its progress: the CLI redraws every 200 ms at most. */
const PROGRESS_EVERY_MS = 100;

const port = parentPort!;
const data = workerData as WorkerData;
const engine = new NativeEngine();
const abort = new AbortController();

const send = (message: FromWorker): void => port.postMessage(message);

function publishProgress(): void {
  send({ type: 'progress', progress: engine.progress() });
}

async function run(startAtUs: number): Promise<void> {
  const before = readThreadCpu();
  const timer = setInterval(publishProgress, PROGRESS_EVERY_MS);
  void engine.firstResponse().then((first) => {
    if (first) send({ type: 'first' });
  });
  try {
    const result = await engine.run({ ...data.config, url: new URL(data.config.url), startAtUs }, abort.signal);
    const after = readThreadCpu();
    const cpu =
      before === null || after === null
        ? { userSec: 0, systemSec: 0 }
        : { userSec: round6(after.userSec - before.userSec), systemSec: round6(after.systemSec - before.systemSec) };
    send({ type: 'done', result: toPortable(result), cpu });
  } catch (error) {
    // Reported to the main thread, which fails the whole load with it (an H1Error keeps its code).
    send({ type: 'failed', code: isH1Error(error) ? error.code : null, message: error instanceof Error ? error.message : String(error) });
  } finally {
    clearInterval(timer);
    publishProgress();
    port.close();
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') void run(message.startAtUs);
  else abort.abort();
});
// Read once before the load: the first read also asks getconf for USER_HZ, which must not happen mid-load.
readThreadCpu();
send({ type: 'ready' });

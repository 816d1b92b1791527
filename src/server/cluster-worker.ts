// Entry of one `bench serve --workers N` worker process: the ordinary server on the shared port, /stats summed over the cluster.

import { isH1Error } from '../errors.js';
import { isClusterMessage, type FromClusterWorker, type ToClusterWorker } from './cluster-protocol.js';
import { ClusterStatsWorker } from './cluster-stats.js';
import { startServer, type RunningServer } from './index.js';

const send = (message: FromClusterWorker): void => {
  // The channel is gone when the primary died; the 'disconnect' handler below ends this process.
  if (process.connected) process.send!(message);
};

const stats = new ClusterStatsWorker(send);
let server: RunningServer | null = null;

async function start(message: Extract<ToClusterWorker, { h1b: 'config' }>): Promise<void> {
  try {
    server = await startServer(message.config, { plugins: [stats.plugin] });
    send({ h1b: 'listening', port: server.port });
  } catch (error) {
    const failed: FromClusterWorker = { h1b: 'failed', code: isH1Error(error) ? error.code : null, message: error instanceof Error ? error.message : String(error) };
    // Exit once the message is on its way: the primary reports it and stops the cluster.
    process.send!(failed, () => process.exit(1));
  }
}

async function shutdown(graceMs: number): Promise<void> {
  await server?.close(graceMs);
  process.exit(0);
}

process.on('message', (message: unknown) => {
  if (!isClusterMessage(message)) return;
  const typed = message as ToClusterWorker;
  if (typed.h1b === 'config') void start(typed);
  else if (typed.h1b === 'shutdown') void shutdown(typed.graceMs);
  else stats.onMessage(typed);
});
// The primary decides when the cluster stops (it forwards SIGINT/SIGTERM as a shutdown message); a Ctrl-C at a
// terminal reaches every process of the group, and a worker that stopped on its own would make the sums wrong.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
// The primary is gone (killed): nobody can read this worker's counters any more, so stop serving.
process.on('disconnect', () => {
  void (server?.close(0) ?? Promise.resolve()).finally(() => process.exit(0));
});
send({ h1b: 'ready' });

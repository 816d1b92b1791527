// Child process for bench:peers: the embedded h1bench server (keep-alive mode), URL on stdout, stops on SIGTERM.

import { startServer } from '../../src/server/index.js';
import { DEFAULT_SERVER_CONFIG } from '../../src/types.js';

const server = await startServer({ ...DEFAULT_SERVER_CONFIG, mode: 'keep-alive', host: '127.0.0.1', port: 0 });
process.stdout.write(`${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close(500).then(() => process.exit(0));
});

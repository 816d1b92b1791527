// Child process for bench:peers: the minimal node:http peer (same 13-byte body as h1bench), URL on stdout.

import { createServer } from 'node:http';

const BODY = Buffer.from('Hello, World!', 'latin1');
const HEADERS = { 'content-type': 'text/plain', 'content-length': String(BODY.length) };

const server = createServer((_req, res) => {
  res.writeHead(200, HEADERS);
  res.end(BODY);
});
// Keep-alive connections must outlive a pause between generators, as nginx's and h1bench's do.
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`http://127.0.0.1:${port}/\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

// A port nothing listens on, for tests of refused connections.

import net from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on: bind port 0, note the port, close. */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

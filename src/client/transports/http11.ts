// HTTP/1.1 keep-alive transport: persistent connections, one request in flight on each.

import type { ClientConnection, Transport } from './connection.js';

/**
 * The connection is reused while the responses allow it (RFC 9112 §9.3, decided by what the parser saw). After a
 * `Connection: close` response the slot opens a new connection at once, which the counters show as one more
 * handshake; the old socket waits for the server's FIN in the background (ClientConnection.retire).
 */
export const http11Transport: Transport = {
  mode: '1.1',
  httpVersion: '1.1',
  requestFields: [],
  depth: 1,
  noDelay: true,
  send: sendPersistent,
  keeps: (keepAlive: boolean): boolean => keepAlive,
};

/** Shared with pipelining: reuse the open socket, or open one (the write is queued until the handshake is done). */
export function sendPersistent(conn: ClientConnection, count: number, startUs: number, intendedUs: number): void {
  if (conn.socket === null) conn.open();
  conn.write(count, startUs, intendedUs);
}

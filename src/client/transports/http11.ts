// HTTP/1.1 keep-alive transport: persistent connections, one request in flight on each.

import type { ClientConnection, Transport } from './connection.js';

/**
 * The connection is reused while the responses allow it (RFC 9112 §9.3, decided by what the parser saw). After a
 * `Connection: close` response the socket retires, the server's FIN is awaited, and the next request opens a new
 * connection, which the counters show as one more handshake.
 */
export const http11Transport: Transport = {
  mode: '1.1',
  httpVersion: '1.1',
  depth: 1,
  resendAfterClose: false,
  noDelay: true,
  send: sendPersistent,
  afterResponse: (_conn: ClientConnection, keepAlive: boolean): boolean => keepAlive,
};

/** Shared with pipelining: reuse the open socket, or open one (the write is queued until the handshake is done). */
export function sendPersistent(conn: ClientConnection, count: number, startUs: number, intendedUs: number): void {
  if (conn.socket === null) conn.open();
  conn.write(count, startUs, intendedUs);
}

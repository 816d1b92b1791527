// HTTP/1.0 transport: one new connection per request, the response read until the server closes it.

import type { ClientConnection, Transport } from './connection.js';

/**
 * Every request pays a TCP handshake. The slot is free again only when the socket has closed, so who sent the first
 * FIN is known: a 1.0 server closes after its response (RFC 9112 §9.3); if it offers to keep the connection (it saw
 * `Connection: keep-alive` from a user header), we close it ourselves and it counts as a client close.
 */
export const http10Transport: Transport = {
  mode: '1.0',
  httpVersion: '1.0',
  depth: 1,
  resendAfterClose: false,
  noDelay: false,
  send(conn: ClientConnection, count: number, startUs: number, intendedUs: number): void {
    conn.open();
    conn.write(count, startUs, intendedUs);
  },
  afterResponse(conn: ClientConnection, keepAlive: boolean): boolean {
    if (keepAlive) conn.endSocket();
    return false;
  },
};

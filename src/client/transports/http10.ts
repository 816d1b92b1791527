// HTTP/1.0 transport: one new connection per request, or (`--keep-alive`, as `ab -k`) reused while the server agrees.

import type { ClientConnection, Transport } from './connection.js';
import { sendPersistent } from './http11.js';

/**
 * Every request pays a TCP handshake. A 1.0 server closes after its response (RFC 9112 §9.3); the slot opens the
 * next connection at once while the old socket waits for the server's FIN in the background, so who sent the first
 * FIN is still known. A server that offers to keep the connection (a 1.1 answer) is closed by us: a client close.
 */
export const http10Transport: Transport = {
  mode: '1.0',
  httpVersion: '1.0',
  requestFields: [],
  depth: 1,
  noDelay: false,
  send(conn: ClientConnection, count: number, startUs: number, intendedUs: number): void {
    conn.open();
    conn.write(count, startUs, intendedUs);
  },
  keeps: (): boolean => false,
};

/**
 * HTTP/1.0 with `Connection: keep-alive` on every request: the connection persists only when the answer says
 * `Connection: keep-alive` itself (RFC 9112 §9.3, the 1.0 persistence rule; `ab -k` checks the same). Otherwise the
 * slot reconnects and the handshake is counted, as 1.1 mode does after `Connection: close`.
 */
export const http10KeepAliveTransport: Transport = {
  mode: '1.0',
  httpVersion: '1.0',
  requestFields: [['Connection', 'keep-alive']],
  depth: 1,
  noDelay: true,
  send: sendPersistent,
  keeps: (keepAlive: boolean, announced: boolean): boolean => keepAlive && announced,
};

// Connection options (RFC 9110 §7.6.1) and the persistence rule decided from them (RFC 9112 §9.3), both directions.

import { ascii, equalsLowerToken } from './bytes.js';
import { ListCursor } from './lists.js';

/** The Connection options persistence depends on, as seen in one message; the request and the response head carry them. */
export interface ConnectionOptions {
  /** `close` listed (any position, any case). */
  connectionClose: boolean;
  /** `keep-alive` listed (what an HTTP/1.0 peer sends to persist). */
  connectionKeepAlive: boolean;
}

const CLOSE = ascii('close');
const KEEP_ALIVE = ascii('keep-alive');
const list = new ListCursor();

/**
 * Note the options of one Connection line, value buf[start, end), in `into`: Connection = #connection-option, tokens
 * compared in any case; empty elements and other options (Upgrade, TE, field names) are skipped. Lines accumulate.
 */
export function noteConnectionOptions(into: ConnectionOptions, buf: Uint8Array, start: number, end: number): void {
  list.reset(start, end);
  while (list.next(buf)) {
    if (equalsLowerToken(buf, list.start, list.end, CLOSE)) into.connectionClose = true;
    else if (equalsLowerToken(buf, list.start, list.end, KEEP_ALIVE)) into.connectionKeepAlive = true;
  }
}

/**
 * Whether the peer that sent a message asked for (or defaults to) a persistent connection, RFC 9112 §9.3:
 * `close` ends it; HTTP/1.1 persists otherwise; HTTP/1.0 persists only with `keep-alive`. Framing may still end the
 * connection (framing.ts): the server applies this to requests, the client to responses.
 */
export function clientWantsPersistence(versionMinor: number, connectionClose: boolean, connectionKeepAlive: boolean): boolean {
  if (connectionClose) return false;
  return versionMinor >= 1 || connectionKeepAlive;
}

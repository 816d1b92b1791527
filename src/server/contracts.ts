// The contracts between the server's parts: what routes, plugins, the deadline sweep and event listeners may use of a
// connection. connection.ts implements them; this module imports no sibling, so the server's parts form no cycle.

import type { Socket } from 'node:net';
import type { ParsedRequest } from '../http/request.js';
import type { StaticResponse } from '../http/response-writer.js';
import type { CloseKind } from '../metrics/counters.js';

/** The one deadline a connection carries (see deadlines.ts): what it means now, when it fires, per request. */
export interface DeadlineSlot {
  phase: number;
  deadlineUs: number;
  phaseServed: number;
}

/** An accepted connection, as the rest of the server sees it. */
export interface ServerConnection extends DeadlineSlot {
  /** Unique per process, for maps keyed by connection. */
  readonly id: number;
  readonly socket: Socket;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** The socket has closed. */
  readonly closed: boolean;
  /** Errno code of the socket error that ended the connection, if any. */
  readonly errorCode: string | null;
  /** A route's pending timer (e.g. /delay), cleared if the connection closes first. */
  deferredTimer: NodeJS.Timeout | null;
  /** Answer the current request with a pre-serialized response. */
  sendStatic(response: StaticResponse): void;
  /** Answer the current request with a response built now. */
  send(status: number, contentType: string, body: Buffer): void;
  /** The deadline sweep found deadlineUs passed. */
  onDeadline(): void;
  /** Graceful shutdown: close now if nothing is in flight. */
  closeIfIdle(): void;
  /** Shutdown grace expired: drop it. */
  destroy(): void;
}

/**
 * Answers one request. It must call exactly one of conn.sendStatic / conn.send, either before returning or later
 * (a deferred answer: the connection stops parsing pipelined requests until it is sent, so order is kept).
 * `path` and `query` are the request-target split at '?' (absolute-form targets reduced to their path).
 */
export type RouteHandler = (conn: ServerConnection, req: ParsedRequest, path: string, query: string) => void;

export interface Route {
  /** '/stats' matches exactly; with prefix: true, '/bytes/' matches every path starting with it. */
  readonly path: string;
  readonly prefix?: boolean;
  readonly handle: RouteHandler;
}

/** What a module contributes to one server instance. */
export interface ServerPlugin {
  readonly routes?: readonly Route[];
  /** A connection has closed: 'server' (we sent FIN first), 'client' (its FIN came first) or 'reset' (RST). */
  onConnectionClose?(conn: ServerConnection, kind: CloseKind): void;
  /** The server is shutting down (clear timers, flush logs). */
  close?(): void;
}

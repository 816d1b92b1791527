// What the server reports as it happens (accepts, reads, requests, answers, closes, idle, liveness), for tests and embedders.

import { H1Error } from '../errors.js';
import type { ServerConnection as Connection } from './contracts.js';
import type { LivenessEvent } from './liveness.js';
import type { CloseKind } from '../metrics/counters.js';

/**
 * Each event and its listener's arguments. Arguments are positional (as the hot path's counters take them), so an
 * emit allocates no event object. Listeners get the server's live Connection: read what they need (`id`,
 * `remotePort`, `socket`) in the listener rather than keep it.
 */
export interface ServerEventMap {
  /** A TCP connection was accepted (counted in connectionsAccepted); over TLS its handshake follows. */
  accepted: [];
  /** A connection was accepted and is now served (over TLS: its handshake completed). */
  connection: [conn: Connection];
  /** A read delivered `bytes` bytes on `conn` (counted in bytesIn), before they are parsed. */
  data: [conn: Connection, bytes: number];
  /** A whole request (head and body) was received and counted; it is routed right after the listeners return. */
  request: [conn: Connection, method: string, target: string];
  /**
   * A final response was queued on `conn` with `status` (counted in responsesByStatus): a route's answer, or the
   * 4xx/5xx of a protocol error or a timeout. 1xx interim answers are not reported.
   */
  response: [conn: Connection, status: number];
  /** `conn`'s socket closed; `kind` says who closed first (counted in closedByServer / closedByClient / reset). */
  closed: [conn: Connection, kind: CloseKind];
  /** A TLS connection failed or closed before its handshake completed (counted in tlsHandshakes.failed). */
  tlsFailed: [code: string];
  /** The close that left no connection open (connectionsOpen is 0). */
  idle: [];
  /** A heartbeat liveness transition or connection end, as `--log-liveness` prints it. */
  liveness: [event: LivenessEvent];
}

export type ServerEventName = keyof ServerEventMap;
export type ServerListener<K extends ServerEventName> = (...args: ServerEventMap[K]) => void;

type ListenerLists = { [K in ServerEventName]: ReadonlyArray<ServerListener<K>> };
type Wants = { [K in ServerEventName]: boolean };

/** Default bound of waitFor(): long enough for a loaded CI machine, short enough to fail a test rather than hang it. */
export const DEFAULT_WAIT_MS = 10_000;

/**
 * The server's event table. Emitting sites test `wants.<event>` first, so with nobody listening an event costs one
 * property read and branch on the hot path (no call, no argument array). Listeners run synchronously on the
 * server's own path, in the order added: they must be quick and must not throw (a throw propagates into the
 * socket handler, as with an EventEmitter). Lists are copied on change, so a listener may remove itself.
 */
export class ServerEvents {
  /** Per event: true while at least one listener is attached (the emitting sites' guard). */
  readonly wants: Wants = { accepted: false, connection: false, data: false, request: false, response: false, closed: false, tlsFailed: false, idle: false, liveness: false };
  private readonly lists: ListenerLists = { accepted: [], connection: [], data: [], request: [], response: [], closed: [], tlsFailed: [], idle: [], liveness: [] };

  on<K extends ServerEventName>(event: K, listener: ServerListener<K>): void {
    this.set(event, [...this.lists[event], listener]);
  }

  off<K extends ServerEventName>(event: K, listener: ServerListener<K>): void {
    const list = this.lists[event];
    const at = list.indexOf(listener);
    if (at >= 0) this.set(event, [...list.slice(0, at), ...list.slice(at + 1)]);
  }

  /** `listener` for the next `event` only. */
  once<K extends ServerEventName>(event: K, listener: ServerListener<K>): void {
    const wrapper = (...args: ServerEventMap[K]): void => {
      this.off(event, wrapper);
      listener(...args);
    };
    this.on(event, wrapper);
  }

  /** Call every listener of `event`. Callers check `wants[event]` first; this does not. */
  emit<K extends ServerEventName>(event: K, ...args: ServerEventMap[K]): void {
    for (const listener of this.lists[event]) listener(...args);
  }

  /**
   * Resolve with the arguments of the next `event` for which `predicate` (if given) returns true; reject with
   * H1B_TIMEOUT after `timeoutMs`, or with the predicate's own error if it throws. The predicate sees every
   * such event until then, so it may count or collect across several.
   */
  waitFor<K extends ServerEventName>(
    event: K,
    predicate?: (...args: ServerEventMap[K]) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ServerEventMap[K]> {
    return new Promise((resolve, reject) => {
      const listener = (...args: ServerEventMap[K]): void => {
        let matched: boolean;
        try {
          matched = predicate === undefined || predicate(...args);
        } catch (error) {
          // The waiter, not the server, owns a failing predicate: reject its promise.
          finish();
          reject(error);
          return;
        }
        if (!matched) return;
        finish();
        resolve(args);
      };
      const timer = setTimeout(() => {
        this.off(event, listener);
        reject(new H1Error('H1B_TIMEOUT', `no matching '${event}' server event within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.off(event, listener);
      };
      this.on(event, listener);
    });
  }

  /** A connection has closed and `open` remain: emits `idle` when none does. Every site that lowers `open` calls it. */
  afterClose(open: number): void {
    if (open === 0 && this.wants.idle) this.emit('idle');
  }

  private set<K extends ServerEventName>(event: K, list: ReadonlyArray<ServerListener<K>>): void {
    (this.lists as { [P in K]: ReadonlyArray<ServerListener<P>> })[event] = list;
    this.wants[event] = list.length > 0;
  }
}

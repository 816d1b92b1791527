// Server plugin for heartbeats: `/heartbeat` (fast path, tiny answer), `/clients` (liveness JSON), connection ends.

import { StaticResponse } from '../http/response-writer.js';
import type { ParsedRequest } from '../http/request.js';
import type { ServerConnection as Connection, ServerPlugin } from './contracts.js';
import type { ServerContext } from './context.js';
import { LivenessRegistry, type LivenessEvent, type LivenessState } from './liveness.js';
import type { CloseKind } from '../metrics/counters.js';

const TEXT = 'text/plain';
const JSON_TYPE = 'application/json';

/**
 * Where `--log-liveness` events go. Only the CLI prints, so `bench serve` installs a sink that
 * writes JSON lines to stderr (with the flag). Events are materialised only for state changes and
 * connection ends, never per beat, and handed to the sink and the server's `liveness` listeners.
 */
let livenessSink: ((event: LivenessEvent) => void) | null = null;

export function setLivenessSink(sink: ((event: LivenessEvent) => void) | null): void {
  livenessSink = sink;
}

export interface HeartbeatQuery {
  id: string;
  intervalMs: number;
}

/** `id` and `interval` from a query string such as `id=c17&interval=1000` ('' / 0 when absent), written into `out`. */
export function parseHeartbeatQuery(query: string, out: HeartbeatQuery = { id: '', intervalMs: 0 }): HeartbeatQuery {
  let id = '';
  let intervalMs = 0;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    const eq = query.indexOf('=', start);
    if (eq > start && eq < end) {
      const name = query.slice(start, eq);
      const value = query.slice(eq + 1, end);
      if (name === 'id') id = value.includes('%') ? safeDecode(value) : value;
      else if (name === 'interval') {
        const n = Number(value);
        if (Number.isFinite(n) && n > 0) intervalMs = n;
      }
    }
    start = end + 1;
  }
  out.id = id;
  out.intervalMs = intervalMs;
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a malformed escape is still a usable, stable id
  }
}

export function heartbeatRoutes(ctx: ServerContext): ServerPlugin {
  const registry = new LivenessRegistry({
    clock: ctx.clock,
    timeoutMs: ctx.config.heartbeatTimeoutMs,
    onEvent: (event) => {
      if (ctx.config.logLiveness) livenessSink?.(event);
      if (ctx.events.wants.liveness) ctx.events.emit('liveness', event);
    },
  });
  registry.start();
  /** Which client a connection carries heartbeats for (by connection id), so its close can be recorded. */
  const owners = new Map<number, string>();
  const ok = new StaticResponse(200, TEXT, Buffer.from('ok', 'latin1'), ctx.connectionHeaders, ctx.dates);
  const missingId = Buffer.from('heartbeat needs ?id= or an X-Client-Id header\n', 'latin1');

  // One scratch object per server: the heartbeat fast path makes no object per request.
  const parsed: HeartbeatQuery = { id: '', intervalMs: 0 };
  const heartbeat = (conn: Connection, req: ParsedRequest, _path: string, query: string): void => {
    parseHeartbeatQuery(query, parsed);
    const id = req.xClientId ?? parsed.id;
    if (id === '') return conn.send(400, TEXT, missingId);
    registry.beat(id, parsed.intervalMs);
    if (owners.get(conn.id) !== id) owners.set(conn.id, id);
    conn.sendStatic(ok);
  };

  const clients = (conn: Connection, _req: ParsedRequest, _path: string, query: string): void => {
    const state = /(?:^|&)state=(online|offline|all)(?:&|$)/.exec(query)?.[1];
    const body: Record<string, unknown> = { ...registry.snapshot(), nowUs: ctx.clock.nowUs() };
    if (state !== undefined) body['list'] = registry.list(state === 'all' ? undefined : (state as LivenessState));
    conn.send(200, JSON_TYPE, Buffer.from(`${JSON.stringify(body)}\n`, 'utf8'));
  };

  return {
    routes: [
      { path: '/heartbeat', handle: heartbeat },
      { path: '/clients', handle: clients },
    ],
    onConnectionClose(conn: Connection, kind: CloseKind): void {
      const id = owners.get(conn.id);
      if (id === undefined) return;
      owners.delete(conn.id);
      // The server closing (HTTP/1.0 after each answer, idle timeout) says nothing about the client.
      if (kind === 'client') registry.connectionEnded(id, 'close');
      else if (kind === 'reset') registry.connectionEnded(id, conn.errorCode === 'ETIMEDOUT' ? 'timeout' : 'reset');
    },
    close(): void {
      registry.stop();
    },
  };
}

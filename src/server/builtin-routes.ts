// The built-in routes: `/` (fixed body), `/bytes/N`, `/delay/MS`, `/stats` (with its quiescent long-poll), and the 404 fallback.

import type { ParsedRequest } from '../http/request.js';
import type { StaticResponse } from '../http/response-writer.js';
import type { ServerContext } from './context.js';
import type { Route, ServerConnection as Connection, ServerPlugin } from './contracts.js';

const TEXT = 'text/plain';
const JSON_TYPE = 'application/json';
const OCTETS = 'application/octet-stream';

/** Whole non-negative decimal without sign or spaces (at most 15 digits), else -1. */
export function parseDecimal(text: string): number {
  if (text.length === 0 || text.length > 15) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function badParam(conn: Connection, message: string): void {
  conn.send(400, TEXT, Buffer.from(`${message}\n`, 'latin1'));
}

/** Timer callback for /delay: module-level with the connection and the answer as arguments, so no closure per request. */
function finishDelay(conn: Connection, root: StaticResponse): void {
  conn.deferredTimer = null;
  if (!conn.closed) conn.sendStatic(root);
}

/** `quiescent=MS` in a `/stats` query string: MS, or -1 when absent, -2 when not a whole number. */
export function quiescentParam(query: string): number {
  const match = /(?:^|&)quiescent=([^&]*)/.exec(query);
  if (match === null) return -1;
  const ms = parseDecimal(match[1]!);
  return ms < 0 ? -2 : ms;
}

export function builtinRoutes(ctx: ServerContext): ServerPlugin {
  const { maxBytesRoute, maxDelayMs } = ctx.config;
  // One shared body for /bytes/N, grown on demand up to maxBytesRoute and sliced (never copied) per response.
  let filler = Buffer.alloc(0);
  const fillerOf = (n: number): Buffer => {
    if (filler.length < n) filler = Buffer.alloc(Math.min(maxBytesRoute, Math.max(n, filler.length * 2, 4096)), 0x78);
    return filler.subarray(0, n);
  };

  const sendStats = (conn: Connection): void => conn.send(200, JSON_TYPE, Buffer.from(`${JSON.stringify(ctx.stats.snapshot())}\n`, 'utf8'));

  // `/stats?quiescent=MS` long-poll: the probe of a run asks for the counters once the load's connections have
  // closed, and gets them on the close that leaves only the waiting probes open, instead of polling. Held
  // connections are deferred answers (conn.deferredTimer bounds them, cleared if the probe goes away).
  const waiting = new Set<Connection>();
  const quiet = (): boolean => ctx.stats.open <= waiting.size;
  const releaseWaiting = (): void => {
    const held = [...waiting];
    waiting.clear();
    for (const conn of held) {
      if (conn.deferredTimer !== null) clearTimeout(conn.deferredTimer);
      conn.deferredTimer = null;
      sendStats(conn);
    }
  };
  // Bound reached: answer with the counters as they are. Made once per server, not per request.
  const quiescentBound = (conn: Connection): void => {
    conn.deferredTimer = null;
    waiting.delete(conn);
    if (!conn.closed) sendStats(conn);
  };
  const stats = (conn: Connection, _req: ParsedRequest, _path: string, query: string): void => {
    const ms = query === '' ? -1 : quiescentParam(query);
    if (ms === -2 || ms > maxDelayMs) return badParam(conn, `/stats?quiescent=MS needs 0 <= MS <= ${maxDelayMs}`);
    if (ms <= 0) return sendStats(conn);
    waiting.add(conn);
    if (quiet()) return releaseWaiting();
    conn.deferredTimer = setTimeout(quiescentBound, ms, conn);
  };

  const routes: Route[] = [
    { path: '/', handle: (conn) => conn.sendStatic(ctx.root) },
    {
      path: '/bytes/',
      prefix: true,
      handle: (conn, _req: ParsedRequest, path) => {
        const n = parseDecimal(path.slice(7));
        if (n < 0 || n > maxBytesRoute) return badParam(conn, `/bytes/N needs 0 <= N <= ${maxBytesRoute}`);
        conn.send(200, OCTETS, fillerOf(n));
      },
    },
    {
      path: '/delay/',
      prefix: true,
      handle: (conn, _req, path) => {
        const ms = parseDecimal(path.slice(7));
        if (ms < 0 || ms > maxDelayMs) return badParam(conn, `/delay/MS needs 0 <= MS <= ${maxDelayMs}`);
        conn.deferredTimer = setTimeout(finishDelay, ms, conn, ctx.root);
      },
    },
    { path: '/stats', handle: stats },
  ];
  return {
    routes,
    onConnectionClose(conn: Connection): void {
      if (waiting.size === 0) return;
      waiting.delete(conn);
      if (waiting.size > 0 && quiet()) releaseWaiting();
    },
  };
}

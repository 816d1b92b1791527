// The built-in routes: `/` (fixed body), `/bytes/N`, `/delay/MS`, `/stats`, and the 404 fallback.

import type { ParsedRequest } from '../http/request.js';
import type { Connection } from './connection.js';
import type { ServerContext } from './context.js';
import type { ServerPlugin } from './plugins.js';
import type { Route } from './routes.js';

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

export function notFound(conn: Connection): void {
  conn.sendStatic(conn.ctx.notFound);
}

/** Timer callback for /delay: module-level with the connection as argument, so no closure per request. */
function finishDelay(conn: Connection): void {
  conn.deferredTimer = null;
  if (!conn.closed) conn.sendStatic(conn.ctx.root);
}

export function builtinRoutes(ctx: ServerContext): ServerPlugin {
  const { maxBytesRoute, maxDelayMs } = ctx.config;
  // One shared body for /bytes/N, grown on demand up to maxBytesRoute and sliced (never copied) per response.
  let filler = Buffer.alloc(0);
  const fillerOf = (n: number): Buffer => {
    if (filler.length < n) filler = Buffer.alloc(Math.min(maxBytesRoute, Math.max(n, filler.length * 2, 4096)), 0x78);
    return filler.subarray(0, n);
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
        conn.deferredTimer = setTimeout(finishDelay, ms, conn);
      },
    },
    {
      path: '/stats',
      handle: (conn) => conn.send(200, JSON_TYPE, Buffer.from(`${JSON.stringify(ctx.stats.snapshot())}\n`, 'utf8')),
    },
  ];
  return { routes };
}

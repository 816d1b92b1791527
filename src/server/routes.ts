// Route dispatch: a small table of exact paths and prefixes; plugins add routes without touching the connection code.

import type { ParsedRequest } from '../http/request.js';
import type { Route, RouteHandler, ServerConnection } from './contracts.js';

export type { Route, RouteHandler } from './contracts.js';

export class RouteTable {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly prefixes: Array<{ path: string; handle: RouteHandler }> = [];
  private fallback: RouteHandler;

  constructor(notFound: RouteHandler) {
    this.fallback = notFound;
  }

  add(route: Route): void {
    if (route.prefix === true) this.prefixes.push({ path: route.path, handle: route.handle });
    else this.exact.set(route.path, route.handle);
  }

  /** Used for anything no route matches (404). */
  setFallback(handle: RouteHandler): void {
    this.fallback = handle;
  }

  dispatch(conn: ServerConnection, req: ParsedRequest): void {
    const target = req.target;
    let path = target;
    let query = '';
    if (target !== '/') {
      let start = 0;
      if (target.charCodeAt(0) !== 0x2f) start = pathStartOfAbsoluteForm(target);
      const q = target.indexOf('?', start);
      path = start < 0 ? target : target.slice(start, q < 0 ? target.length : q) || '/';
      if (q >= 0) query = target.slice(q + 1);
    }
    const exact = this.exact.get(path);
    if (exact !== undefined) return exact(conn, req, path, query);
    for (const p of this.prefixes) {
      if (path.startsWith(p.path)) return p.handle(conn, req, path, query);
    }
    return this.fallback(conn, req, path, query);
  }
}

/** absolute-form "http://host:port/path?q" → index of "/path" ('' path → length); -1 for '*' and authority-form. */
function pathStartOfAbsoluteForm(target: string): number {
  const scheme = target.indexOf('://');
  if (scheme <= 0) return -1;
  const slash = target.indexOf('/', scheme + 3);
  if (slash >= 0) return slash;
  const q = target.indexOf('?', scheme + 3);
  return q >= 0 ? q : target.length;
}

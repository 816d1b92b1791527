// Pre-serialized HTTP/1.1 responses: a fixed response is built once per Date second per connection disposition.

import type { DateCache } from './date-cache.js';

/** How the connection continues after a response: the only per-connection header block. */
export const CLOSE = 0;
/** HTTP/1.1 persists by default (RFC 9112 §9.3): only the idle timeout is announced. */
export const KEEP_ALIVE = 1;
/** HTTP/1.0 persists only when both sides say so: `Connection: keep-alive` is echoed back. */
export const KEEP_ALIVE_ECHO = 2;
export type Disposition = typeof CLOSE | typeof KEEP_ALIVE | typeof KEEP_ALIVE_ECHO;
const DISPOSITIONS = 3;

export const REASONS: Readonly<Record<number, string>> = Object.freeze({
  100: 'Continue',
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
});

export const CONTINUE_100 = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

/** The connection header blocks, fixed for a server's lifetime (timeout from its config), indexed by Disposition. */
export class ConnectionHeaders {
  readonly blocks: readonly [string, string, string];
  constructor(keepAliveTimeoutMs: number) {
    // Keep-Alive is announced in whole seconds (RFC 2068 §19.7.1.1 syntax; undici and node:http read it).
    const seconds = Math.max(1, Math.floor(keepAliveTimeoutMs / 1000));
    const hint = `Keep-Alive: timeout=${seconds}\r\n`;
    this.blocks = ['Connection: close\r\n', hint, `Connection: keep-alive\r\n${hint}`];
  }
}

/**
 * Status line and fields up to and including the empty line; HTTP/1.1 even to 1.0 clients (RFC 9110 §2.5).
 * Only what the RFCs ask for (Date, Content-Type, Content-Length) plus the connection block: every byte is paid
 * for by both sides on every response, and node:http sends no Server field either.
 */
export function serializeHead(status: number, date: string, contentType: string, contentLength: number, block: string): string {
  return (
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Unknown'}\r\nDate: ${date}\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${contentLength}\r\n${block}\r\n`
  );
}

/** A whole response (head + body) as one Buffer. */
export function serializeResponse(status: number, date: string, contentType: string, body: Buffer, block: string, headOnly: boolean): Buffer {
  const head = serializeHead(status, date, contentType, body.length, block);
  if (headOnly || body.length === 0) return Buffer.from(head, 'latin1');
  const out = Buffer.allocUnsafe(head.length + body.length);
  out.write(head, 0, 'latin1');
  body.copy(out, head.length);
  return out;
}

/**
 * A response whose bytes only change with the Date second: one buffer per Disposition × {GET, HEAD},
 * rebuilt lazily when the date cache's generation moves. Serving it is an array load.
 */
export class StaticResponse {
  private generation = -1;
  private readonly built: Buffer[] = [];

  constructor(
    readonly status: number,
    private readonly contentType: string,
    private readonly body: Buffer,
    private readonly headers: ConnectionHeaders,
    private readonly dates: DateCache,
  ) {}

  /** The bytes for this disposition; `headOnly` for HEAD. */
  get(disposition: Disposition, headOnly: boolean): Buffer {
    if (this.generation !== this.dates.generation) this.rebuild();
    return this.built[disposition * 2 + (headOnly ? 1 : 0)]!;
  }

  private rebuild(): void {
    const date = this.dates.get(Date.now());
    this.generation = this.dates.generation;
    for (let d = 0; d < DISPOSITIONS; d++) {
      const block = this.headers.blocks[d]!;
      this.built[d * 2] = serializeResponse(this.status, date, this.contentType, this.body, block, false);
      this.built[d * 2 + 1] = serializeResponse(this.status, date, this.contentType, this.body, block, true);
    }
  }
}

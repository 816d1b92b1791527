// The parsed request the parser hands to the server: only the fields the server needs are materialised.

import type { ConnectionOptions } from './rules/connection.js';
import type { TransferCodings } from './rules/transfer-coding.js';

/** Status codes a parse error maps to (RFC 9112 strictness, see request-parser.ts). */
export type ParseErrorStatus = 400 | 408 | 413 | 414 | 431 | 505;

/** A request the parser rejected: the status to answer with and a short reason (for logs and tests). */
export interface ParseError {
  readonly status: ParseErrorStatus;
  readonly reason: string;
}

/** One request. A fresh object per request (fixed shape, cheap in V8's young generation); the sink may keep it. */
export class ParsedRequest implements ConnectionOptions, TransferCodings {
  /** Interned for the standard methods, so comparing with === is cheap. */
  method = '';
  /** The request-target exactly as sent (origin-form, absolute-form, authority-form or '*'). */
  target = '';
  versionMajor = 1;
  /** 0 for HTTP/1.0; 1 for HTTP/1.1 and later 1.x minors (RFC 9110 §2.5: treat as the highest we implement). */
  versionMinor = 1;
  /** `Connection: close` seen (any token position, any case). */
  connectionClose = false;
  /** `Connection: keep-alive` seen. */
  connectionKeepAlive = false;
  hostCount = 0;
  /** -1 when absent; CONTENT_LENGTH_HUGE (2^53, over every limit) for a value past 2^53 - 1 (rules/content-length.ts). */
  contentLength = -1;
  chunked = false;
  /** `Expect: 100-continue`. */
  expectContinue = false;
  /** `X-Client-Id` value (heartbeat clients identify themselves with it), or null. */
  xClientId: string | null = null;
  /** Body bytes received (after de-chunking). */
  bodyBytes = 0;
  /** Field lines in the header section. */
  headerCount = 0;
  /** All header (then trailer) field lines as [name, value] strings, only when the parser keeps them (tests). */
  headers: Array<[string, string]> | null = null;
  /** Body chunks, only when the parser keeps them (tests). */
  body: Buffer[] | null = null;
  /** Transfer-Encoding tally while the header section is parsed (rules/transfer-coding.ts). */
  teElements = 0;
  teChunkedCount = 0;
  teLastIsChunked = false;
}

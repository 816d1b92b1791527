// The request parser's errors, each a status (RFC 9112) and a short reason; framing reasons come from rules/.

import type { ParseError, ParseErrorStatus } from './request.js';
import { CHUNK_REASONS, CHUNK_TOO_LARGE } from './rules/chunked.js';
import { REASON_CONTENT_LENGTH_CONFLICT, REASON_CONTENT_LENGTH_INVALID } from './rules/content-length.js';
import { REASON_CL_AND_TE, REASON_TE_HTTP10, REASON_TE_NOT_CHUNKED } from './rules/framing.js';

const fail = (status: ParseErrorStatus, reason: string): ParseError => Object.freeze({ status, reason });

export const E_BODY_TOO_LARGE = fail(413, 'body over the limit');
export const E_URI_TOO_LONG = fail(414, 'request line over the limit');
export const E_HEADERS_TOO_LARGE = fail(431, 'header section over the limit');
export const E_TOO_MANY_HEADERS = fail(431, 'too many header fields');
export const E_NO_HOST = fail(400, 'HTTP/1.1 request without Host');
export const E_MANY_HOSTS = fail(400, 'more than one Host');
export const E_BAD_HOST = fail(400, 'invalid Host');
export const E_CL_INVALID = fail(400, REASON_CONTENT_LENGTH_INVALID);
export const E_CL_CONFLICT = fail(400, REASON_CONTENT_LENGTH_CONFLICT);
export const E_BAD_TE = fail(400, 'invalid Transfer-Encoding');
export const E_CL_AND_TE = fail(400, REASON_CL_AND_TE);
export const E_TE_NOT_CHUNKED = fail(400, REASON_TE_NOT_CHUNKED);
export const E_TE_HTTP10 = fail(400, REASON_TE_HTTP10);
export const E_VERSION = fail(505, 'HTTP major version not supported');
export const E_EMPTY_LINES = fail(400, 'too many empty lines before the request line');
export const E_BARE_LF = fail(400, 'bare LF');
export const E_BARE_CR = fail(400, 'bare CR');

/** Chunked framing errors by CHUNK_ code: a size past the bound is over every body limit (413), the rest are 400. */
export const E_CHUNK: readonly ParseError[] = Object.freeze(
  CHUNK_REASONS.map((reason, code) => (code === CHUNK_TOO_LARGE ? E_BODY_TOO_LARGE : fail(400, reason))),
);

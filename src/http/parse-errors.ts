// The parse errors of the request parser's framing checks, each a status (RFC 9112) and a short reason.

import type { ParseError, ParseErrorStatus } from './request.js';

const fail = (status: ParseErrorStatus, reason: string): ParseError => Object.freeze({ status, reason });

export const E_BAD_CHUNK = fail(400, 'invalid chunk-size line');
export const E_CHUNK_LINE = fail(400, 'chunk-size line too long');
export const E_CHUNK_CRLF = fail(400, 'chunk data not followed by CRLF');
export const E_BODY_TOO_LARGE = fail(413, 'body over the limit');
export const E_URI_TOO_LONG = fail(414, 'request line over the limit');
export const E_HEADERS_TOO_LARGE = fail(431, 'header section over the limit');
export const E_TOO_MANY_HEADERS = fail(431, 'too many header fields');
export const E_NO_HOST = fail(400, 'HTTP/1.1 request without Host');
export const E_MANY_HOSTS = fail(400, 'more than one Host');
export const E_CL_AND_TE = fail(400, 'both Content-Length and Transfer-Encoding');
export const E_TE_NOT_CHUNKED = fail(400, 'transfer coding list does not end in chunked');
export const E_TE_HTTP10 = fail(400, 'Transfer-Encoding in an HTTP/1.0 request');
export const E_VERSION = fail(505, 'HTTP major version not supported');
export const E_EMPTY_LINES = fail(400, 'too many empty lines before the request line');
export const E_BARE_LF = fail(400, 'bare LF');
export const E_BARE_CR = fail(400, 'bare CR');

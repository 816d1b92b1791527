// Message body length (RFC 9112 §6.3): which of Content-Length, chunked or the connection's close delimits a body,
// decided once per message from its tallied header fields; one function per direction, where the rules differ.

import { CONTENT_LENGTH_ABSENT } from './content-length.js';
import type { TransferCodings } from './transfer-coding.js';

/** No body: Content-Length 0, no framing field on a request, or a response that never has one. */
export const BODY_NONE = 0;
/** Content-Length bytes. */
export const BODY_LENGTH = 1;
/** Chunked transfer coding (RFC 9112 §7.1). */
export const BODY_CHUNKED = 2;
/** Responses only: chunked, but the connection is not reused after it (rule 3: Content-Length came too). */
export const BODY_CHUNKED_THEN_CLOSE = 3;
/** Responses only: the body runs until the server closes the connection (rules 4 and 8). */
export const BODY_UNTIL_CLOSE = 4;

/** Requests only (400): Transfer-Encoding with Content-Length (rule 3: a server MAY reject; smuggling defence). */
export const REQUEST_CL_AND_TE = -1;
/** Requests only (400): Transfer-Encoding in an HTTP/1.0 request (§6.1: the framing is faulty). */
export const REQUEST_TE_HTTP10 = -2;
/** Requests only (400): the final coding is not chunked, or chunked is applied more than once (rule 4, §6.1). */
export const REQUEST_TE_NOT_CHUNKED = -3;

export const REASON_CL_AND_TE = 'both Content-Length and Transfer-Encoding';
export const REASON_TE_HTTP10 = 'Transfer-Encoding in an HTTP/1.0 request';
export const REASON_TE_NOT_CHUNKED = 'transfer coding list does not end in chunked';

/**
 * A request's body framing: BODY_NONE, BODY_LENGTH or BODY_CHUNKED, or a negative REQUEST_ code to answer 400 with.
 * `contentLength` is the folded Content-Length (content-length.ts; CONTENT_LENGTH_ABSENT without one). A request has
 * no close-delimited body (rule 7): without framing fields its length is 0. The body size limit is the caller's.
 */
export function requestFraming(versionMinor: number, contentLength: number, te: TransferCodings): number {
  if (te.teElements > 0) {
    if (contentLength !== CONTENT_LENGTH_ABSENT) return REQUEST_CL_AND_TE;
    if (versionMinor === 0) return REQUEST_TE_HTTP10;
    // Rule 4: a server MUST answer 400 when the final coding is not chunked; chunked twice is refused the same way.
    if (!te.teLastIsChunked || te.teChunkedCount !== 1) return REQUEST_TE_NOT_CHUNKED;
    return BODY_CHUNKED;
  }
  return contentLength > 0 ? BODY_LENGTH : BODY_NONE;
}

/**
 * A response's body framing: one of the BODY_ constants (never an error: a client reads what it can delimit).
 * `status` is the final status code, `toHead` that the request was HEAD; `contentLength` as for requests (a valid one).
 */
export function responseFraming(status: number, toHead: boolean, contentLength: number, te: TransferCodings): number {
  // Rule 1: no body after HEAD, nor in 1xx, 204 and 304, whatever the fields say.
  if (toHead || status < 200 || status === 204 || status === 304) return BODY_NONE;
  if (te.teElements > 0) {
    // Rule 3: Transfer-Encoding overrides Content-Length; both at once may be response splitting, so no reuse.
    // Rule 4: a final coding other than chunked (or a list a client cannot read) is delimited by close.
    if (!te.teLastIsChunked) return BODY_UNTIL_CLOSE;
    return contentLength === CONTENT_LENGTH_ABSENT ? BODY_CHUNKED : BODY_CHUNKED_THEN_CLOSE;
  }
  // Rule 6, then rule 8: no framing field at all, the body runs until the server closes.
  if (contentLength !== CONTENT_LENGTH_ABSENT) return contentLength === 0 ? BODY_NONE : BODY_LENGTH;
  return BODY_UNTIL_CLOSE;
}

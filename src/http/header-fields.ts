// Recognises the few header fields the server acts on (by length, then case-insensitive bytes) and checks their values.

import type { ParsedRequest, ParseError } from './request.js';
import { ascii, equalsLowerToken, COMMA, HOST_CHAR, HTAB, SEMI, SP, TCHAR } from './tokens.js';

const HOST = ascii('host');
const CONNECTION = ascii('connection');
const CONTENT_LENGTH = ascii('content-length');
const TRANSFER_ENCODING = ascii('transfer-encoding');
const X_CLIENT_ID = ascii('x-client-id');
const EXPECT = ascii('expect');
const CLOSE = ascii('close');
const KEEP_ALIVE = ascii('keep-alive');
const CHUNKED = ascii('chunked');
const CONTINUE = ascii('100-continue');

const err = (reason: string): ParseError => Object.freeze({ status: 400, reason });
const BAD_CL = err('invalid Content-Length');
const DIFFERENT_CL = err('differing Content-Length values');
const BAD_TE = err('invalid Transfer-Encoding');
const BAD_HOST = err('invalid Host');

/** Largest number of Content-Length digits kept exactly; longer values are over every limit (413). */
const MAX_CL_DIGITS = 15;

/**
 * Act on one field line of the header section. Unknown fields cost one switch on the name length.
 * Returns null, or the error to answer with.
 */
export function applyHeaderField(req: ParsedRequest, buf: Buffer, ns: number, ne: number, vs: number, ve: number): ParseError | null {
  switch (ne - ns) {
    case 4:
      if (equalsLowerToken(buf, ns, ne, HOST)) return applyHost(req, buf, vs, ve);
      return null;
    case 6:
      if (equalsLowerToken(buf, ns, ne, EXPECT)) req.expectContinue = equalsLowerToken(buf, vs, ve, CONTINUE);
      return null;
    case 10:
      if (equalsLowerToken(buf, ns, ne, CONNECTION)) applyConnection(req, buf, vs, ve);
      return null;
    case 11:
      if (equalsLowerToken(buf, ns, ne, X_CLIENT_ID)) req.xClientId = buf.toString('latin1', vs, ve);
      return null;
    case 14:
      if (equalsLowerToken(buf, ns, ne, CONTENT_LENGTH)) return applyContentLength(req, buf, vs, ve);
      return null;
    case 17:
      if (equalsLowerToken(buf, ns, ne, TRANSFER_ENCODING)) return applyTransferEncoding(req, buf, vs, ve);
      return null;
    default:
      return null;
  }
}

function applyHost(req: ParsedRequest, buf: Buffer, vs: number, ve: number): ParseError | null {
  req.hostCount++;
  const hostChar = HOST_CHAR;
  for (let i = vs; i < ve; i++) if (hostChar[buf[i]!] === 0) return BAD_HOST;
  return null;
}

/** Next list element [start, end) after trimming OWS; returns the index of the separating comma (or ve). */
function elementEnd(buf: Buffer, start: number, ve: number): number {
  let i = start;
  while (i < ve && buf[i] !== COMMA) i++;
  return i;
}

function trimStart(buf: Buffer, i: number, end: number): number {
  while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
  return i;
}

function trimEnd(buf: Buffer, start: number, end: number): number {
  while (end > start && (buf[end - 1] === SP || buf[end - 1] === HTAB)) end--;
  return end;
}

/** Connection = #connection-option (RFC 9110 §7.6.1); only close and keep-alive matter here. */
function applyConnection(req: ParsedRequest, buf: Buffer, vs: number, ve: number): void {
  let i = vs;
  while (i <= ve) {
    const comma = elementEnd(buf, i, ve);
    const s = trimStart(buf, i, comma);
    const e = trimEnd(buf, s, comma);
    if (equalsLowerToken(buf, s, e, CLOSE)) req.connectionClose = true;
    else if (equalsLowerToken(buf, s, e, KEEP_ALIVE)) req.connectionKeepAlive = true;
    i = comma + 1;
  }
}

/**
 * Content-Length = 1*DIGIT (RFC 9110 §8.6). A list of identical values ("42, 42") or repeated identical lines is
 * accepted as the RFC allows; differing or non-numeric values are a 400 (request smuggling defence).
 */
function applyContentLength(req: ParsedRequest, buf: Buffer, vs: number, ve: number): ParseError | null {
  let i = vs;
  while (i <= ve) {
    const comma = elementEnd(buf, i, ve);
    const s = trimStart(buf, i, comma);
    const e = trimEnd(buf, s, comma);
    if (s === e) return BAD_CL;
    let value = 0;
    for (let j = s; j < e; j++) {
      const d = buf[j]! - 0x30;
      if (d < 0 || d > 9) return BAD_CL;
      value = value * 10 + d;
    }
    // Leading zeros do not make a value long; count significant digits.
    let first = s;
    while (first < e - 1 && buf[first] === 0x30) first++;
    if (e - first > MAX_CL_DIGITS) {
      if (req.contentLength >= 0 && !req.contentLengthHuge) return DIFFERENT_CL;
      req.contentLengthHuge = true;
      req.contentLength = Number.MAX_SAFE_INTEGER;
    } else if (req.contentLength >= 0 && req.contentLength !== value) {
      return DIFFERENT_CL;
    } else {
      req.contentLength = value;
    }
    i = comma + 1;
  }
  return null;
}

/**
 * Transfer-Encoding = #transfer-coding (RFC 9112 §6.1). Lines combine into one list. The final coding must be
 * chunked, applied once; other codings before it are tolerated (the body is discarded, never decoded).
 */
function applyTransferEncoding(req: ParsedRequest, buf: Buffer, vs: number, ve: number): ParseError | null {
  const before = req.teElements;
  let i = vs;
  while (i <= ve) {
    const comma = elementEnd(buf, i, ve);
    const s = trimStart(buf, i, comma);
    const e = trimEnd(buf, s, comma);
    i = comma + 1;
    if (s === e) continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    let t = s;
    while (t < e && TCHAR[buf[t]!] === 1) t++;
    if (t === s) return BAD_TE;
    const rest = trimStart(buf, t, e);
    if (rest < e && buf[rest] !== SEMI) return BAD_TE;
    req.teElements++;
    const isChunked = rest === e && equalsLowerToken(buf, s, t, CHUNKED);
    if (isChunked) req.teChunkedCount++;
    req.teLastIsChunked = isChunked;
  }
  return req.teElements === before ? BAD_TE : null;
}

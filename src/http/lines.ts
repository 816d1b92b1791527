// Single-pass scanners for the request line and one field line (RFC 9112 §3, §5): validate and find the end.

import type { ParsedRequest, ParseError } from './request.js';
import { CR, FIELD_CONTENT, LF, SLASH, SP, TARGET_CHAR, TCHAR } from './rules/bytes.js';

export const INCOMPLETE = -1;
export const INVALID = -2;

/** Offsets of the last field line scanned (reused, so scanning allocates nothing), or the error. */
export interface LineScan {
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
  error: ParseError | null;
}

const bad = (reason: string): ParseError => Object.freeze({ status: 400, reason });
const E_METHOD = bad('invalid method token');
const E_TARGET = bad('invalid request-target');
const E_VERSION_SYNTAX = bad('invalid HTTP-version');
const E_BARE_CR = bad('bare CR');
const E_BARE_LF = bad('bare LF (line not ended by CRLF)');
const E_OBS_FOLD = bad('obs-fold (field line starting with whitespace)');
const E_SPACE_BEFORE_COLON = bad('whitespace between field name and colon');
const E_FIELD_NAME = bad('invalid field name');
const E_FIELD_VALUE = bad('invalid byte in field value');
const E_ASTERISK = bad("'*' target is only for OPTIONS");

function invalid(scan: LineScan, error: ParseError): number {
  scan.error = error;
  return INVALID;
}

/** Method strings interned so the server compares with === and parsing allocates no string for them. */
function internMethod(buf: Buffer, s: number, e: number): string {
  const c0 = buf[s];
  switch (e - s) {
    case 3:
      if (c0 === 0x47 && buf[s + 1] === 0x45 && buf[s + 2] === 0x54) return 'GET';
      if (c0 === 0x50 && buf[s + 1] === 0x55 && buf[s + 2] === 0x54) return 'PUT';
      break;
    case 4:
      if (c0 === 0x48 && buf[s + 1] === 0x45 && buf[s + 2] === 0x41 && buf[s + 3] === 0x44) return 'HEAD';
      if (c0 === 0x50 && buf[s + 1] === 0x4f && buf[s + 2] === 0x53 && buf[s + 3] === 0x54) return 'POST';
      break;
  }
  return buf.toString('latin1', s, e);
}

/**
 * request-line = method SP request-target SP HTTP-version CRLF, single SPs only (strict, RFC 9112 §3).
 * Fills req; returns the index after the LF, INCOMPLETE, or INVALID (scan.error set). The major version is left
 * for the caller to check (505).
 */
export function parseRequestLine(buf: Buffer, start: number, end: number, req: ParsedRequest, scan: LineScan): number {
  const tchar = TCHAR;
  const targetChar = TARGET_CHAR;
  let i = start;
  while (i < end && tchar[buf[i]!] === 1) i++;
  if (i === end) return INCOMPLETE;
  if (buf[i] !== 0x20 || i === start) return invalid(scan, E_METHOD);
  const methodEnd = i;
  const targetStart = ++i;
  while (i < end && targetChar[buf[i]!] === 1) i++;
  if (i === end) return INCOMPLETE;
  if (buf[i] !== SP || i === targetStart) return invalid(scan, E_TARGET);
  const targetEnd = i++;
  // "HTTP/" DIGIT "." DIGIT CR LF: exactly 10 bytes.
  if (end - i < 10) {
    // Validate what is there so garbage fails now rather than at the length limit.
    const have = Math.min(end - i, 8);
    for (let k = 0; k < have; k++) if (!versionByteOk(buf[i + k]!, k)) return invalid(scan, E_VERSION_SYNTAX);
    if (end - i === 9 && buf[i + 8] !== CR) return invalid(scan, buf[i + 8] === LF ? E_BARE_LF : E_VERSION_SYNTAX);
    return INCOMPLETE;
  }
  // Unrolled: this runs once per request ("HTTP/" DIGIT "." DIGIT).
  if (
    buf[i] !== 0x48 || buf[i + 1] !== 0x54 || buf[i + 2] !== 0x54 || buf[i + 3] !== 0x50 || buf[i + 4] !== SLASH ||
    buf[i + 6] !== 0x2e || !isDigit(buf[i + 5]!) || !isDigit(buf[i + 7]!)
  ) {
    return invalid(scan, E_VERSION_SYNTAX);
  }
  if (buf[i + 8] !== CR) return invalid(scan, buf[i + 8] === LF ? E_BARE_LF : E_VERSION_SYNTAX);
  if (buf[i + 9] !== LF) return invalid(scan, E_BARE_CR);
  req.method = internMethod(buf, start, methodEnd);
  req.versionMajor = buf[i + 5]! - 0x30;
  req.versionMinor = buf[i + 7]! === 0x30 ? 0 : 1;
  const t0 = buf[targetStart];
  if (targetEnd - targetStart === 1 && t0 === SLASH) req.target = '/';
  else {
    // (Another major version is answered 505 by the caller, whatever its target: "PRI * HTTP/2.0".)
    if (t0 === 0x2a /* '*' */ && req.versionMajor === 1 && (targetEnd - targetStart !== 1 || req.method !== 'OPTIONS')) {
      return invalid(scan, E_ASTERISK);
    }
    req.target = buf.toString('latin1', targetStart, targetEnd);
  }
  return i + 10;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** "HTTP/" DIGIT "." DIGIT, byte k of 8 (HTTP-name is case-sensitive, RFC 9112 §2.3). */
function versionByteOk(c: number, k: number): boolean {
  switch (k) {
    case 0:
      return c === 0x48;
    case 1:
    case 2:
      return c === 0x54;
    case 3:
      return c === 0x50;
    case 4:
      return c === SLASH;
    case 6:
      return c === 0x2e;
    default:
      return c >= 0x30 && c <= 0x39;
  }
}

/**
 * field-line = field-name ":" OWS field-value OWS CRLF, or the empty line (CRLF) that ends the section, reported
 * as nameStart === nameEnd. Returns the index after the LF, INCOMPLETE, or INVALID (scan.error set).
 */
export function parseFieldLine(buf: Buffer, start: number, end: number, scan: LineScan): number {
  // Literals and local table references: imported bindings are re-loaded (with a TDZ check) on every use.
  const tchar = TCHAR;
  const content = FIELD_CONTENT;
  let i = start;
  const c0 = buf[i];
  if (c0 === 0x0d) {
    if (i + 1 >= end) return INCOMPLETE;
    if (buf[i + 1] !== 0x0a) return invalid(scan, E_BARE_CR);
    scan.nameStart = scan.nameEnd = i;
    return i + 2;
  }
  if (c0 === 0x20 || c0 === 0x09) return invalid(scan, E_OBS_FOLD);
  while (i < end && tchar[buf[i]!] === 1) i++;
  if (i === end) return INCOMPLETE;
  const c = buf[i];
  if (c !== 0x3a) {
    if (c === 0x20 || c === 0x09) return invalid(scan, E_SPACE_BEFORE_COLON);
    if (c === 0x0a) return invalid(scan, E_BARE_LF);
    return invalid(scan, c === 0x0d ? E_BARE_CR : E_FIELD_NAME);
  }
  if (i === start) return invalid(scan, E_FIELD_NAME);
  scan.nameStart = start;
  scan.nameEnd = i;
  i++;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  const valueStart = i;
  let valueEnd = i;
  while (i < end) {
    const k = content[buf[i]!];
    if (k === 1) valueEnd = ++i;
    else if (k === 2) i++;
    else break;
  }
  if (i === end) return INCOMPLETE;
  const stop = buf[i];
  if (stop !== 0x0d) return invalid(scan, stop === 0x0a ? E_BARE_LF : E_FIELD_VALUE);
  if (i + 1 >= end) return INCOMPLETE;
  if (buf[i + 1] !== 0x0a) return invalid(scan, E_BARE_CR);
  scan.valueStart = valueStart;
  scan.valueEnd = valueEnd;
  return i + 2;
}

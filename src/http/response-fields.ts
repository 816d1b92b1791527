// Interprets the values of the response fields that decide framing and persistence (RFC 9110, RFC 9112 §6, §9.3).
// Values arrive lower-cased in a scratch buffer; nothing is turned into a string.

import { HTAB, SP, ascii } from './tokens.js';

const COMMA = 0x2c;
const TOKEN_CHUNKED = ascii('chunked');
const TOKEN_CLOSE = ascii('close');
const TOKEN_KEEP_ALIVE = ascii('keep-alive');

export const CONTENT_LENGTH_INVALID = -1;
export const CONTENT_LENGTH_CONFLICT = -2;

/** Connection options found (bit flags). */
export const OPTION_CLOSE = 1;
export const OPTION_KEEP_ALIVE = 2;

const isOws = (b: number | undefined): boolean => b === SP || b === HTAB;

function sameToken(value: Uint8Array, start: number, stop: number, token: Uint8Array): boolean {
  if (stop - start !== token.length) return false;
  for (let i = 0; i < token.length; i++) if (value[start + i] !== token[i]) return false;
  return true;
}

/**
 * Content-Length (RFC 9110 §8.6): digits, or a list of identical values (accepted as that value). Returns the
 * length, CONTENT_LENGTH_INVALID, or CONTENT_LENGTH_CONFLICT for a list of different values.
 */
export function parseContentLength(value: Uint8Array, length: number): number {
  let result = -1;
  let i = 0;
  for (;;) {
    while (i < length && isOws(value[i])) i++;
    let digits = 0;
    let n = 0;
    while (i < length && value[i]! >= 0x30 && value[i]! <= 0x39) {
      n = n * 10 + (value[i]! - 0x30);
      digits++;
      i++;
    }
    while (i < length && isOws(value[i])) i++;
    if (digits === 0 || n > Number.MAX_SAFE_INTEGER || (i < length && value[i] !== COMMA)) return CONTENT_LENGTH_INVALID;
    if (result >= 0 && result !== n) return CONTENT_LENGTH_CONFLICT;
    result = n;
    if (i >= length) return result;
    i++; // the comma
  }
}

/** Bounds of the token found by nextToken: [bounds[0], bounds[1]). Module scratch, so iterating allocates nothing. */
const bounds = new Int32Array(2);

/** Find the next comma-separated token at or after `i`; returns the index to continue from, or -1 when none is left. */
function nextToken(value: Uint8Array, length: number, i: number): number {
  while (i < length) {
    while (i < length && (isOws(value[i]) || value[i] === COMMA)) i++;
    const start = i;
    while (i < length && value[i] !== COMMA) i++;
    let stop = i;
    while (stop > start && isOws(value[stop - 1])) stop--;
    if (stop > start) {
      bounds[0] = start;
      bounds[1] = stop;
      return i;
    }
  }
  return -1;
}

/** Connection options (RFC 9110 §7.6.1) that matter for persistence: OPTION_CLOSE | OPTION_KEEP_ALIVE. */
export function connectionOptions(value: Uint8Array, length: number): number {
  let options = 0;
  for (let i = nextToken(value, length, 0); i >= 0; i = nextToken(value, length, i)) {
    if (sameToken(value, bounds[0]!, bounds[1]!, TOKEN_CLOSE)) options |= OPTION_CLOSE;
    else if (sameToken(value, bounds[0]!, bounds[1]!, TOKEN_KEEP_ALIVE)) options |= OPTION_KEEP_ALIVE;
  }
  return options;
}

/**
 * Transfer-Encoding: whether the final coding is chunked (RFC 9112 §6.3 rule 4), or null when the value lists no
 * coding at all.
 */
export function finalCodingIsChunked(value: Uint8Array, length: number): boolean | null {
  let last: boolean | null = null;
  for (let i = nextToken(value, length, 0); i >= 0; i = nextToken(value, length, i)) {
    last = sameToken(value, bounds[0]!, bounds[1]!, TOKEN_CHUNKED);
  }
  return last;
}

// Content-Length (RFC 9110 §8.6): its digits, the list of identical values, and the bound on what is kept exactly.

import { ListCursor } from './lists.js';

/** Largest length kept exactly: 2^53 - 1, beyond which a double skips integers. */
export const CONTENT_LENGTH_MAX = Number.MAX_SAFE_INTEGER;
/**
 * What any value over CONTENT_LENGTH_MAX folds to (2^53). It is larger than every body limit, so a request is a 413,
 * and equal only to itself, so two huge values do not conflict; a response with it cannot be framed.
 */
export const CONTENT_LENGTH_HUGE = 2 ** 53;
/** No Content-Length field (yet). */
export const CONTENT_LENGTH_ABSENT = -1;
/** An element that is not 1*DIGIT: empty, signed, hex, with inner whitespace. */
export const CONTENT_LENGTH_INVALID = -2;
/** Two values that differ, in one list or across lines. */
export const CONTENT_LENGTH_CONFLICT = -3;

export const REASON_CONTENT_LENGTH_INVALID = 'invalid Content-Length';
export const REASON_CONTENT_LENGTH_CONFLICT = 'conflicting Content-Length values';
export const REASON_CONTENT_LENGTH_HUGE = 'Content-Length over 2^53 - 1';

const list = new ListCursor();

/**
 * Fold one Content-Length field line, value buf[start, end), into `previous`: what the earlier Content-Length lines of
 * the same header section gave (CONTENT_LENGTH_ABSENT before the first). Content-Length = 1*DIGIT; a list of identical
 * values, or identical repeated lines, counts as one value as §8.6 allows ("42, 42"); leading zeros are allowed.
 * Returns the length in bytes (CONTENT_LENGTH_HUGE past the bound), or CONTENT_LENGTH_INVALID or
 * CONTENT_LENGTH_CONFLICT: either makes the framing unknowable, an error in both directions (RFC 9112 §6.3 rule 5,
 * and the request smuggling defence of §11.2).
 */
export function foldContentLength(previous: number, buf: Uint8Array, start: number, end: number): number {
  let length = previous;
  list.reset(start, end);
  while (list.next(buf)) {
    const s = list.start;
    const e = list.end;
    if (s === e) return CONTENT_LENGTH_INVALID;
    let value = 0;
    for (let i = s; i < e; i++) {
      const digit = buf[i]! - 0x30;
      if (digit < 0 || digit > 9) return CONTENT_LENGTH_INVALID;
      value = value * 10 + digit;
    }
    // Once past the bound the double only grows (to Infinity at worst), so one test after the loop suffices.
    if (value > CONTENT_LENGTH_MAX) value = CONTENT_LENGTH_HUGE;
    if (length !== CONTENT_LENGTH_ABSENT && length !== value) return CONTENT_LENGTH_CONFLICT;
    length = value;
  }
  return length;
}

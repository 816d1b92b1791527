// Parses one chunk-size line of a chunked body (RFC 9112 §7.1): hex size, optional extensions, CRLF.

import { CR, DQUOTE, BACKSLASH, EQUALS, HEX_VALUE, HTAB, LF, QDTEXT, SEMI, SP, TCHAR } from './tokens.js';

export const LINE_INCOMPLETE = -1;
export const LINE_INVALID = -2;
/** The size has more hex digits than any body limit can allow (13 hex digits ≥ 2^52). */
export const LINE_TOO_LARGE = -3;

const MAX_SIZE_DIGITS = 13;

/** Where the parsed size goes (the parser itself), so no result object is allocated per chunk. */
export interface ChunkSizeTarget {
  chunkSize: number;
}

function skipBws(buf: Buffer, i: number, end: number): number {
  while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
  return i;
}

/**
 * chunk = chunk-size [ chunk-ext ] CRLF; chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ).
 * Returns the index after the LF, or LINE_INCOMPLETE / LINE_INVALID / LINE_TOO_LARGE.
 */
export function parseChunkSizeLine(buf: Buffer, start: number, end: number, out: ChunkSizeTarget): number {
  let i = start;
  let size = 0;
  while (i < end) {
    const h = HEX_VALUE[buf[i]!]!;
    if (h === 255) break;
    size = size * 16 + h;
    i++;
  }
  if (i === end) return LINE_INCOMPLETE;
  const digits = i - start;
  if (digits === 0) return LINE_INVALID;
  if (digits > MAX_SIZE_DIGITS) {
    // Leading zeros are legal; only significant digits count.
    let first = start;
    while (first < i && buf[first] === 0x30) first++;
    if (i - first > MAX_SIZE_DIGITS) return LINE_TOO_LARGE;
  }
  out.chunkSize = size;
  for (;;) {
    if (i === end) return LINE_INCOMPLETE;
    if (buf[i] === CR) break;
    i = skipBws(buf, i, end);
    if (i === end) return LINE_INCOMPLETE;
    if (buf[i] !== SEMI) return LINE_INVALID;
    i = skipBws(buf, i + 1, end);
    const nameStart = i;
    while (i < end && TCHAR[buf[i]!] === 1) i++;
    if (i === end) return LINE_INCOMPLETE;
    if (i === nameStart) return LINE_INVALID;
    const afterName = skipBws(buf, i, end);
    if (afterName === end) return LINE_INCOMPLETE;
    if (buf[afterName] !== EQUALS) continue;
    i = skipBws(buf, afterName + 1, end);
    if (i === end) return LINE_INCOMPLETE;
    if (buf[i] === DQUOTE) {
      i++;
      for (;;) {
        if (i >= end) return LINE_INCOMPLETE;
        const c = buf[i]!;
        if (c === DQUOTE) break;
        if (c === BACKSLASH) {
          if (i + 1 >= end) return LINE_INCOMPLETE;
          const q = buf[i + 1]!;
          if (q !== HTAB && (q < 0x20 || q === 0x7f)) return LINE_INVALID;
          i += 2;
          continue;
        }
        if (QDTEXT[c] === 0) return LINE_INVALID;
        i++;
      }
      i++;
    } else {
      const valueStart = i;
      while (i < end && TCHAR[buf[i]!] === 1) i++;
      if (i === end) return LINE_INCOMPLETE;
      if (i === valueStart) return LINE_INVALID;
    }
  }
  // buf[i] is CR: a bare CR is invalid (RFC 9112 §2.2).
  if (i + 1 >= end) return LINE_INCOMPLETE;
  return buf[i + 1] === LF ? i + 2 : LINE_INVALID;
}

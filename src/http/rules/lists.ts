// Walks the elements of a comma-separated field value (#list, RFC 9110 §5.6.1), each with its OWS trimmed (§5.6.3).

import * as bytes from './bytes.js';

// Module-local copies for the byte loops: V8 reloads an imported binding, with a TDZ check, at every use.
const { COMMA, HTAB, SP } = bytes;

/**
 * A reusable cursor over the list elements of a field value buf[start, end): `next(buf)` moves to the next element
 * and sets [`start`, `end`) to its byte offsets in buf, OWS trimmed on both sides. Empty elements ("a,,b", a blank
 * value) are reported as start === end rather than skipped: §5.6.1 has a recipient skip them, but a field whose
 * grammar is not a list (Content-Length) must refuse them, so each rule decides. A rule module keeps one cursor, so
 * walking a list allocates nothing; the cursor keeps no reference to the bytes between calls.
 */
export class ListCursor {
  /** Offset of the current element's first byte. */
  start = 0;
  /** Offset just past the current element's last byte (start === end: an empty element). */
  end = 0;
  private pos = 0;
  private limit = 0;

  /** Start a walk over the value at [start, end); a value with no comma is one element. */
  reset(start: number, end: number): void {
    this.pos = start;
    this.limit = end;
  }

  /** Move to the next element of the value in buf; false once the last one has been visited. */
  next(buf: Uint8Array): boolean {
    const limit = this.limit;
    let i = this.pos;
    if (i > limit) return false;
    while (i < limit && (buf[i] === SP || buf[i] === HTAB)) i++;
    const start = i;
    while (i < limit && buf[i] !== COMMA) i++;
    let end = i;
    while (end > start && (buf[end - 1] === SP || buf[end - 1] === HTAB)) end--;
    this.start = start;
    this.end = end;
    // Past the comma; past the limit after the last element.
    this.pos = i + 1;
    return true;
  }
}

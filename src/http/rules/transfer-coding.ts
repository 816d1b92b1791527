// Transfer-Encoding (RFC 9112 §6.1): the list of transfer codings, tallied line by line into the message's summary.

import * as bytes from './bytes.js';
import { ListCursor } from './lists.js';

// Module-local copies for the byte loops: V8 reloads an imported binding, with a TDZ check, at every use.
const { HTAB, SEMI, SP, TCHAR, ascii, equalsLowerToken } = bytes;

/**
 * What the Transfer-Encoding lines of one header section listed, summed over its lines (several lines are one list,
 * RFC 9110 §5.3). The request and the response head both carry these fields; framing.ts decides from them.
 */
export interface TransferCodings {
  /** Codings listed, empty list elements not counted; 0 when the message has no Transfer-Encoding. */
  teElements: number;
  /** How many of them are chunked. */
  teChunkedCount: number;
  /** The final coding is chunked (RFC 9112 §6.3 rule 4 reads only that one). */
  teLastIsChunked: boolean;
}

const CHUNKED = ascii('chunked');
const list = new ListCursor();

/**
 * Tally one Transfer-Encoding line, value buf[start, end), into `into`. transfer-coding = token *( OWS ";" OWS
 * transfer-parameter ) (RFC 9110 §10.1.4); parameters are not read, and chunked with a parameter is not chunked
 * (chunked takes none). Empty elements are skipped (RFC 9110 §5.6.1).
 * Returns false when an element is not a token followed by nothing or by ";", or when the line lists no coding; every
 * element is tallied either way (a bad one as a coding other than chunked), so a lenient reader still has the final one.
 */
export function tallyTransferCodings(into: TransferCodings, buf: Uint8Array, start: number, end: number): boolean {
  let valid = true;
  let listed = 0;
  list.reset(start, end);
  while (list.next(buf)) {
    const s = list.start;
    const e = list.end;
    if (s === e) continue;
    let t = s;
    while (t < e && TCHAR[buf[t]!] === 1) t++;
    let rest = t;
    while (rest < e && (buf[rest] === SP || buf[rest] === HTAB)) rest++;
    if (t === s || (rest < e && buf[rest] !== SEMI)) valid = false;
    listed++;
    const chunked = t === e && equalsLowerToken(buf, s, e, CHUNKED);
    if (chunked) into.teChunkedCount++;
    into.teLastIsChunked = chunked;
  }
  into.teElements += listed;
  return valid && listed > 0;
}

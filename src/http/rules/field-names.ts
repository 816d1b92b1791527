// The field names the parsers act on, recognised by their length and then their bytes in any case (RFC 9110 §5.1).

import { ascii, equalsLowerToken } from './bytes.js';

/** Any field the parsers do not act on. */
export const FIELD_OTHER = 0;
export const FIELD_HOST = 1;
export const FIELD_EXPECT = 2;
export const FIELD_CONNECTION = 3;
/** h1bench's heartbeat clients identify themselves with it. */
export const FIELD_X_CLIENT_ID = 4;
export const FIELD_CONTENT_LENGTH = 5;
export const FIELD_TRANSFER_ENCODING = 6;

/** The names by FIELD_ code, lower-case. Their lengths differ, so the length alone picks the one name to compare. */
const NAMES: readonly string[] = ['', 'host', 'expect', 'connection', 'x-client-id', 'content-length', 'transfer-encoding'];
const LONGEST = 17;
/** FIELD_ code by name length (FIELD_OTHER where no name has that length), and each code's bytes. */
const CODE_BY_LENGTH = new Uint8Array(LONGEST + 1);
const BYTES_BY_CODE: readonly Uint8Array[] = NAMES.map(ascii);
NAMES.forEach((name, code) => {
  if (code === FIELD_OTHER) return;
  if (CODE_BY_LENGTH[name.length] !== FIELD_OTHER || name.length > LONGEST) throw new Error(`field-names: ${name} breaks the by-length lookup`);
  CODE_BY_LENGTH[name.length] = code;
});

/**
 * Which field the name buf[start, end) (a token) is: one of the FIELD_ constants. Every name costs one table lookup
 * by its length and, if a known name has that length, one comparison; most names of a request or response stop at
 * the lookup. Small on purpose, so V8 inlines it into each parser's field loop.
 */
export function fieldName(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length > LONGEST) return FIELD_OTHER;
  const code = CODE_BY_LENGTH[length]!;
  return code !== FIELD_OTHER && equalsLowerToken(buf, start, end, BYTES_BY_CODE[code]!) ? code : FIELD_OTHER;
}

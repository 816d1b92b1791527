// Byte classes of the HTTP/1.x grammar (RFC 9110 §5.6, RFC 9112 §3), one lookup per byte, and the one byte comparison.

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const SEMI = 0x3b;
export const COMMA = 0x2c;
export const EQUALS = 0x3d;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const SLASH = 0x2f;

function table(fill: (byte: number) => number): Uint8Array {
  const out = new Uint8Array(256);
  for (let b = 0; b < 256; b++) out[b] = fill(b);
  return out;
}

const isAlpha = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** tchar (RFC 9110 §5.6.2): the bytes of a token (method, field name, coding). */
export const TCHAR = table((b) => (isAlpha(b) || isDigit(b) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b)) ? 1 : 0));

/**
 * Field content (RFC 9110 §5.5): 1 = field-vchar (VCHAR or obs-text), 2 = SP/HTAB (allowed inside, trimmed at the
 * ends), 0 = invalid (NUL, CR, LF and other CTLs: a bare CR or NUL in a value is a 400, RFC 9112 §2.2).
 */
export const FIELD_CONTENT = table((b) => ((b >= 0x21 && b <= 0x7e) || b >= 0x80 ? 1 : b === SP || b === HTAB ? 2 : 0));

/** request-target bytes: visible ASCII only; CTLs, SP and non-ASCII end or invalidate the target (RFC 9112 §3.2). */
export const TARGET_CHAR = table((b) => (b >= 0x21 && b <= 0x7e ? 1 : 0));

/** Hex digit values for chunk sizes; 255 = not a hex digit. */
export const HEX_VALUE = table((b) => {
  if (isDigit(b)) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return 255;
});

/** qdtext and quoted-pair payload (RFC 9110 §5.6.4) for chunk-extension values. */
export const QDTEXT = table((b) => (b === HTAB || b === SP || b === 0x21 || (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b <= 0x7e) || b >= 0x80 ? 1 : 0));

/** Bytes allowed in a Host value: uri-host [":" port] (RFC 3986 reg-name, IP-literal, IPv4) plus '%' escapes. */
export const HOST_CHAR = table((b) => (isAlpha(b) || isDigit(b) || "-._~!$&'()*+,;=:[]%".includes(String.fromCharCode(b)) ? 1 : 0));

/**
 * Whether buf[start, end) equals `lower` in any letter case (RFC 9110 §5.1 field names, §5.6.2 tokens: case-insensitive).
 * `lower` is lower-case letters, digits and '-'. OR-ing 0x20 folds the upper-case letters onto it and no other byte a
 * field name or field value may hold (the only others that fold onto it are CR and 0x10-0x19, CTLs that RFC 9110 §5.5
 * keeps out of field values), so no allocation and no second table. The only byte comparison of the parsers and rules.
 */
export function equalsLowerToken(buf: Uint8Array, start: number, end: number, lower: Uint8Array): boolean {
  const n = lower.length;
  if (end - start !== n) return false;
  for (let i = 0; i < n; i++) {
    if ((buf[start + i]! | 0x20) !== lower[i]) return false;
  }
  return true;
}

/** A latin1 string as bytes (for the lower-case literals equalsLowerToken compares with). */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

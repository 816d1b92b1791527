// Builds the request bytes once per run: request line, Host, user fields, body with Content-Length; written as-is.

import { H1Error } from '../errors.js';
import { FIELD_CONTENT, TCHAR } from './rules/bytes.js';

export interface RequestSpec {
  readonly method: string;
  readonly url: URL;
  /** Version on the request line; 1.0 sends no Connection field, so the server closes after each response. */
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | null;
}

function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || TCHAR[c] === 0) return false;
  }
  return true;
}

/** RFC 9110 §5.5: no CR, LF, NUL or other CTLs (header injection), no leading/trailing whitespace. */
function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || FIELD_CONTENT[c] === 0) return false;
  }
  return text.trim() === text;
}

/**
 * Serialize one request. Throws H1B_INVALID_OPTION for a method or field that would not be valid HTTP/1.x, so the
 * error surfaces at the configuration boundary instead of as a server 400 on every request.
 */
export function serializeRequest(spec: RequestSpec): Buffer {
  if (!isToken(spec.method)) {
    throw new H1Error('H1B_INVALID_OPTION', `--method ${JSON.stringify(spec.method)} is not an HTTP method token`);
  }
  const target = `${spec.url.pathname || '/'}${spec.url.search}`;
  const body = spec.body === null ? null : Buffer.from(spec.body, 'utf8');
  let host: string | null = spec.url.host;
  let userLength: string | null = null;
  const lines: string[] = [`${spec.method} ${target} HTTP/${spec.httpVersion}`];
  const fields: string[] = [];
  for (const [name, value] of spec.headers) {
    if (!isToken(name)) throw new H1Error('H1B_INVALID_OPTION', `--header name ${JSON.stringify(name)} is not a field-name token`);
    if (!isFieldValue(value)) {
      throw new H1Error('H1B_INVALID_OPTION', `--header ${name} has a value with control characters or surrounding whitespace`);
    }
    const lower = name.toLowerCase();
    if (lower === 'host') host = null;
    if (lower === 'transfer-encoding') {
      throw new H1Error('H1B_INVALID_OPTION', '--header Transfer-Encoding is not supported; the body is sent with Content-Length');
    }
    if (lower === 'content-length') userLength = value;
    fields.push(`${name}: ${value}`);
  }
  // RFC 9112 §3.2: a client MUST send Host in every HTTP/1.1 request; 1.0 servers accept it too.
  if (host !== null) lines.push(`Host: ${host}`);
  lines.push(...fields);
  if (body !== null) {
    if (userLength === null) lines.push(`Content-Length: ${body.length}`);
    else if (userLength !== String(body.length)) {
      throw new H1Error('H1B_INVALID_OPTION', `--header Content-Length: ${userLength} does not match the --body length ${body.length}`);
    }
  } else if (userLength !== null && userLength !== '0') {
    throw new H1Error('H1B_INVALID_OPTION', `--header Content-Length: ${userLength} given without --body`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === null ? head : Buffer.concat([head, body]);
}

/** `count` back-to-back copies of a request: pipelined batches go out in one write as a slice of this buffer. */
export function repeatRequest(request: Buffer, count: number): Buffer {
  const out = Buffer.allocUnsafe(request.length * count);
  for (let i = 0; i < count; i++) request.copy(out, i * request.length);
  return out;
}

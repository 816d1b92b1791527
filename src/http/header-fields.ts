// Applies the few header fields the server acts on to the request, through the shared rules in rules/.

import type { ParsedRequest, ParseError } from './request.js';
import * as E from './parse-errors.js';
import { ascii, equalsLowerToken, HOST_CHAR } from './rules/bytes.js';
import { noteConnectionOptions } from './rules/connection.js';
import { CONTENT_LENGTH_CONFLICT, foldContentLength } from './rules/content-length.js';
import * as names from './rules/field-names.js';
import { tallyTransferCodings } from './rules/transfer-coding.js';

// Module-local copies: V8 reloads an imported binding, with a TDZ check, at every use, and the switch below compares
// up to six of them for every field line.
const { FIELD_CONNECTION, FIELD_CONTENT_LENGTH, FIELD_EXPECT, FIELD_HOST, FIELD_TRANSFER_ENCODING, FIELD_X_CLIENT_ID, fieldName } = names;

const CONTINUE = ascii('100-continue');

/**
 * Act on one field line of the header section: name buf[ns, ne), value buf[vs, ve) (OWS trimmed). Unknown fields
 * cost one switch on the name length. Returns null, or the error to answer with.
 */
export function applyHeaderField(req: ParsedRequest, buf: Buffer, ns: number, ne: number, vs: number, ve: number): ParseError | null {
  switch (fieldName(buf, ns, ne)) {
    case FIELD_HOST:
      return applyHost(req, buf, vs, ve);
    case FIELD_EXPECT:
      req.expectContinue = equalsLowerToken(buf, vs, ve, CONTINUE);
      return null;
    case FIELD_CONNECTION:
      noteConnectionOptions(req, buf, vs, ve);
      return null;
    case FIELD_X_CLIENT_ID:
      req.xClientId = buf.toString('latin1', vs, ve);
      return null;
    case FIELD_CONTENT_LENGTH: {
      // A huge value is kept (as CONTENT_LENGTH_HUGE): it is a 413 once the section is complete, not a 400.
      const length = foldContentLength(req.contentLength, buf, vs, ve);
      if (length < 0) return length === CONTENT_LENGTH_CONFLICT ? E.E_CL_CONFLICT : E.E_CL_INVALID;
      req.contentLength = length;
      return null;
    }
    case FIELD_TRANSFER_ENCODING:
      // A server refuses what it cannot parse: a bad coding list is a 400, not a guess (RFC 9112 §6.1, §6.3 rule 4).
      return tallyTransferCodings(req, buf, vs, ve) ? null : E.E_BAD_TE;
    default:
      return null;
  }
}

function applyHost(req: ParsedRequest, buf: Buffer, vs: number, ve: number): ParseError | null {
  req.hostCount++;
  const hostChar = HOST_CHAR;
  for (let i = vs; i < ve; i++) if (hostChar[buf[i]!] === 0) return E.E_BAD_HOST;
  return null;
}

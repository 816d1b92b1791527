// Map undici's error codes (UND_ERR_*, llhttp's HPE_*, errno) to h1bench's classification; used per failed request.

import { classifySocketError, type ErrorCode } from '../../errors.js';

export function classifyUndiciError(err: unknown): ErrorCode {
  const code = (err as { code?: unknown } | null)?.code;
  // llhttp's complaints come as HTTPParserError, whose `code` (HPE_*) is often unset.
  if ((err as { name?: unknown } | null)?.name === 'HTTPParserError') return 'H1B_PARSE_ERROR';
  if (typeof code !== 'string') return 'H1B_SOCKET_ERROR';
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'H1B_TIMEOUT';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_HEADERS_OVERFLOW':
      return 'H1B_PARSE_ERROR';
    case 'UND_ERR_SOCKET': {
      // A reset carries its errno in `cause`; "other side closed" is the server's FIN before a complete response;
      // "bad response" is undici refusing what it read (a 1xx it did not expect, among others).
      const cause = (err as { cause?: unknown }).cause;
      const causeCode = (cause as { code?: unknown } | undefined)?.code;
      if (typeof causeCode === 'string') return classifySocketError(cause);
      const message = (err as { message?: unknown }).message;
      if (message === 'other side closed') return 'H1B_PREMATURE_CLOSE';
      if (message === 'bad response') return 'H1B_PARSE_ERROR';
      return 'H1B_CONNECT_RESET';
    }
    default:
      if (code.startsWith('HPE_')) return 'H1B_PARSE_ERROR';
      return classifySocketError(err);
  }
}

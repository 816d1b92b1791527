// Map undici's error codes (UND_ERR_*, llhttp's HPE_*, errno) to h1bench's classification; used per failed request.

import { classifySocketError, type ErrorCode } from '../../errors.js';

export function classifyUndiciError(err: unknown): ErrorCode {
  const code = (err as { code?: unknown } | null)?.code;
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
      // "other side closed" carries no errno; a reset carries it in `cause`.
      const cause = (err as { cause?: unknown }).cause;
      const causeCode = (cause as { code?: unknown } | undefined)?.code;
      return typeof causeCode === 'string' ? classifySocketError(cause) : 'H1B_CONNECT_RESET';
    }
    default:
      if (code.startsWith('HPE_')) return 'H1B_PARSE_ERROR';
      return classifySocketError(err);
  }
}

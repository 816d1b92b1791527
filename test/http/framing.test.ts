// Runs every framing case (framing.case.ts) through RequestParser and ResponseParser: whole, split at every byte
// position, and one byte per read; every split must give what the whole input gives, and that must be the case's outcome.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientWantsPersistence } from '../../src/http/rules/connection.js';
import { RequestParser, type ParsedRequest, type RequestSink } from '../../src/http/request-parser.js';
import { ResponseParser } from '../../src/http/response-parser.js';
import { DEFAULT_PARSER_LIMITS, type ParserLimits } from '../../src/types.js';
import { FRAMING_CASES, HEAD_LIMIT, type FramingCase, type RequestOutcome, type ResponseOutcome } from './framing.case.js';

/** What a parser made of one input, in one shape for both directions. */
interface Seen {
  /** Completed messages as [body bytes, persist]. */
  messages: Array<[number, boolean]>;
  /** Responses: the close-delimited body at EOF as [body bytes, persist]; null when none. */
  untilClose: [number, boolean] | null;
  /** The input ended inside a message. */
  truncated: boolean;
  /** Requests: the status answered; responses: 400 for any refusal. */
  error: { status: number; reason: string } | null;
}

const LIMITS: ParserLimits = { ...DEFAULT_PARSER_LIMITS, maxHeaderBytes: HEAD_LIMIT };
/** Appended after a message that completes, to prove its framing ended on the right byte. */
const REQUEST_NEXT = 'GET /next HTTP/1.1\r\nHost: t\r\n\r\n';
const RESPONSE_NEXT = 'HTTP/1.1 204 No Content\r\n\r\n';

/** Offsets to cut the input at: none, each single position, and every position (one byte per read). */
function cutSets(length: number): Array<[string, number[]]> {
  const sets: Array<[string, number[]]> = [['whole', []]];
  for (let i = 1; i < length; i++) sets.push([`split at ${i}`, [i]]);
  sets.push(['byte by byte', Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1)]);
  return sets;
}

/** Pieces of input cut at `cuts`, each a fresh Buffer as a socket delivers them. */
function pieces(input: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    if (cut > start) out.push(Buffer.from(input.subarray(start, cut)));
    start = cut;
  }
  return out;
}

function parseRequest(input: Buffer, cuts: readonly number[]): Seen {
  const seen: Seen = { messages: [], untilClose: null, truncated: false, error: null };
  const sink: RequestSink = {
    onHeaders() {},
    onRequest(req: ParsedRequest) {
      seen.messages.push([req.bodyBytes, clientWantsPersistence(req.versionMinor, req.connectionClose, req.connectionKeepAlive)]);
    },
  };
  const parser = new RequestParser(sink, LIMITS);
  for (const piece of pieces(input, cuts)) {
    if (parser.execute(piece) < 0) {
      seen.error = { status: parser.error!.status, reason: parser.error!.reason };
      return seen;
    }
  }
  seen.truncated = parser.inMessage;
  return seen;
}

function parseResponse(input: Buffer, cuts: readonly number[]): Seen {
  const seen: Seen = { messages: [], untilClose: null, truncated: false, error: null };
  const parser = new ResponseParser({ maxHeadBytes: HEAD_LIMIT });
  for (const piece of pieces(input, cuts)) {
    let offset = 0;
    while (offset < piece.length) {
      offset = parser.execute(piece, offset, piece.length);
      if (offset < 0) {
        seen.error = { status: 400, reason: parser.error ?? '' };
        return seen;
      }
      if (parser.complete) seen.messages.push([parser.bodyBytes, parser.keepAlive]);
    }
  }
  const eof = parser.finish();
  if (eof === 1) seen.untilClose = [parser.bodyBytes, parser.keepAlive];
  seen.truncated = eof < 0;
  return seen;
}

function expectOutcome(seen: Seen, outcome: RequestOutcome | ResponseOutcome, next: [number, boolean]): void {
  if ('reason' in outcome) {
    assert.equal(seen.messages.length, 0, 'no message of a refused case completes');
    assert.ok(seen.error !== null, 'refused');
    assert.equal(seen.error.status, outcome.status);
    assert.match(seen.error.reason, outcome.reason);
    return;
  }
  assert.equal(seen.error, null);
  if ('untilClose' in outcome) {
    assert.deepEqual(seen, { messages: [], untilClose: [outcome.untilClose, false], truncated: false, error: null });
    return;
  }
  assert.deepEqual(seen, { messages: [[outcome.body, outcome.persist], next], untilClose: null, truncated: false, error: null });
}

function runCase(c: FramingCase, direction: 'request' | 'response'): void {
  const minor = c.minor ?? 1;
  const outcome = c[direction];
  const completes = 'body' in outcome;
  const text =
    direction === 'request'
      ? `POST / HTTP/1.${minor}\r\nHost: t\r\n${c.fields}\r\n${c.body ?? ''}${completes ? REQUEST_NEXT : ''}`
      : `HTTP/1.${minor} 200 OK\r\n${c.fields}\r\n${c.body ?? ''}${completes ? RESPONSE_NEXT : ''}`;
  const input = Buffer.from(text, 'latin1');
  const parse = direction === 'request' ? parseRequest : parseResponse;
  const whole = parse(input, []);
  expectOutcome(whole, outcome, [0, true]);
  for (const [label, cuts] of cutSets(input.length)) assert.deepEqual(parse(input, cuts), whole, label);
}

for (const direction of ['request', 'response'] as const) {
  describe(`framing cases as a ${direction}`, () => {
    for (const c of FRAMING_CASES) test(c.name, () => runCase(c, direction));
  });
}

test('case names are unique', () => {
  const names = FRAMING_CASES.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
});

// Chunked framing (RFC 9112 §7.1) and the trailer section (§7.1.2): chunk-size lines, extensions strict and lenient,
// CRLF rules, bounds, each at every split of the input.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHUNK_BAD_EXTENSION,
  CHUNK_BAD_SIZE,
  CHUNK_BARE_CR,
  CHUNK_BARE_LF,
  CHUNK_DATA_NOT_CRLF,
  CHUNK_FAILED,
  CHUNK_LINE_MAX_BYTES,
  CHUNK_LINE_TOO_LONG,
  CHUNK_NEED_MORE,
  CHUNK_REASONS,
  CHUNK_TOO_LARGE,
  ChunkFraming,
} from '../../../src/http/rules/chunked.js';
import {
  REASON_TRAILERS_BARE_CR,
  REASON_TRAILERS_TOO_LARGE,
  TRAILERS_FAILED,
  TRAILERS_NEED_MORE,
  TrailerSection,
} from '../../../src/http/rules/trailers.js';

/** What decoding a whole chunked body gave: the chunk sizes in order, then where the body ended, or the error's reason. */
type Trace = Array<number | string>;

/**
 * Decode `body` (a chunked body, trailers included) fed in pieces cut at `cuts`, reading the data itself as a parser
 * does. The trailer section is skipped the client's way, within `maxTrailerBytes`.
 */
function decode(body: string, lenient: boolean, cuts: number[] = [], maxTrailerBytes = 64): Trace {
  const input = Buffer.from(body, 'latin1');
  const framing = new ChunkFraming(lenient);
  const trailers = new TrailerSection(maxTrailerBytes);
  framing.start();
  trailers.start();
  const trace: Trace = [];
  let remaining = 0;
  let inTrailers = false;
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    const piece = Buffer.from(input.subarray(start, cut));
    const pieceStart = start;
    start = cut;
    let i = 0;
    while (i < piece.length) {
      if (remaining > 0) {
        const take = Math.min(remaining, piece.length - i);
        i += take;
        remaining -= take;
        continue;
      }
      if (inTrailers) {
        const next = trailers.skip(piece, i, piece.length);
        if (next === TRAILERS_NEED_MORE) break;
        if (next === TRAILERS_FAILED) return [...trace, trailers.error!];
        return [...trace, `end at ${pieceStart + next}`];
      }
      const next = framing.execute(piece, i, piece.length);
      if (next === CHUNK_NEED_MORE) break;
      if (next === CHUNK_FAILED) return [...trace, CHUNK_REASONS[framing.error]!];
      i = next;
      trace.push(framing.size);
      remaining = framing.size;
      inTrailers = framing.size === 0;
    }
  }
  return [...trace, 'incomplete'];
}

/** decode() whole, at every single split and byte by byte must agree; returns the whole trace. */
function decodeEverySplit(body: string, lenient: boolean, maxTrailerBytes = 64): Trace {
  const whole = decode(body, lenient, [], maxTrailerBytes);
  for (let i = 1; i < body.length; i++) assert.deepEqual(decode(body, lenient, [i], maxTrailerBytes), whole, `split at ${i}`);
  const bytes = Array.from({ length: body.length - 1 }, (_, i) => i + 1);
  assert.deepEqual(decode(body, lenient, bytes, maxTrailerBytes), whole, 'byte by byte');
  return whole;
}

const both = (body: string, expected: Trace): void => {
  assert.deepEqual(decodeEverySplit(body, false), expected, 'strict');
  assert.deepEqual(decodeEverySplit(body, true), expected, 'lenient');
};
const reason = (code: number): string => CHUNK_REASONS[code]!;

describe('chunk sizes (§7.1)', () => {
  test('hex in any case, leading zeros, the last chunk', () => {
    const body = 'a\r\n0123456789\r\nFf\r\n' + 'x'.repeat(255) + '\r\n00000\r\n\r\n';
    both(body, [10, 255, 0, `end at ${body.length}`]);
  });
  test('stops at the end of the body', () => {
    both('1\r\nx\r\n0\r\n\r\nNEXT', [1, 0, 'end at 11']);
  });
  test('not hex, empty, signed', () => {
    for (const body of ['g\r\n', '\r\n', '-1\r\n', ' 1\r\n', '0x1\r\n']) both(body, [reason(CHUNK_BAD_SIZE)]);
  });
  test('the bound is 2^53 - 1', () => {
    both('1fffffffffffff\r\n', [Number.MAX_SAFE_INTEGER, 'incomplete']);
    both('20000000000000\r\n', [reason(CHUNK_TOO_LARGE)]);
    both('ffffffffffffffffffffffffffffffff\r\n', [reason(CHUNK_TOO_LARGE)]);
    both('0000000000000000000000001\r\nx\r\n0\r\n\r\n', [1, 0, 'end at 35']);
  });
  test(`a line is at most ${CHUNK_LINE_MAX_BYTES} bytes, CRLF included, also while incomplete`, () => {
    const at = `1;${'n'.repeat(CHUNK_LINE_MAX_BYTES - 4)}\r\nx\r\n0\r\n\r\n`;
    assert.deepEqual(decode(at, false), [1, 0, `end at ${at.length}`]);
    assert.deepEqual(decode(at, true, [1000, 4095]), [1, 0, `end at ${at.length}`]);
    const over = `1;${'n'.repeat(CHUNK_LINE_MAX_BYTES - 3)}\r\nx\r\n0\r\n\r\n`;
    assert.deepEqual(decode(over, false), [reason(CHUNK_LINE_TOO_LONG)]);
    assert.deepEqual(decode(over, true, [100, 2000, 4000]), [reason(CHUNK_LINE_TOO_LONG)]);
    assert.deepEqual(decode(`1;${'n'.repeat(CHUNK_LINE_MAX_BYTES)}`, false, [10, 3000]), [reason(CHUNK_LINE_TOO_LONG)]);
    assert.deepEqual(decode('0'.repeat(CHUNK_LINE_MAX_BYTES + 1), true), [reason(CHUNK_LINE_TOO_LONG)]);
  });
});

describe('chunk extensions (§7.1.1)', () => {
  const valid = ['1;a\r\n', '1;a=b\r\n', '1;a="b c"\r\n', '1;a="\\"\\\\"\r\n', '1 ;a\r\n', '1; a = b ;c\r\n', '1;a=b;c="d";e\r\n', '1;a="\xe9"\r\n'];
  test('the grammar, with BWS, tokens and quoted strings, passes both readings', () => {
    for (const line of valid) both(`${line}x\r\n0\r\n\r\n`, [1, 0, `end at ${line.length + 8}`]);
  });
  const invalid = ['1;\r\n', '1;=b\r\n', '1;a=\r\n', '1;a b\r\n', '1;a \r\n', '1;a=b c\r\n', '1;a="b\r\n', '1;a=b"\r\n', '1 \r\n', '1;a=";"x\r\n'];
  test('the server refuses anything else; the client ignores it (a recipient MUST ignore unknown extensions)', () => {
    for (const line of invalid) {
      assert.deepEqual(decodeEverySplit(`${line}x\r\n0\r\n\r\n`, false), [reason(CHUNK_BAD_EXTENSION)], JSON.stringify(line));
      assert.deepEqual(decodeEverySplit(`${line}x\r\n0\r\n\r\n`, true), [1, 0, `end at ${line.length + 8}`], JSON.stringify(line));
    }
  });
  test('control bytes are refused by both', () => {
    both('1;a=\x00\r\nx\r\n0\r\n\r\n', [reason(CHUNK_BAD_EXTENSION)]);
    both('1;a="\x7f"\r\nx\r\n0\r\n\r\n', [reason(CHUNK_BAD_EXTENSION)]);
  });
});

describe('CRLF (§2.2: a recipient MAY take a bare LF; a bare CR is never a line end)', () => {
  test('bare LF: refused by the server, accepted by the client', () => {
    for (const [body, strict] of [
      ['1\nx\r\n0\r\n\r\n', CHUNK_BARE_LF],
      ['1;a\nx\r\n0\r\n\r\n', CHUNK_BARE_LF],
      ['1;a=b\nx\r\n0\r\n\r\n', CHUNK_BARE_LF],
      ['1\r\nx\n0\r\n\r\n', CHUNK_DATA_NOT_CRLF],
    ] as const) {
      assert.deepEqual(decodeEverySplit(body, false), [...(body.startsWith('1\r\n') ? [1] : []), reason(strict)], JSON.stringify(body));
      assert.deepEqual(decodeEverySplit(body, true), [1, 0, `end at ${body.length}`], JSON.stringify(body));
    }
  });
  test('bare CR: refused by both', () => {
    both('1\rx\r\n0\r\n\r\n', [reason(CHUNK_BARE_CR)]);
    both('1;a\rx\r\n0\r\n\r\n', [reason(CHUNK_BARE_CR)]);
    both('1\r\nx\rx0\r\n\r\n', [1, reason(CHUNK_DATA_NOT_CRLF)]);
    both('1\r\nxy\r\n0\r\n\r\n', [1, reason(CHUNK_DATA_NOT_CRLF)]);
    assert.deepEqual(decodeEverySplit('1\r\nx\r\n0\r\n\rx', true), [1, 0, REASON_TRAILERS_BARE_CR]);
  });
});

describe('trailer section (§7.1.2)', () => {
  test('skipped line by line up to the empty line', () => {
    assert.deepEqual(decodeEverySplit('0\r\nA: 1\r\nB: 2\r\n\r\nrest', true), [0, 'end at 17']);
    assert.deepEqual(decodeEverySplit('0\r\nA: 1\n\n', true), [0, 'end at 9']);
  });
  test('bounded by the limit given, every byte counted', () => {
    // "A: " + 7 bytes + CRLF = 12, the final CRLF 2: 14 bytes.
    assert.deepEqual(decodeEverySplit('0\r\nA: 1234567\r\n\r\n', true, 14), [0, 'end at 17']);
    assert.deepEqual(decodeEverySplit('0\r\nA: 12345678\r\n\r\n', true, 14), [0, REASON_TRAILERS_TOO_LARGE]);
  });
  test('a server charges trailer lines it parses itself', () => {
    const trailers = new TrailerSection(20);
    trailers.start();
    assert.equal(trailers.fits(20), true);
    assert.equal(trailers.charge(12), true);
    assert.equal(trailers.fits(8), true);
    assert.equal(trailers.fits(9), false);
    assert.equal(trailers.charge(9), false);
    trailers.start();
    assert.equal(trailers.charge(20), true);
  });
});

test('after a failure every call fails until start()', () => {
  const framing = new ChunkFraming(false);
  framing.start();
  const bad = Buffer.from('z\r\n');
  assert.equal(framing.execute(bad, 0, bad.length), CHUNK_FAILED);
  const good = Buffer.from('1\r\n');
  assert.equal(framing.execute(good, 0, good.length), CHUNK_FAILED);
  assert.equal(framing.error, CHUNK_BAD_SIZE);
  framing.start();
  assert.equal(framing.execute(good, 0, good.length), 3);
  assert.equal(framing.size, 1);
});

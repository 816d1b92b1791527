// The field rules both parsers share: the byte comparison, #list elements, field names, Content-Length,
// Transfer-Encoding and Connection options with the persistence rule (RFC 9110 §5, §7.6.1, §8.6; RFC 9112 §6.1, §9.3).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ascii, equalsLowerToken } from '../../../src/http/rules/bytes.js';
import { clientWantsPersistence, noteConnectionOptions, type ConnectionOptions } from '../../../src/http/rules/connection.js';
import {
  CONTENT_LENGTH_ABSENT,
  CONTENT_LENGTH_CONFLICT,
  CONTENT_LENGTH_HUGE,
  CONTENT_LENGTH_INVALID,
  foldContentLength,
} from '../../../src/http/rules/content-length.js';
import * as F from '../../../src/http/rules/field-names.js';
import { ListCursor } from '../../../src/http/rules/lists.js';
import { tallyTransferCodings, type TransferCodings } from '../../../src/http/rules/transfer-coding.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('equalsLowerToken', () => {
  test('matches in any letter case, only at the same length', () => {
    const lower = ascii('keep-alive');
    assert.equal(equalsLowerToken(bytes('Keep-ALIVE'), 0, 10, lower), true);
    assert.equal(equalsLowerToken(bytes('xkeep-alivex'), 1, 11, lower), true);
    assert.equal(equalsLowerToken(bytes('keep-aliv'), 0, 9, lower), false);
    assert.equal(equalsLowerToken(bytes('keep_alive'), 0, 10, lower), false);
    // CR folds onto '-': harmless only because field values never hold a CR (RFC 9110 §5.5).
    assert.equal(equalsLowerToken(bytes('keep\ralive'), 0, 10, lower), true);
  });
});

describe('ListCursor', () => {
  const elements = (text: string, start = 0, end = text.length): string[] => {
    const buf = bytes(text);
    const list = new ListCursor();
    const out: string[] = [];
    list.reset(start, end);
    while (list.next(buf)) out.push(text.slice(list.start, list.end));
    return out;
  };
  test('elements with OWS trimmed, empty ones reported', () => {
    assert.deepEqual(elements('a, b ,\tc'), ['a', 'b', 'c']);
    assert.deepEqual(elements(' a ,, b,'), ['a', '', 'b', '']);
    assert.deepEqual(elements(''), ['']);
    assert.deepEqual(elements('one'), ['one']);
  });
  test('stays inside [start, end)', () => {
    assert.deepEqual(elements('xx a, b yy', 2, 7), ['a', 'b']);
  });
});

describe('fieldName', () => {
  test('the names acted on, in any case; others are FIELD_OTHER', () => {
    const id = (name: string): number => F.fieldName(bytes(name), 0, name.length);
    assert.equal(id('Host'), F.FIELD_HOST);
    assert.equal(id('EXPECT'), F.FIELD_EXPECT);
    assert.equal(id('connection'), F.FIELD_CONNECTION);
    assert.equal(id('X-Client-Id'), F.FIELD_X_CLIENT_ID);
    assert.equal(id('Content-Length'), F.FIELD_CONTENT_LENGTH);
    assert.equal(id('transfer-ENCODING'), F.FIELD_TRANSFER_ENCODING);
    for (const other of ['Hosts', 'Hast', 'Content-Type', 'Content-Lengths', 'Keep-Alive', '']) assert.equal(id(other), F.FIELD_OTHER, other);
  });
});

describe('foldContentLength (RFC 9110 §8.6)', () => {
  const fold = (value: string, previous: number = CONTENT_LENGTH_ABSENT): number => foldContentLength(previous, bytes(value), 0, value.length);
  test('digits, leading zeros, identical lists and lines', () => {
    assert.equal(fold('0'), 0);
    assert.equal(fold('0042'), 42);
    assert.equal(fold('42, 42 ,42'), 42);
    assert.equal(fold('42', 42), 42);
    assert.equal(fold('9007199254740991'), Number.MAX_SAFE_INTEGER);
  });
  test('anything but 1*DIGIT is invalid', () => {
    for (const bad of ['', ' ', '4 2', '+1', '-1', '0x10', '1.0', '42,', ',42', '42,,42']) assert.equal(fold(bad), CONTENT_LENGTH_INVALID, bad);
  });
  test('differing values conflict, in one list or across lines', () => {
    assert.equal(fold('1, 2'), CONTENT_LENGTH_CONFLICT);
    assert.equal(fold('2', 1), CONTENT_LENGTH_CONFLICT);
    assert.equal(fold('01', 1), 1);
  });
  test('past 2^53 - 1 a value is HUGE, equal only to another HUGE', () => {
    assert.equal(fold('9007199254740992'), CONTENT_LENGTH_HUGE);
    assert.equal(fold('1'.repeat(400)), CONTENT_LENGTH_HUGE);
    assert.equal(fold('99999999999999999999, 88888888888888888888'), CONTENT_LENGTH_HUGE);
    assert.equal(fold('99999999999999999999', 5), CONTENT_LENGTH_CONFLICT);
    assert.equal(fold('5', CONTENT_LENGTH_HUGE), CONTENT_LENGTH_CONFLICT);
  });
});

describe('tallyTransferCodings (RFC 9112 §6.1)', () => {
  const tally = (...lines: string[]): TransferCodings & { valid: boolean[] } => {
    const into = { teElements: 0, teChunkedCount: 0, teLastIsChunked: false };
    const valid = lines.map((line) => tallyTransferCodings(into, bytes(line), 0, line.length));
    return { ...into, valid };
  };
  test('counts codings over lines; the final one decides', () => {
    assert.deepEqual(tally('gzip, chunked'), { teElements: 2, teChunkedCount: 1, teLastIsChunked: true, valid: [true] });
    assert.deepEqual(tally('chunked', 'gzip'), { teElements: 2, teChunkedCount: 1, teLastIsChunked: false, valid: [true, true] });
    assert.deepEqual(tally('Chunked', ' , CHUNKED ,'), { teElements: 2, teChunkedCount: 2, teLastIsChunked: true, valid: [true, true] });
  });
  test('parameters are allowed but make chunked not chunked', () => {
    assert.deepEqual(tally('gzip;level=1, chunked ; x'), { teElements: 2, teChunkedCount: 0, teLastIsChunked: false, valid: [true] });
  });
  test('a line with no coding or a bad element is invalid, yet tallied', () => {
    assert.deepEqual(tally(' , '), { teElements: 0, teChunkedCount: 0, teLastIsChunked: false, valid: [false] });
    assert.deepEqual(tally('a b, chunked'), { teElements: 2, teChunkedCount: 1, teLastIsChunked: true, valid: [false] });
    assert.deepEqual(tally('chunked, "x"'), { teElements: 2, teChunkedCount: 1, teLastIsChunked: false, valid: [false] });
  });
});

describe('Connection options (RFC 9110 §7.6.1) and persistence (RFC 9112 §9.3)', () => {
  const note = (...lines: string[]): ConnectionOptions => {
    const into = { connectionClose: false, connectionKeepAlive: false };
    for (const line of lines) noteConnectionOptions(into, bytes(line), 0, line.length);
    return into;
  };
  test('close and keep-alive in any position and case; other options ignored', () => {
    assert.deepEqual(note('Upgrade, CLOSE'), { connectionClose: true, connectionKeepAlive: false });
    assert.deepEqual(note(' , Keep-Alive ,'), { connectionClose: false, connectionKeepAlive: true });
    assert.deepEqual(note('keep-alive', 'close'), { connectionClose: true, connectionKeepAlive: true });
    assert.deepEqual(note('closed, xclose, keep-alive-x, TE'), { connectionClose: false, connectionKeepAlive: false });
  });

  test('HTTP/1.1 persists unless Connection: close; HTTP/1.0 only with Connection: keep-alive', () => {
    assert.equal(clientWantsPersistence(1, false, false), true);
    assert.equal(clientWantsPersistence(1, true, false), false);
    assert.equal(clientWantsPersistence(1, true, true), false);
    assert.equal(clientWantsPersistence(0, false, false), false);
    assert.equal(clientWantsPersistence(0, false, true), true);
    assert.equal(clientWantsPersistence(0, true, true), false);
  });
});

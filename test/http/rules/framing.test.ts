// Body framing per direction (RFC 9112 §6.3): what each combination of framing fields gives a request and a response.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_LENGTH_ABSENT } from '../../../src/http/rules/content-length.js';
import * as F from '../../../src/http/rules/framing.js';
import type { TransferCodings } from '../../../src/http/rules/transfer-coding.js';

const NO_TE: TransferCodings = { teElements: 0, teChunkedCount: 0, teLastIsChunked: false };
const CHUNKED: TransferCodings = { teElements: 1, teChunkedCount: 1, teLastIsChunked: true };
const GZIP: TransferCodings = { teElements: 1, teChunkedCount: 0, teLastIsChunked: false };
const GZIP_CHUNKED: TransferCodings = { teElements: 2, teChunkedCount: 1, teLastIsChunked: true };
const CHUNKED_TWICE: TransferCodings = { teElements: 2, teChunkedCount: 2, teLastIsChunked: true };
const ABSENT = CONTENT_LENGTH_ABSENT;

describe('requestFraming', () => {
  test('Content-Length, none, chunked (rules 4, 6, 7)', () => {
    assert.equal(F.requestFraming(1, 5, NO_TE), F.BODY_LENGTH);
    assert.equal(F.requestFraming(1, 0, NO_TE), F.BODY_NONE);
    assert.equal(F.requestFraming(1, ABSENT, NO_TE), F.BODY_NONE);
    assert.equal(F.requestFraming(0, 5, NO_TE), F.BODY_LENGTH);
    assert.equal(F.requestFraming(1, ABSENT, CHUNKED), F.BODY_CHUNKED);
    assert.equal(F.requestFraming(1, ABSENT, GZIP_CHUNKED), F.BODY_CHUNKED);
  });
  test('what a server refuses', () => {
    assert.equal(F.requestFraming(1, 5, CHUNKED), F.REQUEST_CL_AND_TE);
    assert.equal(F.requestFraming(1, 0, CHUNKED), F.REQUEST_CL_AND_TE);
    assert.equal(F.requestFraming(0, ABSENT, CHUNKED), F.REQUEST_TE_HTTP10);
    assert.equal(F.requestFraming(1, ABSENT, GZIP), F.REQUEST_TE_NOT_CHUNKED);
    assert.equal(F.requestFraming(1, ABSENT, CHUNKED_TWICE), F.REQUEST_TE_NOT_CHUNKED);
  });
});

describe('responseFraming', () => {
  test('no body after HEAD, in 1xx, 204, 304, whatever the fields (rule 1)', () => {
    for (const status of [100, 204, 304]) assert.equal(F.responseFraming(status, false, 10, NO_TE), F.BODY_NONE, String(status));
    assert.equal(F.responseFraming(200, true, 10, CHUNKED), F.BODY_NONE);
  });
  test('Transfer-Encoding before Content-Length (rules 3, 4)', () => {
    assert.equal(F.responseFraming(200, false, ABSENT, CHUNKED), F.BODY_CHUNKED);
    assert.equal(F.responseFraming(200, false, ABSENT, CHUNKED_TWICE), F.BODY_CHUNKED);
    assert.equal(F.responseFraming(200, false, 10, CHUNKED), F.BODY_CHUNKED_THEN_CLOSE);
    assert.equal(F.responseFraming(200, false, ABSENT, GZIP), F.BODY_UNTIL_CLOSE);
    assert.equal(F.responseFraming(200, false, 10, GZIP), F.BODY_UNTIL_CLOSE);
  });
  test('Content-Length, then close (rules 6, 8)', () => {
    assert.equal(F.responseFraming(200, false, 10, NO_TE), F.BODY_LENGTH);
    assert.equal(F.responseFraming(404, false, 0, NO_TE), F.BODY_NONE);
    assert.equal(F.responseFraming(200, false, ABSENT, NO_TE), F.BODY_UNTIL_CLOSE);
  });
});

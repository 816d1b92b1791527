// Request serializer: exact bytes per version, Host and Content-Length rules, refusal of injectable input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repeatRequest, serializeRequest } from '../../src/http/request-serializer.js';

const url = new URL('http://127.0.0.1:8080/path?q=1');

test('HTTP/1.0 request: request line, Host, nothing else', () => {
  const bytes = serializeRequest({ method: 'GET', url, httpVersion: '1.0', headers: [], body: null });
  assert.equal(bytes.toString('latin1'), 'GET /path?q=1 HTTP/1.0\r\nHost: 127.0.0.1:8080\r\n\r\n');
});

test('HTTP/1.1 request with user fields and a body gets Content-Length', () => {
  const bytes = serializeRequest({ method: 'POST', url: new URL('http://[::1]/'), httpVersion: '1.1', headers: [['X-A', 'b c']], body: 'héllo' });
  assert.equal(bytes.toString('utf8'), 'POST / HTTP/1.1\r\nHost: [::1]\r\nX-A: b c\r\nContent-Length: 6\r\n\r\nhéllo');
});

test('a user Host replaces the default; a matching Content-Length is kept as given', () => {
  const bytes = serializeRequest({ method: 'PUT', url, httpVersion: '1.1', headers: [['host', 'example.test'], ['Content-Length', '2']], body: 'ab' });
  assert.equal(bytes.toString('latin1'), 'PUT /path?q=1 HTTP/1.1\r\nhost: example.test\r\nContent-Length: 2\r\n\r\nab');
});

test('invalid methods, names, values and framing fields are refused', () => {
  const bad = (over: Partial<Parameters<typeof serializeRequest>[0]>) =>
    assert.throws(() => serializeRequest({ method: 'GET', url, httpVersion: '1.1', headers: [], body: null, ...over }), { code: 'H1B_INVALID_OPTION' });
  bad({ method: 'GE T' });
  bad({ method: '' });
  bad({ headers: [['Bad Name', 'x']] });
  bad({ headers: [['X', 'a\r\nInjected: 1']] });
  bad({ headers: [['X', ' padded']] });
  bad({ headers: [['Transfer-Encoding', 'chunked']], body: 'x' });
  bad({ headers: [['Content-Length', '5']], body: 'x' });
  bad({ headers: [['Content-Length', '5']] });
});

test('repeatRequest makes back-to-back copies for pipelined batches', () => {
  const one = serializeRequest({ method: 'GET', url, httpVersion: '1.1', headers: [], body: null });
  const batch = repeatRequest(one, 3);
  assert.equal(batch.toString('latin1'), one.toString('latin1').repeat(3));
});

// The pre-serialized responses with their per-second Date (persistence itself: rules/fields.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateCache } from '../../src/http/date-cache.js';
import { CLOSE, ConnectionHeaders, KEEP_ALIVE, KEEP_ALIVE_ECHO, StaticResponse } from '../../src/http/response-writer.js';

test('the Date value changes once per second and bumps the generation', () => {
  const dates = new DateCache();
  const t = Date.UTC(2026, 0, 2, 3, 4, 5);
  assert.equal(dates.get(t), 'Fri, 02 Jan 2026 03:04:05 GMT');
  const g = dates.generation;
  dates.get(t + 999);
  assert.equal(dates.generation, g);
  assert.equal(dates.get(t + 1000), 'Fri, 02 Jan 2026 03:04:06 GMT');
  assert.equal(dates.generation, g + 1);
});

test('a static response has close / keep-alive (1.1) / keep-alive echoed (1.0) and GET / HEAD variants, rebuilt when the Date changes', () => {
  const dates = new DateCache();
  dates.get(Date.now());
  const r = new StaticResponse(200, 'text/plain', Buffer.from('hi'), new ConnectionHeaders(7500), dates);
  const ka = r.get(KEEP_ALIVE, false).toString('latin1');
  assert.match(ka, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(ka.includes('\r\nContent-Length: 2\r\nKeep-Alive: timeout=7\r\n\r\nhi'));
  assert.ok(!ka.includes('Connection:'), 'HTTP/1.1 persistence is the default; nothing to say');
  const echo = r.get(KEEP_ALIVE_ECHO, false).toString('latin1');
  assert.ok(echo.includes('\r\nConnection: keep-alive\r\nKeep-Alive: timeout=7\r\n\r\nhi'));
  const close = r.get(CLOSE, true).toString('latin1');
  assert.ok(close.endsWith('\r\nContent-Length: 2\r\nConnection: close\r\n\r\n'));
  assert.equal(r.get(KEEP_ALIVE, false), r.get(KEEP_ALIVE, false), 'served from the cache');
  const before = r.get(CLOSE, false);
  dates.get(Date.now() + 5000);
  assert.notEqual(r.get(CLOSE, false), before);
});

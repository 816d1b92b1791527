// Every error code is unique, well-formed and documented in README.md (fastify's errors test, for h1bench).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/version.js';
import { ERROR_CODES, H1Error, classifySocketError, type ErrorCode } from '../src/errors.js';

const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
const codes = Object.keys(ERROR_CODES) as ErrorCode[];

test('codes are unique, prefixed and have a description and exit code', () => {
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) {
    assert.match(code, /^H1B_[A-Z0-9_]+$/);
    assert.ok(ERROR_CODES[code].description.length > 10, code);
    assert.ok([1, 2].includes(ERROR_CODES[code].exitCode), code);
  }
});

test('every code is documented in README.md with its exit code', () => {
  for (const code of codes) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\``));
    assert.ok(row, `${code} is missing from the README error table`);
    assert.ok(row.includes(`| ${ERROR_CODES[code].exitCode} |`), `${code}: README exit code differs`);
  }
  const documented = [...readme.matchAll(/^\| `(H1B_[A-Z0-9_]+)`/gm)].map((m) => m[1]);
  for (const code of documented) assert.ok(code && code in ERROR_CODES, `README documents unknown code ${code}`);
});

test('H1Error carries code, exit code and name', () => {
  const error = new H1Error('H1B_INVALID_URL', 'bad');
  assert.equal(error.code, 'H1B_INVALID_URL');
  assert.equal(error.exitCode, 2);
  assert.equal(error.name, 'H1Error');
  assert.ok(error instanceof Error);
});

test('socket errors are classified', () => {
  assert.equal(classifySocketError({ code: 'ECONNREFUSED' }), 'H1B_CONNECT_REFUSED');
  assert.equal(classifySocketError({ code: 'ECONNRESET' }), 'H1B_CONNECT_RESET');
  assert.equal(classifySocketError({ code: 'EADDRNOTAVAIL' }), 'H1B_ADDR_NOT_AVAIL');
  assert.equal(classifySocketError(new Error('x')), 'H1B_SOCKET_ERROR');
});

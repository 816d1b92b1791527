// --source: literal lists and ranges expanded in order, one family matching the target's, local addresses only.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SOURCE_ADDRESSES, parseSourceAddresses } from '../../src/cli/source-option.js';
import { isH1Error } from '../../src/errors.js';

function refused(values: unknown, target: string | null, pattern: RegExp): void {
  assert.throws(
    () => parseSourceAddresses(values, target),
    (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && pattern.test(error.message),
  );
}

describe('--source', () => {
  test('a comma list and repeated options keep their order; duplicates count once', () => {
    assert.deepEqual(parseSourceAddresses(['127.0.0.2,127.0.0.3', '127.0.0.2', ' 127.0.0.9 '], '127.0.0.1'), ['127.0.0.2', '127.0.0.3', '127.0.0.9']);
  });

  test('an IPv4 range expands inclusively, across an octet boundary too', () => {
    assert.deepEqual(parseSourceAddresses('127.0.0.2-127.0.0.5', null), ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
    const across = parseSourceAddresses('127.0.0.254-127.0.1.1', null);
    assert.deepEqual(across, ['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1']);
    assert.equal(parseSourceAddresses('127.0.0.2-127.0.0.50', null).length, 49);
  });

  test('IPv6: ::1 alone (loopback), written canonically; an IPv6 target needs IPv6 sources', () => {
    assert.deepEqual(parseSourceAddresses('[0:0:0:0:0:0:0:1]', '::1'), ['::1']);
    refused('::1', '127.0.0.1', /IPv6 but the target 127\.0\.0\.1 is IPv4/);
    refused('127.0.0.2', '::1', /IPv4 but the target ::1 is IPv6/);
  });

  test('a host name as target is checked later (by the engine, once resolved)', () => {
    assert.deepEqual(parseSourceAddresses('127.0.0.2', 'localhost'), ['127.0.0.2']);
  });

  test('refused: host names, empty items, backwards or mixed ranges, mixed families, too many, foreign addresses', () => {
    refused('localhost', null, /not an IPv4 or IPv6 address/);
    refused('127.0.0.2,', null, /empty address/);
    refused('127.0.0.9-127.0.0.2', null, /runs backwards/);
    refused('127.0.0.2-::1', null, /mixes IPv4 and IPv6/);
    refused('127.0.0.2,::1', null, /mixes IPv4 and IPv6/);
    refused('127.0.0.0-127.0.255.255', null, new RegExp(`more than ${MAX_SOURCE_ADDRESSES}`));
    // TEST-NET-3 (RFC 5737) is never an address of this machine.
    refused('203.0.113.7', null, /not an address of this machine/);
  });
});

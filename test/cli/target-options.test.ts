// Target options: any http/https host passes validation (no traffic), --resolve pins, TLS client files and flags.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResolvePins, parseTlsClient } from '../../src/cli/target-options.js';
import { isH1Error } from '../../src/errors.js';
import { writeTestCertificate, type CertFiles } from '../helpers/test-cert.js';

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => isH1Error(error) && error.code === code && (!message || message.test(error.message)));
}

const dir = mkdtempSync(join(tmpdir(), 'h1b-target-options-'));
let server: CertFiles;
let other: CertFiles;
before(async () => {
  server = await writeTestCertificate(dir, 'server');
  other = await writeTestCertificate(dir, 'other');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('--resolve', () => {
  test("curl's HOST:PORT:ADDR, several addresses in order, IPv6 with or without brackets", () => {
    assert.deepEqual(parseResolvePins(['example.com:443:127.0.0.1', 'Localhost:8080:[::1],127.0.0.1', '[::1]:80:::1']), [
      { host: 'example.com', port: 443, addresses: ['127.0.0.1'] },
      { host: 'localhost', port: 8080, addresses: ['::1', '127.0.0.1'] },
      { host: '::1', port: 80, addresses: ['::1'] },
    ]);
    assert.deepEqual(parseResolvePins(undefined), []);
  });

  test('malformed pins are H1B_INVALID_OPTION naming the entry', () => {
    throwsCode(() => parseResolvePins('example.com'), 'H1B_INVALID_OPTION', /'example\.com' is not HOST:PORT:ADDR/);
    throwsCode(() => parseResolvePins('example.com:99999:127.0.0.1'), 'H1B_INVALID_OPTION');
    throwsCode(() => parseResolvePins('example.com:443:not-an-ip'), 'H1B_INVALID_OPTION', /'not-an-ip' is not an IPv4 or IPv6 address/);
  });
});

describe('TLS client options', () => {
  test('a plain target has none, and refuses TLS flags', () => {
    assert.equal(parseTlsClient({}, 'http://127.0.0.1/'), null);
    assert.equal(parseTlsClient({}, null), null);
    throwsCode(() => parseTlsClient({ insecure: true, ca: 'x' }, 'http://127.0.0.1/'), 'H1B_INVALID_OPTION', /-k\/--insecure, --ca only apply to https/);
  });

  test('https:// defaults: verification on, resumption on, up to TLS 1.3, SNI from the URL', () => {
    const tls = parseTlsClient({}, 'https://example.com/');
    assert.deepEqual(tls, {
      caFile: null,
      ca: null,
      certFile: null,
      cert: null,
      keyFile: null,
      key: null,
      insecure: false,
      servername: null,
      resume: true,
      maxVersion: 'TLSv1.3',
    });
    assert.ok(Object.isFrozen(tls));
  });

  test('files are read once, here: --ca, a matching --cert/--key pair', () => {
    const tls = parseTlsClient({ ca: server.certFile, cert: server.certFile, key: server.keyFile }, 'https://localhost/')!;
    assert.equal(tls.ca, server.certPem);
    assert.equal(tls.key, server.keyPem);
    assert.equal(tls.caFile, server.certFile);
  });

  test('unusable files are H1B_TLS_CONFIG naming the file', () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    throwsCode(() => parseTlsClient({ ca: join(dir, 'missing.pem') }, 'https://x/'), 'H1B_TLS_CONFIG', /--ca .*missing\.pem cannot be read \(ENOENT\)/);
    throwsCode(() => parseTlsClient({ ca: notPem }, 'https://x/'), 'H1B_TLS_CONFIG', /not a PEM certificate/);
    throwsCode(() => parseTlsClient({ cert: server.certFile }, 'https://x/'), 'H1B_TLS_CONFIG', /--cert and --key go together/);
    throwsCode(() => parseTlsClient({ cert: server.certFile, key: other.keyFile }, 'https://x/'), 'H1B_TLS_CONFIG', /does not match/);
  });

  test('choices and names are checked', () => {
    throwsCode(() => parseTlsClient({ tlsMax: '1.1' }, 'https://x/'), 'H1B_INVALID_OPTION', /--tls-max must be one of 1\.2, 1\.3/);
    throwsCode(() => parseTlsClient({ servername: '10.0.0.1' }, 'https://x/'), 'H1B_INVALID_OPTION', /SNI carries names only/);
    throwsCode(() => parseTlsClient({ tls: true }, 'https://x/'), 'H1B_INVALID_OPTION', /--tls starts the embedded server/);
    assert.equal(parseTlsClient({ tls: true, tlsResume: 'off' }, null)?.resume, false);
  });
});

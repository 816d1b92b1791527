// A self-signed server certificate and key written to files: for nginx over TLS in bench:tls and the tests (--ca).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface CertFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * EC P-256, valid for a day, for `names` (DNS names and IP literals as subjectAltNames), not a CA: trusting it
 * with --ca works because it is its own issuer. Written as `<prefix>.crt` / `<prefix>.key` in `dir`.
 */
export async function writeTestCertificate(dir: string, prefix: string, names: readonly string[] = ['localhost', '127.0.0.1', '::1']): Promise<CertFiles> {
  const notBefore = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((name) => (/^[\d.]+$/.test(name) || name.includes(':') ? { type: 7, ip: name } : { type: 2, value: name })),
      },
    ],
  });
  const certFile = join(dir, `${prefix}.crt`);
  const keyFile = join(dir, `${prefix}.key`);
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return { certFile, keyFile, certPem: pems.cert, keyPem: pems.private };
}

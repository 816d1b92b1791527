// The HTTPS server's identity: a certificate and key read from PEM files, or a self-signed one made at start.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { generate } from 'selfsigned';
import { H1Error } from '../errors.js';
import type { ServerTlsConfig } from '../types.js';

/** Names the generated certificate is valid for (subjectAltName: one DNS name, two IP addresses). */
export const SELF_SIGNED_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/** Validity of a generated certificate: it only has to outlive one `bench serve` process. */
const SELF_SIGNED_VALIDITY_MS = 24 * 3600 * 1000;
/** notBefore is set this far in the past so a peer whose clock lags slightly still accepts the certificate. */
const CLOCK_SKEW_MS = 60 * 1000;

/** What a client needs to know about the served certificate (no key). */
export interface TlsCertificateInfo {
  /** The certificate (chain) served, PEM, leaf first; for a self-signed one, the CA a client passes to trust it. */
  readonly certificatePem: string;
  /** SHA-256 of the leaf certificate (DER): upper-case hex pairs joined by ':', as `openssl x509 -fingerprint -sha256`. */
  readonly fingerprint256: string;
  /** 'self-signed for localhost, 127.0.0.1, ::1' or 'from FILE'. */
  readonly origin: string;
  readonly selfSigned: boolean;
}

/** The certificate and its private key, ready for `tls.createServer`. */
export interface TlsIdentity extends TlsCertificateInfo {
  readonly keyPem: string;
}

/**
 * Load the identity `config` names, or generate one; then write `config.certOut` if set.
 *
 * Generated: EC P-256 key, ECDSA-SHA256 signature, CN=localhost, subjectAltName DNS:localhost, IP:127.0.0.1,
 * IP:::1 (RFC 5280 §4.2.1.6; clients match IP literals against IP SANs, RFC 6125 §6.2.1), serverAuth, not a CA,
 * valid from one minute ago for one day. EC rather than RSA 2048 because its key is made in milliseconds and its
 * handshake signatures are cheaper: the full-handshake cost then reflects what a modern service pays.
 *
 * `certOut` is written atomically (temporary file, then rename) before the server listens, so a parent that
 * reads the URL line can read the certificate at once. It holds the served certificate (chain), never the key.
 *
 * @throws H1Error H1B_TLS_CONFIG when only one of certFile/keyFile is given, a file is unreadable or not PEM, the
 *   key is encrypted or does not match the certificate, or certOut cannot be written (the message names the file).
 */
export async function loadTlsIdentity(config: ServerTlsConfig): Promise<TlsIdentity> {
  const identity = config.certFile === null && config.keyFile === null ? await selfSigned() : await fromFiles(config.certFile, config.keyFile);
  if (config.certOut !== null) await writeCertificate(config.certOut, identity.certificatePem);
  return identity;
}

async function selfSigned(): Promise<TlsIdentity> {
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + CLOCK_SKEW_MS + SELF_SIGNED_VALIDITY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      // ECDSA signs the handshake; keyEncipherment is an RSA key-transport usage and does not apply to EC keys.
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  return {
    certificatePem: pems.cert,
    keyPem: pems.private,
    fingerprint256: new X509Certificate(pems.cert).fingerprint256,
    origin: `self-signed for ${SELF_SIGNED_NAMES.join(', ')}`,
    selfSigned: true,
  };
}

async function fromFiles(certFile: string | null, keyFile: string | null): Promise<TlsIdentity> {
  if (certFile === null || keyFile === null) {
    throw new H1Error('H1B_TLS_CONFIG', `--cert and --key go together: ${certFile === null ? '--key' : '--cert'} was given alone`);
  }
  const certificatePem = await readPem(certFile, '--cert');
  const keyPem = await readPem(keyFile, '--key');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch (error) {
    throw new H1Error('H1B_TLS_CONFIG', `--cert ${certFile} is not a PEM certificate (${describe(error)})`, { cause: error });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new H1Error('H1B_TLS_CONFIG', `--key ${keyFile} is not an unencrypted PEM private key (${describe(error)})`, { cause: error });
  }
  if (!cert.checkPrivateKey(key)) {
    throw new H1Error('H1B_TLS_CONFIG', `--key ${keyFile} does not match the certificate in --cert ${certFile}`);
  }
  return {
    certificatePem,
    keyPem,
    fingerprint256: cert.fingerprint256,
    origin: `from ${certFile}`,
    selfSigned: cert.checkIssued(cert) && cert.verify(cert.publicKey),
  };
}

async function readPem(file: string, option: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new H1Error('H1B_TLS_CONFIG', `${option} ${file} cannot be read (${describe(error)})`, { cause: error });
  }
}

async function writeCertificate(file: string, pem: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, pem, { mode: 0o644 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }); // force: no error when the file was never created
    throw new H1Error('H1B_TLS_CONFIG', `--cert-out ${file} cannot be written (${describe(error)})`, { cause: error });
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}

/**
 * The line `bench serve --tls` writes on stderr before its URL line, e.g.
 * `tls: certificate sha256 AB:CD:…:EF (self-signed for localhost, 127.0.0.1, ::1)`; parse it with CERTIFICATE_LINE.
 */
export function formatCertificateLine(info: TlsCertificateInfo): string {
  return `tls: certificate sha256 ${info.fingerprint256} (${info.origin})`;
}

/** Matches formatCertificateLine's output: group 1 the SHA-256 fingerprint (32 hex pairs), group 2 the origin. */
export const CERTIFICATE_LINE = /^tls: certificate sha256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2}) \((.*)\)$/;

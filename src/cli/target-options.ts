// Target option validation shared by run, suite, heartbeat and trace: the URL, --resolve pins and the TLS client
// options (read once, here, so a bad file fails before any traffic).

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Argv } from 'yargs';
import { H1Error } from '../errors.js';
import type { ResolvePin, TlsClientConfig, TlsVersion } from '../types.js';
import { parseChoice } from './options.js';

/** Option values as yargs hands them over (no defaults applied). */
export interface TargetArgs {
  url?: string;
  /** `--tls`: the embedded server over HTTPS. */
  tls?: boolean;
  insecure?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  tlsResume?: string;
  tlsMax?: string;
  resolve?: string | string[];
}

export const TLS_DEFAULTS = Object.freeze({ resume: 'on', max: '1.3' });

/**
 * Declare `--resolve` and the TLS client options of an https:// target on a command, worded alike everywhere.
 * `full`: also `--cert`/`--key` (a client certificate) and `--tls-resume` (bench run; a suite sets resumption per case).
 */
export function targetOptions<T>(yargs: Argv<T>, full = false): Argv<T> {
  let argv = yargs
    .option('resolve', { type: 'string', array: true, describe: 'HOST:PORT:ADDR[,ADDR]: connect to these addresses for HOST:PORT instead of asking DNS (as curl; repeatable)' })
    .option('insecure', { alias: 'k', type: 'boolean', describe: "https://: do not verify the server's certificate" })
    .option('ca', { type: 'string', describe: 'https://: also trust the CA certificate(s) in this PEM file' });
  if (full) {
    argv = argv
      .option('cert', { type: 'string', describe: 'https://: client certificate (PEM), with --key' })
      .option('key', { type: 'string', describe: 'https://: private key (PEM) of --cert' });
  }
  argv = argv.option('servername', { type: 'string', describe: "https://: SNI and certificate name [default: the URL's host]" });
  if (full) {
    argv = argv.option('tls-resume', { type: 'string', describe: `https://: on: offer the latest session on each new connection | off: every handshake full [default: ${TLS_DEFAULTS.resume}]` });
  }
  return argv.option('tls-max', { type: 'string', describe: `https://: highest TLS version offered: 1.2 | 1.3 [default: ${TLS_DEFAULTS.max}]` }) as Argv<T>;
}

const TLS_VERSIONS: Record<string, TlsVersion> = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };
/** The TLS client flags, for "only with https://" messages. */
const TLS_CLIENT_FLAGS = ['insecure', 'ca', 'cert', 'key', 'servername', 'tlsResume', 'tlsMax'] as const;
const FLAG_NAMES: Record<(typeof TLS_CLIENT_FLAGS)[number], string> = {
  insecure: '-k/--insecure',
  ca: '--ca',
  cert: '--cert',
  key: '--key',
  servername: '--servername',
  tlsResume: '--tls-resume',
  tlsMax: '--tls-max',
};

const invalid = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);

/**
 * An absolute http:// or https:// URL with a host: a name, an IPv4 literal or a bracketed IPv6 literal. Any host is
 * accepted: h1bench loads whatever a user names (its own tests stay on loopback). Returns the normalized href.
 * @throws H1Error H1B_INVALID_URL for anything else (another scheme, no host, credentials in the URL).
 */
export function validateUrl(text: string, option = '--url'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new H1Error('H1B_INVALID_URL', `${option} '${text}' is not an absolute URL; use e.g. http://127.0.0.1:8080/ or https://example.com/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new H1Error('H1B_INVALID_URL', `${option} '${text}': only http:// and https:// are supported (h1bench measures HTTP/1.x over TCP or TLS)`);
  }
  if (url.hostname === '') throw new H1Error('H1B_INVALID_URL', `${option} '${text}' has no host`);
  if (url.username || url.password) throw new H1Error('H1B_INVALID_URL', `${option} '${text}': credentials in the URL are not supported`);
  return url.href;
}

/**
 * `--resolve HOST:PORT:ADDR[,ADDR]…` as curl reads it: HOST:PORT is connected at these addresses, in this order,
 * without asking DNS. HOST may be a bracketed IPv6 literal; each ADDR an IPv4 or IPv6 literal (brackets optional).
 * @throws H1Error H1B_INVALID_OPTION naming the malformed entry.
 */
export function parseResolvePins(values: string | string[] | undefined): ResolvePin[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return list.map((text) => {
    const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5}):(.+)$/.exec(text.trim());
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65_535) throw invalid(`--resolve '${text}' is not HOST:PORT:ADDR (e.g. example.com:443:127.0.0.1)`);
    const addresses = match[3]!.split(',').map((address) => address.trim().replace(/^\[(.*)\]$/, '$1'));
    for (const address of addresses) {
      if (isIP(address) === 0) throw invalid(`--resolve '${text}': '${address}' is not an IPv4 or IPv6 address`);
    }
    return Object.freeze({ host: match[1]!.replace(/^\[(.*)\]$/, '$1').toLowerCase(), port, addresses: Object.freeze(addresses) });
  });
}

/**
 * The TLS client config of a target: for an https:// URL, or for `--tls` (embedded server over HTTPS; `url` null);
 * null for a plain target, which then must not carry TLS flags. Files are read and checked here.
 * @throws H1Error H1B_INVALID_OPTION for flags that do not fit the target, H1B_TLS_CONFIG for unusable files.
 */
export function parseTlsClient(args: TargetArgs, url: string | null): TlsClientConfig | null {
  const https = url !== null && url.startsWith('https:');
  if (args.tls === true && url !== null) {
    throw invalid('--tls starts the embedded server over HTTPS; for a server of your own give an https:// --url instead');
  }
  if (!https && args.tls !== true) {
    const given = TLS_CLIENT_FLAGS.filter((flag) => args[flag] !== undefined && args[flag] !== false);
    if (given.length > 0) {
      throw invalid(`${given.map((flag) => FLAG_NAMES[flag]).join(', ')} only apply to https:// targets (an https:// --url, or --tls for the embedded server)`);
    }
    return null;
  }
  if ((args.cert === undefined) !== (args.key === undefined)) {
    throw new H1Error('H1B_TLS_CONFIG', '--cert and --key go together: a client certificate needs its private key');
  }
  const servername = args.servername === undefined ? null : args.servername.trim();
  if (servername !== null && (servername === '' || /[\s/]/.test(servername) || isIP(servername) !== 0)) {
    throw invalid(`--servername '${args.servername}' must be a host name (SNI carries names only, RFC 6066 §3)`);
  }
  const ca = args.ca === undefined ? null : readPem(args.ca, '--ca', 'CERTIFICATE');
  if (ca !== null) certificateOf(ca, args.ca!, '--ca');
  const cert = args.cert === undefined ? null : readPem(args.cert, '--cert', 'CERTIFICATE');
  const key = args.key === undefined ? null : readPem(args.key, '--key', 'PRIVATE KEY');
  if (cert !== null && key !== null) checkKeyPair(cert, args.cert!, key, args.key!);
  return Object.freeze({
    caFile: args.ca ?? null,
    ca,
    certFile: args.cert ?? null,
    cert,
    keyFile: args.key ?? null,
    key,
    insecure: args.insecure === true,
    servername,
    resume: parseChoice(args.tlsResume ?? TLS_DEFAULTS.resume, 'tls-resume', ['on', 'off'] as const) === 'on',
    maxVersion: TLS_VERSIONS[parseChoice(args.tlsMax ?? TLS_DEFAULTS.max, 'tls-max', ['1.2', '1.3'] as const)]!,
  });
}

function readPem(file: string, option: string, label: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new H1Error('H1B_TLS_CONFIG', `${option} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  if (!text.includes(`-----BEGIN `) || !text.includes(label)) throw new H1Error('H1B_TLS_CONFIG', `${option} ${file} is not a PEM ${label.toLowerCase()}`);
  return text;
}

function certificateOf(pem: string, file: string, option: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new H1Error('H1B_TLS_CONFIG', `${option} ${file} holds no certificate node:crypto can read (${(error as Error).message})`, { cause: error });
  }
}

function checkKeyPair(cert: string, certFile: string, key: string, keyFile: string): void {
  const certificate = certificateOf(cert, certFile, '--cert');
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new H1Error('H1B_TLS_CONFIG', `--key ${keyFile} is not an unencrypted private key (${(error as Error).message})`, { cause: error });
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new H1Error('H1B_TLS_CONFIG', `--key ${keyFile} does not match the certificate in --cert ${certFile}`);
}

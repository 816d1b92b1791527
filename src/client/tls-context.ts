// One TLS client context per load: the SecureContext (CA bundle, client certificate, versions) is built once and
// shared by every connection, so a 1.0 run does not parse node's root store once per request.

import {
  checkServerIdentity,
  createSecureContext,
  rootCertificates,
  type ConnectionOptions,
  type PeerCertificate,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import type { TlsSessionInfo } from '../measurements.js';
import type { LoadTls } from './engine.js';

/** RFC 7301: the one application protocol h1bench speaks (HTTP/1.0 has no ALPN id; servers fall back to 1.1 framing). */
export const ALPN_HTTP11 = ['http/1.1'];

/**
 * The SecureContext of one load: node's bundled roots plus `extraCa` (node's `ca` option replaces the roots, so they
 * are passed explicitly to *add* a CA), the client certificate, TLS 1.2 up to `maxVersion`.
 */
export function clientSecureContext(tls: LoadTls): SecureContext {
  return createSecureContext({
    ...(tls.extraCa.length > 0 ? { ca: [...rootCertificates, ...tls.extraCa] } : {}),
    ...(tls.cert !== null && tls.key !== null ? { cert: tls.cert, key: tls.key } : {}),
    minVersion: 'TLSv1.2',
    maxVersion: tls.maxVersion,
  });
}

/**
 * Options every `tls.connect` of the load shares (add host, port and, when resuming, `session`): the shared context,
 * SNI, ALPN http/1.1, verification on unless --insecure, and the certificate checked against `verifyName` (the URL
 * host or --servername) even though the socket connects to an IP address (RFC 6125 §6; node would otherwise check
 * the address it connected to).
 */
export function tlsConnectOptions(tls: LoadTls, secureContext: SecureContext = clientSecureContext(tls)): ConnectionOptions {
  const verifyName = tls.verifyName;
  return {
    secureContext,
    ...(tls.servername !== null ? { servername: tls.servername } : {}),
    ALPNProtocols: ALPN_HTTP11,
    rejectUnauthorized: tls.rejectUnauthorized,
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(verifyName, cert),
  };
}

/** What a completed TLS socket negotiated, for the report's `target.tls`. */
export function sessionInfo(socket: TLSSocket): TlsSessionInfo {
  const alpn = socket.alpnProtocol;
  return { protocol: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher()?.name ?? 'unknown', alpn: typeof alpn === 'string' ? alpn : null };
}

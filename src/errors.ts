// The one registry of h1bench's typed errors: stable codes, a message a user can act on.
// test/errors.test.ts checks every code is unique and documented in README.md.

export interface ErrorSpec {
  /** Short, actionable description; also the README line. */
  readonly description: string;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number;
}

export const ERROR_CODES = {
  // Configuration and usage (exit 2): thrown once, at the CLI boundary.
  H1B_INVALID_OPTION: { description: 'An option has an invalid value or combination; the message names the option.', exitCode: 2 },
  H1B_INVALID_DURATION: { description: 'A duration is not of the form 500ms, 10s, 2m (or a bare number of seconds).', exitCode: 2 },
  H1B_INVALID_URL: { description: 'The target URL is not an absolute http:// or https:// URL with a host (a name or an IPv4/IPv6 literal).', exitCode: 2 },
  H1B_TLS_CONFIG: { description: 'The TLS options cannot be used: --cert and --key go together (the server identity of bench serve --tls, or a client certificate of bench run), --ca, --cert and --key must be readable PEM files, the key must match the certificate, and --cert-out must be writable; the message names the file.', exitCode: 2 },

  // Listening and process boundaries.
  H1B_LISTEN_FAILED: { description: 'The server could not bind the host/port (in use, or no permission); pick another --port or use --port 0.', exitCode: 1 },
  H1B_SERVER_SPAWN_FAILED: { description: 'The embedded server child process did not start or did not print its URL.', exitCode: 1 },
  H1B_TOOL_MISSING: { description: 'An external tool (tcpdump, ip, nginx, wrk, chromium) is not installed; the message names the Debian package.', exitCode: 1 },
  H1B_PERMISSION_DENIED: { description: 'The operation needs root (packet capture, network namespaces); run as root or drop the flag.', exitCode: 1 },

  // Reports.
  H1B_REPORT_READ: { description: 'A report file could not be read or is not JSON.', exitCode: 2 },
  H1B_REPORT_SCHEMA: {
    description: 'A report has an unknown schemaVersion or a missing field (upgrade h1bench or regenerate the report), or a JSON file is not an h1bench report at all.',
    exitCode: 2,
  },
  H1B_REPORT_WRITE: {
    description: 'A report, HTML page or capture cannot be written (a parent is a file, the directory is not writable); checked before measuring, and nothing partial is left behind.',
    exitCode: 1,
  },
  H1B_REPORT_MISMATCH: { description: 'Two reports cannot be compared (different kinds or no common cases), or shard reports cannot be merged (different targets, modes, engines or shard counts; a missing or repeated shard index; a report that is no shard); the message names the files.', exitCode: 2 },
  H1B_SUITE_FILE: { description: 'A suite definition (--preset in bench/suites/ or --file) is missing, not JSON, or has an invalid field; the message names it.', exitCode: 2 },

  // Reaching the target: checked once, before the warm-up (runner/resolve.ts).
  H1B_RESOLVE_FAILED: { description: "The target's host name did not resolve (the message carries the resolver's code); fix --url or pin an address with --resolve HOST:PORT:ADDR.", exitCode: 1 },

  // Load generation: classified and counted on the hot path, thrown only when a whole run fails.
  H1B_CONNECT_REFUSED: { description: 'Connection refused or unreachable: nothing accepts at the target; the message names every address tried. Start the server or fix --url.', exitCode: 1 },
  H1B_TLS_VERIFY: { description: "The server's certificate failed verification (the message carries the host and the TLS stack's reason, e.g. DEPTH_ZERO_SELF_SIGNED_CERT); trust its CA with --ca FILE, or skip verification with -k/--insecure.", exitCode: 1 },
  H1B_TLS_HANDSHAKE: { description: 'The TLS handshake failed for another reason (no common protocol version or cipher, an alert from the server, a reset mid-handshake); the message carries the TLS stack\'s code.', exitCode: 1 },
  H1B_CONNECT_RESET: { description: 'The peer reset the connection (RST).', exitCode: 1 },
  H1B_TIMEOUT: { description: 'A request got no complete response within --timeout.', exitCode: 1 },
  H1B_ADDR_NOT_AVAIL: { description: 'EADDRNOTAVAIL (or EADDRINUSE binding a --source address): the client ran out of ephemeral ports, held in TIME_WAIT for 60 s (~28,000 per source address on Linux defaults). Spread connections over more local addresses with --source 127.0.0.2-127.0.0.50 (--workers adds CPU, not ports: every worker shares the same ranges), lower -c, widen net.ipv4.ip_local_port_range, enable net.ipv4.tcp_tw_reuse, or use --mode 1.1.', exitCode: 1 },
  H1B_PARSE_ERROR: { description: 'The server sent bytes that are not a valid HTTP/1.x response.', exitCode: 1 },
  H1B_PREMATURE_CLOSE: { description: 'The server closed the connection (FIN, no RST) in the middle of a response, or closed a new connection without answering; an idle keep-alive close racing a request on a reused connection is not an error: the request is sent again (requests.resent).', exitCode: 1 },
  H1B_SOCKET_ERROR: { description: 'Any other socket error (the message carries the system code).', exitCode: 1 },
  H1B_NO_REQUESTS_COMPLETED: { description: 'The run completed no request at all; see the error counts in the report.', exitCode: 1 },

  // Capture and trace.
  H1B_PCAP_FORMAT: { description: 'The capture file is not classic pcap or pcapng, or is truncated.', exitCode: 2 },
  H1B_PCAP_LINKTYPE: { description: 'The capture uses a link type h1bench does not decode (supported: Ethernet, Linux SLL/SLL2, raw IP, BSD loopback).', exitCode: 2 },
  H1B_CAPTURE_FAILED: { description: 'tcpdump did not start or wrote no capture; the message carries its stderr.', exitCode: 1 },
  H1B_NETNS_FAILED: { description: 'The private network namespace could not be created or entered (needs root and iproute2).', exitCode: 1 },

  // Emulated network paths (--rtt, --path): one namespace per side, linked by netem or the user-space delay line.
  H1B_PATH_UNAVAILABLE: { description: 'An emulated network path cannot be set up here: it needs root, iproute2 (ip, tc) and, for the delay line, socat; --path netem also needs a kernel with sch_netem. The message names what is missing.', exitCode: 2 },
  H1B_PATH_FAILED: { description: 'Setting up or running the emulated network path failed (namespace, link, TUN device, socat bridge or relay); the message carries the command and its stderr.', exitCode: 1 },

  // Comparison / CI.
  H1B_REGRESSION: { description: 'bench compare found a significant change beyond a --fail-on threshold.', exitCode: 1 },
  H1B_BROWSER_FAILED: { description: 'Chromium could not be launched to check the HTML report.', exitCode: 1 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The single error class of h1bench: `code` is stable, `message` says what to do. */
export class H1Error extends Error {
  override readonly name = 'H1Error';
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = ERROR_CODES[code].exitCode;
  }
}

export function isH1Error(value: unknown): value is H1Error {
  return value instanceof H1Error;
}

/** Map a Node.js socket error (errno code) to h1bench's classification; used on the hot path. */
export function classifySocketError(err: unknown): ErrorCode {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'H1B_CONNECT_REFUSED';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'H1B_CONNECT_RESET';
    case 'ETIMEDOUT':
      return 'H1B_TIMEOUT';
    case 'EADDRNOTAVAIL':
    // A client socket bound to a --source address gets its port at bind(2), which fails with EADDRINUSE (not
    // EADDRNOTAVAIL) once every port of that address is taken, TIME_WAIT included: the same exhaustion.
    case 'EADDRINUSE':
      return 'H1B_ADDR_NOT_AVAIL';
    default:
      // TLS errors reach here from engines that see one error per request (undici, autocannon).
      if (code !== undefined && TLS_VERIFY_CODES.has(code)) return 'H1B_TLS_VERIFY';
      if (code !== undefined && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) return 'H1B_TLS_HANDSHAKE';
      return 'H1B_SOCKET_ERROR';
  }
}

/**
 * Certificate verification failures as node:tls reports them: OpenSSL's X509_V_ERR_* names without the prefix
 * (node's X509_ERROR_CODE table, src/crypto/crypto_common.cc), plus node's own host-name check
 * (ERR_TLS_CERT_ALTNAME_INVALID, tls.checkServerIdentity, RFC 6125 §6).
 */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Classify an error seen after the TCP connect and before the TLS handshake completed; used on the hot path.
 * A certificate the client refused is H1B_TLS_VERIFY; anything else in the handshake (an alert, no common version
 * or cipher, a reset or FIN mid-handshake) is H1B_TLS_HANDSHAKE.
 */
export function classifyTlsError(err: unknown): 'H1B_TLS_VERIFY' | 'H1B_TLS_HANDSHAKE' {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && TLS_VERIFY_CODES.has(code) ? 'H1B_TLS_VERIFY' : 'H1B_TLS_HANDSHAKE';
}

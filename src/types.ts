// Shared vocabulary: validated, frozen configs that flow from the CLI down into the core.

export type ServerMode = 'close' | 'keep-alive';
export type ClientMode = '1.0' | '1.1' | 'pipeline';
export type EngineName = 'native' | 'undici' | 'autocannon';

/** Limits the request parser enforces (RFC 9112 strictness). */
export interface ParserLimits {
  /** Longest request line in bytes (method SP target SP version), else 414. */
  readonly maxRequestLineBytes: number;
  /** Largest header section in bytes (all field lines), else 431. */
  readonly maxHeaderBytes: number;
  /** Most header fields, else 431. */
  readonly maxHeaderCount: number;
  /** Largest request body in bytes (Content-Length or chunked total), else 413. */
  readonly maxBodyBytes: number;
}

export interface ServerConfig {
  readonly mode: ServerMode;
  readonly host: string;
  readonly port: number;
  /** Size in bytes of the body of `/`. */
  readonly bodySize: number;
  /** Idle keep-alive timeout, announced as `Keep-Alive: timeout=`. */
  readonly keepAliveTimeoutMs: number;
  /** Requests served per connection before `Connection: close`; 0 = unlimited. */
  readonly maxRequestsPerConnection: number;
  /** Time allowed to receive a complete header section (slowloris guard) → 408. */
  readonly headersTimeoutMs: number;
  /** Time allowed between body bytes once the headers are in → 408. */
  readonly bodyTimeoutMs: number;
  readonly limits: ParserLimits;
  /** Upper bound for `/bytes/N`. */
  readonly maxBytesRoute: number;
  /** Upper bound for `/delay/MS`. */
  readonly maxDelayMs: number;
  /** Stop reading a connection while its socket write buffer exceeds this many bytes. */
  readonly writeHighWaterMark: number;
  /** Grace period for in-flight responses on SIGINT/SIGTERM. */
  readonly shutdownGraceMs: number;
  /** Heartbeat liveness: a client silent this long is offline; 0 = 3 × announced interval, or 3 s. */
  readonly heartbeatTimeoutMs: number;
  /** Write each liveness transition as a JSON line to stderr. */
  readonly logLiveness: boolean;
  /** SO_KEEPALIVE initial delay on accepted sockets; 0 = off. */
  readonly tcpKeepAliveMs: number;
  /** Serve HTTPS over node:tls with this identity and these options; null or absent = plain TCP. */
  readonly tls?: ServerTlsConfig | null;
}

/** `bench serve --tls`: where the certificate comes from and how sessions resume. */
export interface ServerTlsConfig {
  /** PEM certificate (chain) file; null together with keyFile = a self-signed certificate made at start. */
  readonly certFile: string | null;
  /** PEM private key file matching certFile; null together with certFile. */
  readonly keyFile: string | null;
  /** Write the served certificate (PEM, never the key) to this file before listening; null = don't. */
  readonly certOut: string | null;
  /**
   * Issue and accept session tickets (RFC 5077 for TLS 1.2, RFC 8446 §4.6.1 PSK tickets for TLS 1.3), as
   * nginx's default `ssl_session_tickets on`; false = every handshake is a full one.
   */
  readonly sessionTickets: boolean;
}

export const DEFAULT_PARSER_LIMITS: ParserLimits = Object.freeze({
  maxRequestLineBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 1024 * 1024,
});

export const DEFAULT_SERVER_CONFIG: ServerConfig = Object.freeze({
  mode: 'keep-alive',
  host: '127.0.0.1',
  port: 8080,
  bodySize: 13,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerConnection: 0,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  limits: DEFAULT_PARSER_LIMITS,
  maxBytesRoute: 16 * 1024 * 1024,
  maxDelayMs: 60_000,
  writeHighWaterMark: 64 * 1024,
  shutdownGraceMs: 5_000,
  heartbeatTimeoutMs: 0,
  logLiveness: false,
  tcpKeepAliveMs: 0,
  tls: null,
});

/**
 * A validated `bench run` configuration: what to measure and how. Output options (report path, --json, progress,
 * --html) are the CLI's and live in cli/run-config.ts; engines receive a LoadConfig derived from this.
 */
export interface RunConfig {
  readonly mode: ClientMode;
  /**
   * `--mode 1.0 --keep-alive` (what `ab -k` sends): HTTP/1.0 requests with `Connection: keep-alive`, the connection kept
   * only while the server answers `Connection: keep-alive` (RFC 9112 §9.3). Always false in other modes.
   */
  readonly keepAlive: boolean;
  readonly engine: EngineName;
  /** Absolute target URL; null = spawn the embedded server. */
  readonly url: string | null;
  /** Embedded server mode; null = `close` for 1.0, `keep-alive` otherwise. */
  readonly serverMode: ServerMode | null;
  readonly connections: number;
  /** Measured duration; with `requests` set, a bound on the run (the run ends at whichever comes first). */
  readonly durationMs: number;
  /** Stop after this many completed requests (or as many failed ones); null = run for `durationMs`. */
  readonly requests: number | null;
  /** Not counted; connections opened during warm-up are closed before measuring in 1.1. */
  readonly warmupMs: number;
  /** Open loop: requests per second across all connections; null = closed loop. */
  readonly rate: number | null;
  /** Per-request timeout; 0 = none. */
  readonly timeoutMs: number;
  readonly method: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | null;
  readonly pipelining: number;
  readonly label: string | null;
  readonly runs: number;
  /** `--capture FILE`: tcpdump the measured phase into this pcap and count handshakes on the wire; null = none. */
  readonly capture: string | null;
  /** `--netns`: run server and generator in a private network namespace (exact kernel counts). */
  readonly netns: boolean;
}

/** HTTP version a heartbeat client speaks: 1.1 keeps one connection per client, 1.0 opens one per beat. */
export type HeartbeatMode = '1.0' | '1.1';
/** How an injected client goes offline; `stop` is done to a whole client process (SIGSTOP), not per client. */
export type OfflineMode = 'freeze' | 'stop' | 'close' | 'reset';

/** A validated heartbeat run: the clients, their schedule, and the failure injected. */
export interface HeartbeatRunConfig {
  readonly clients: number;
  readonly intervalMs: number;
  /** Client side: no answer within this → server down. Also the server's offline timeout. */
  readonly timeoutMs: number;
  readonly durationMs: number;
  readonly mode: HeartbeatMode;
  /** Clients taken offline at the injection moment (0 = none). */
  readonly offline: number;
  readonly offlineMode: OfflineMode;
  readonly serverFailure: 'stop' | null;
  /** Most clients per child process (each holds one socket per client in 1.1 mode). */
  readonly clientsPerProcess: number;
}

/** A validated `bench heartbeat` configuration (output options are the CLI's). */
export interface HeartbeatConfig {
  readonly run: HeartbeatRunConfig;
  /** A running h1bench server; null = start the embedded one. */
  readonly url: string | null;
  /** SO_KEEPALIVE delay on the embedded server's sockets; 0 = off. */
  readonly tcpKeepAliveMs: number;
  readonly label: string | null;
}

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
  /**
   * TLS client options: set for an https:// URL or for `--tls` (the embedded server over HTTPS, its own
   * certificate trusted); null for a plain http:// target.
   */
  readonly tls: TlsClientConfig | null;
  /** `--resolve HOST:PORT:ADDR` pins (curl's meaning): used instead of DNS for a matching URL host and port. */
  readonly resolve: readonly ResolvePin[];
  /** `--rtt` and friends: the generator reaches the embedded server across an emulated network path; null or absent = loopback. */
  readonly path?: PathConfig | null;
  /** `--workers N`: generator threads sharing the load (native engine); absent = 1, the generator runs in-process. */
  readonly workers?: number;
  /** `--server-workers N`: processes of the embedded server (`bench serve --workers N`); absent = 1. */
  readonly serverWorkers?: number;
  /** `--source`: local addresses new connections bind to, round-robin per connect; absent or null = the kernel picks. */
  readonly source?: readonly string[] | null;
  /**
   * `--shard I/N`: this process runs part I of N (connections, -n and --rate above are already this part's share);
   * absent or null = the whole load.
   */
  readonly shard?: ShardAssignment | null;
  /** `--start-at`: wall-clock epoch ms this process waits for before its first load; absent or null = start at once. */
  readonly startAtMs?: number | null;
}

/** Which part of a split load a `--shard I/N` process runs, and where its open-loop schedule starts. */
export interface ShardAssignment {
  /** 0-based shard index I. */
  readonly index: number;
  /** Shard count N. */
  readonly count: number;
  /** µs after the shared start at which this shard's open-loop schedule starts (`I / total rate`); 0 in closed loop. */
  readonly startOffsetUs: number;
}

/** The highest TLS version a client offers (`--tls-max`); node's names. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/**
 * How the client speaks TLS to an https:// target, validated once (cli/run-config.ts). File contents are read at
 * validation so a bad file fails before any traffic; the file names are kept for the report.
 */
export interface TlsClientConfig {
  /** `--ca FILE`: PEM CA certificate(s) trusted in addition to node's bundled roots; null = the roots only. */
  readonly caFile: string | null;
  readonly ca: string | null;
  /** `--cert FILE --key FILE`: a client certificate and its key (PEM), sent when the server asks; null = none. */
  readonly certFile: string | null;
  readonly cert: string | null;
  readonly keyFile: string | null;
  readonly key: string | null;
  /** `-k/--insecure`: do not verify the server's certificate (chain or name). */
  readonly insecure: boolean;
  /** `--servername`: SNI and the name the certificate is checked against; null = the URL's host (none for an IP literal). */
  readonly servername: string | null;
  /**
   * `--tls-resume on|off`: a new connection offers the most recent session (TLS 1.2 session ID or ticket, TLS 1.3
   * PSK ticket) the load has received; off = every connection pays a full handshake.
   */
  readonly resume: boolean;
  /** `--tls-max`: highest version offered; the lowest is always TLS 1.2. */
  readonly maxVersion: TlsVersion;
}

/** One `--resolve HOST:PORT:ADDR[,ADDR]…`: HOST:PORT resolves to these IPv4/IPv6 literals, in this order, no DNS. */
export interface ResolvePin {
  /** Host name as in the URL, lower case, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly string[];
}

/**
 * An emulated network path between the generator and the embedded server (`--rtt`, `--jitter`, `--loss`,
 * `--bandwidth`, `--path`, `--path-priority`): each end in its own network namespace, every packet delayed
 * rttMs / 2 each way. Built by src/wire/path/.
 */
export interface PathConfig {
  /** Round-trip time the path adds, ms. */
  readonly rttMs: number;
  /** ± ms on each one-way delay, uniformly drawn; 0 = none. */
  readonly jitterMs: number;
  /** Percentage of packets dropped in each direction, in [0, 100). */
  readonly lossPct: number;
  /** Rate of each direction, bit/s; null = unlimited. */
  readonly bandwidthBitsPerSec: number | null;
  /** The kernel's netem, the user-space delay line, or `auto` (netem where the kernel has it). */
  readonly impl: 'netem' | 'delay-line' | 'auto';
  /**
   * `nice`: the path's helpers at nice −10. `realtime`: helpers SCHED_FIFO, and the embedded server and the
   * generator SCHED_FIFO one band lower, so a busy machine does not move the timings (at the cost of everything
   * else on it).
   */
  readonly priority: 'nice' | 'realtime';
  /**
   * Seed of the delay line's loss and jitter draws (`--path-seed`): the same packets then meet the same fate, so a
   * lossy run can be repeated; null draws a fresh seed. netem has none.
   */
  readonly seed: number | null;
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
  /** A running h1bench server (http://, any host); null = start the embedded one. */
  readonly url: string | null;
  /** `--resolve` pins for the URL's host; absent = none. */
  readonly resolve?: readonly ResolvePin[];
  /** SO_KEEPALIVE delay on the embedded server's sockets; 0 = off. */
  readonly tcpKeepAliveMs: number;
  readonly label: string | null;
  /** `--rtt`: the clients reach the embedded server across an emulated network path; null or absent = loopback. */
  readonly path?: PathConfig | null;
}

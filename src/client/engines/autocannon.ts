// Reference engine on autocannon's programmatic API; h1bench times and counts from its per-client events.

import type { ConnectionOptions } from 'node:tls';
import { monotonicClock, type Clock } from '../../clock.js';
import { classifySocketError, H1Error } from '../../errors.js';
import type { LoadResult } from '../../measurements.js';
import { LoadEngine, type LoadConfig } from '../engine.js';
import { loadAutocannon, type AutocannonClient, type AutocannonOptions, type AutocannonResult } from './autocannon-api.js';
import { ReferenceRun } from './reference-run.js';
import { tlsConnectOptions } from '../tls-context.js';
import { tapSocket } from './socket-tap.js';
import { packageVersion } from './versions.js';

const VERSION = packageVersion('autocannon');
/** autocannon checks whether to stop once per sample interval; 100 ms keeps the overrun small. */
const SAMPLE_INT_MS = 100;
/** autocannon has no "no timeout": a day stands in for --timeout 0. */
const NO_TIMEOUT_SEC = 86_400;
const CLOSE_BOUND_MS = 2_000;

/**
 * Listeners for one autocannon client, attached once when autocannon creates it. autocannon's own
 * histograms hold whole milliseconds, and version 9 emits no 'response' for a response that
 * triggers `reconnectRate` (the connection is reset first), so in 1.0 mode it would count nothing;
 * these listeners count and time every response from the client's events instead.
 */
class ClientTap {
  private requestUs = 0;
  private headersUs = -1;

  constructor(
    private readonly recorder: ReferenceRun,
    client: AutocannonClient,
    private readonly reconnecting: boolean,
    private readonly single: boolean,
    tlsBase: ConnectionOptions | null,
    resume: boolean,
  ) {
    client.on('request', this.onRequest);
    client.on('headers', this.onHeaders);
    if (!reconnecting) client.on('response', this.onResponse);
    client.on('connError', this.onConnError);
    client.on('timeout', this.onTimeout);
    // autocannon replaces `conn` on every (re)connect: wrap its connect to watch each new socket.
    const connect = client._connect;
    const clock = recorder.clock;
    client._connect = function wrappedConnect(this: AutocannonClient): void {
      // https://: our TLS options (one SecureContext for the load; autocannon deep-clones its own options, which a
      // native context would not survive), plus the load's latest session when resuming, as a browser would.
      if (tlsBase !== null) this.opts.tlsOptions = resume && recorder.tlsSession !== null ? { ...tlsBase, session: recorder.tlsSession } : tlsBase;
      const start = clock.nowUs();
      connect.call(this);
      tapSocket(this.conn, recorder, start, resume);
    };
    // destroy() is autocannon ending this client (its share of requests done, or the run stopped): the server held
    // the socket open, so that close is the client's for certain (unlike a reconnectRate reset, see socket-tap).
    const destroy = client.destroy;
    client.destroy = function wrappedDestroy(this: AutocannonClient): void {
      if (!this.destroyed) recorder.markTeardown(this.conn);
      destroy.call(this);
    };
  }

  private readonly onRequest = (): void => {
    this.recorder.requestSent();
    this.requestUs = this.recorder.clock.nowUs();
    this.headersUs = -1;
  };

  private readonly onHeaders = (info: { statusCode: number }): void => {
    const now = this.recorder.clock.nowUs();
    if (!this.reconnecting) {
      this.headersUs = now;
      return;
    }
    // 1.0 mode: the response is complete when its header block is, for the small bodies this
    // mode is meant for (same read); autocannon resets the connection right after.
    this.recorder.response(info.statusCode, now - this.requestUs, now - this.requestUs, -1, now);
  };

  private readonly onResponse = (statusCode: number, _bytes: number, responseTimeMs: number): void => {
    const now = this.recorder.clock.nowUs();
    // responseTime is hrtime-based (ms with a fraction): keep it at µs, not autocannon's whole ms.
    const ttfb = this.single && this.headersUs >= 0 ? this.headersUs - this.requestUs : -1;
    this.recorder.response(statusCode, Math.round(responseTimeMs * 1000), ttfb, -1, now);
  };

  private readonly onConnError = (error: unknown): void => {
    this.recorder.failure(classifySocketError(error), this.recorder.clock.nowUs(), String((error as Error | null)?.message ?? error), 'connect');
  };

  private readonly onTimeout = (): void => {
    this.recorder.failure('H1B_TIMEOUT', this.recorder.clock.nowUs(), 'autocannon timed the request out (--timeout)', 'head');
  };
}

function baseOptions(config: LoadConfig): Omit<AutocannonOptions, 'duration' | 'setupClient'> {
  const headers: Record<string, string> = {};
  for (const [name, value] of config.headers) headers[name] = value;
  // Connect to the runner's address (autocannon would resolve the host on every connect); Host stays the URL's.
  const url = new URL(config.url.href);
  if (config.address !== undefined) {
    if (headers['host'] === undefined && headers['Host'] === undefined) headers['host'] = config.url.host;
    url.hostname = config.address.includes(':') ? `[${config.address}]` : config.address;
  }
  const options: Omit<AutocannonOptions, 'duration' | 'setupClient'> = {
    url: url.href,
    connections: config.connections,
    pipelining: config.mode === 'pipeline' ? config.pipelining : 1,
    // autocannon refuses timeouts under 1 s.
    timeout: config.timeoutMs > 0 ? Math.max(1, config.timeoutMs / 1000) : NO_TIMEOUT_SEC,
    method: config.method,
    headers,
    sampleInt: SAMPLE_INT_MS,
  };
  // 1.0 mode: autocannon has no HTTP/1.0; it resets and reopens the connection after every response.
  if (config.mode === '1.0') options.reconnectRate = 1;
  if (config.body !== null) options.body = config.body;
  if (config.tls?.servername != null) options.servername = config.tls.servername;
  return options;
}

export class AutocannonEngine extends LoadEngine {
  readonly name = 'autocannon' as const;

  constructor(private readonly clock: Clock = monotonicClock) {
    super();
  }

  protected async load(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
    if (config.rate !== null) {
      throw new H1Error(
        'H1B_INVALID_OPTION',
        '--rate is not supported with --engine autocannon: its rate limit times requests from the actual send, ' +
          'so latency would not be corrected for coordinated omission; use --engine native or undici',
      );
    }
    const base = baseOptions(config);
    const notes: string[] = [
      `autocannon ${VERSION} speaks HTTP/1.1 only${config.mode === '1.0' ? ': 1.0 mode uses reconnectRate: 1 (keep-alive requests; the client closes the connection after each response)' : ''}.`,
    ];
    const tls = config.tls ?? null;
    const recorder = new ReferenceRun(this.clock, false, config.durationMs, config.requests, tls !== null);
    this.current = recorder;
    recorder.counts.onFirstResponse = this.first.counted;
    let own: AutocannonResult | null = null;
    if (!signal.aborted) {
      const options: Omit<AutocannonOptions, 'setupClient'> = { ...base, duration: config.durationMs / 1000 };
      if (config.requests !== null) {
        // autocannon refuses more connections than requests.
        options.connections = Math.min(config.connections, config.requests);
        options.amount = config.requests;
      }
      const tlsBase = tls === null ? null : tlsConnectOptions(tls);
      own = await this.once(recorder, options, config.durationMs, signal, tlsBase, tls?.resume ?? false);
    }
    if (tls !== null) {
      notes.push(
        'autocannon 9 always connects with rejectUnauthorized: false: the certificate is not verified whatever -k/--ca say (the native and undici engines verify).',
        `TLS: h1bench hands each new autocannon connection its options and, with --tls-resume on, the load's latest session (autocannon has no session reuse of its own); handshakes are counted and timed from each socket's 'secureConnect'.`,
      );
    }
    recorder.finish();
    await recorder.whenAllClosed(CLOSE_BOUND_MS);

    if (config.mode === '1.0') {
      notes.push(
        'autocannon 9 drops responses that trigger reconnectRate from its own statistics ' +
          `(it reported ${own?.requests.total ?? 0} responses); h1bench counts them from each client's 'headers' event ` +
          "and times them from its 'request' event to the end of the response header block (µs).",
        'A timed run ends with autocannon destroying its sockets, some mid-handshake: the server may count up to ' +
          `${config.connections} more accepted connections than the client saw connect.`,
      );
    } else {
      notes.push(
        `Latency is autocannon's per-response hrtime kept at µs (its own histogram, p99 ${own?.latency.p99 ?? 0} ms, holds whole ms).`,
      );
    }
    if (config.mode === 'pipeline') {
      notes.push(
        'TTFB not measured: autocannon has no first-byte event and pipelined headers cannot be matched to sends.',
        'autocannon stops by destroying its connections: up to pipelining − 1 responses per connection that the ' +
          'server sent are never read; the server counts them, the client does not.',
      );
    } else if (config.mode === '1.1') {
      notes.push("TTFB runs to the end of the response header block (autocannon's 'headers' event), not the first byte.");
    }
    if (config.timeoutMs > 0 && config.timeoutMs < 1000) {
      notes.push(`autocannon takes timeouts of 1 s or more: --timeout ${config.timeoutMs} ms ran as 1 s.`);
    }
    notes.push(
      "Handshakes are counted from each new socket's 'connect' event (autocannon's client._connect is wrapped; pinned to 9.x).",
      'bytesIn is the sockets\' bytesRead (wire bytes, headers included).',
    );

    return recorder.toResult({
      engine: 'autocannon',
      engineVersion: VERSION,
      httpVersionOnWire: '1.1',
      interrupted: signal.aborted,
      countsConnections: true,
      // autocannon drops the requests in flight on a closed connection and sends new ones: neither is countable.
      resent: null,
      abandoned: null,
      notes,
      resolution: {
        latency: config.mode === '1.0' ? '1 µs (to the end of the header block)' : '1 µs (autocannon hrtime)',
        connect: '1 µs',
        ttfb: config.mode === 'pipeline' ? 'not measured' : '1 µs (to the end of the header block)',
      },
    });
  }

  /** One autocannon run (stopped early by `signal`); resolves with autocannon's own result. */
  private once(
    recorder: ReferenceRun,
    options: Omit<AutocannonOptions, 'setupClient'>,
    boundMs: number,
    signal: AbortSignal,
    tlsBase: ConnectionOptions | null,
    resume: boolean,
  ): Promise<AutocannonResult> {
    const autocannon = loadAutocannon();
    const reconnecting = options.reconnectRate !== undefined;
    const single = options.pipelining === 1;
    return new Promise((resolve, reject) => {
      let instance: ReturnType<typeof autocannon>;
      const stop = (): void => instance.stop();
      // With `amount` autocannon has no duration of its own: the configured duration bounds it.
      const bound = setTimeout(stop, boundMs + SAMPLE_INT_MS);
      // The tap lives as long as the client: its listeners hold it.
      const setupClient = (client: AutocannonClient): void => void new ClientTap(recorder, client, reconnecting, single, tlsBase, resume);
      try {
        instance = autocannon({ ...options, setupClient }, (err, result) => {
          clearTimeout(bound);
          signal.removeEventListener('abort', stop);
          if (err) reject(new H1Error('H1B_INVALID_OPTION', `autocannon refused the options: ${err.message}`, { cause: err }));
          else resolve(result);
        });
      } catch (error) {
        clearTimeout(bound);
        reject(new H1Error('H1B_INVALID_OPTION', `autocannon refused the options: ${String(error)}`, { cause: error }));
        return;
      }
      signal.addEventListener('abort', stop, { once: true });
    });
  }
}

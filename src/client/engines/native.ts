// The native engine: h1bench's own load generator on raw node:net sockets, behind the common Engine interface.

import { isIP } from 'node:net';
import { monotonicClock, type Clock } from '../../clock.js';
import { H1Error } from '../../errors.js';
import { TOOL } from '../../version.js';
import type { LoadResult } from '../../measurements.js';
import { LoadEngine, type LoadConfig } from '../engine.js';
import { LoadRun } from '../load-run.js';
import { LINGER_MAX, LINGER_MS } from '../transports/connection.js';

/** Defensive checks for callers other than the CLI (which validates first): a bad config must not start a run. */
function validate(config: LoadConfig): void {
  const bad = (message: string): never => {
    throw new H1Error('H1B_INVALID_OPTION', message);
  };
  if (config.url.protocol !== 'http:' && config.url.protocol !== 'https:') bad(`the native engine speaks http:// and https://, not ${config.url.protocol}`);
  if (config.url.protocol === 'https:' && (config.tls ?? null) === null) bad('an https:// target needs its TLS options (LoadConfig.tls)');
  if (!Number.isInteger(config.connections) || config.connections < 1) bad('connections must be an integer >= 1');
  if (!(config.durationMs > 0)) bad('durationMs must be > 0 (with a request count it bounds the run)');
  if (config.requests !== null && (!Number.isInteger(config.requests) || config.requests < 1)) bad('requests must be an integer >= 1');
  if (config.rate !== null && !(config.rate > 0)) bad('rate must be > 0 requests/s');
  if (!(config.timeoutMs >= 0)) bad('timeoutMs must be >= 0');
  if (config.mode === 'pipeline' && (!Number.isInteger(config.pipelining) || config.pipelining < 1)) bad('pipelining must be an integer >= 1');
}

function notesFor(run: LoadRun, config: LoadConfig): string[] {
  const notes: string[] = [];
  if (config.rate !== null) {
    notes.push(
      `open loop at ${config.rate} requests/s: latency runs from each request's intended send time (wrk2 correction of coordinated omission); uncorrectedLatency runs from the actual send`,
    );
    if (run.unsent > 0) notes.push(`${run.unsent} requests fell due but were never sent: every connection was busy (the target could not keep up with the rate)`);
  }
  if (run.stopReason === 'unreachable') notes.push('stopped early: every connect failed for 2 s with no socket open (target unreachable)');
  if (run.stopReason === 'unverified') notes.push("stopped at the first connection: the server's certificate failed verification (see errorSamples.H1B_TLS_VERIFY)");
  if (run.stopReason === 'bound' && config.requests !== null) {
    notes.push(`stopped by the ${config.durationMs} ms bound before ${config.requests} requests had completed`);
  }
  if (run.stopReason === 'failures') notes.push(`stopped after ${config.requests} requests had failed, before as many completed`);
  if (run.abandoned > 0) {
    notes.push(
      run.interrupted
        ? `interrupted: ${run.abandoned} in-flight requests were discarded (requests.abandoned)`
        : `${run.abandoned} requests still unanswered when the run ended were abandoned (requests.abandoned; neither completed nor errors)`,
    );
  }
  if (run.resent > 0) {
    notes.push(
      `${run.resent} requests were sent again on a new connection: the server closed the one they were on before answering ` +
        'them (after a response that announced the close, or an idle close racing them; RFC 9112 §9.3.1, §9.3.2)',
    );
  }
  const late = run.recorder.serverCloseLate;
  if (late > 0) {
    notes.push(
      `${late} connections whose response announced the close got no FIN from the server within ${LINGER_MS} ms (or while ` +
        `${LINGER_MAX} more of the same slot were still waiting for theirs): h1bench closed them (connections.serverCloseLate, ` +
        'counted as closed by the client); the slot reconnected at once all the same',
    );
  }
  if (config.keepAlive === true) {
    notes.push(
      "HTTP/1.0 with 'Connection: keep-alive' (as ab -k): a connection is reused only while the server answers " +
        "'Connection: keep-alive' (RFC 9112 §9.3); any other answer costs a new connection, counted in handshakes",
    );
  }
  if (config.mode === 'pipeline' && config.timeoutMs > 0) {
    notes.push('pipelined timeout: fires when no response completes for --timeout while requests are in flight, failing all of them');
  }
  return notes;
}

function buildResult(run: LoadRun, config: LoadConfig, startedAtMs: number, startUs: number): LoadResult {
  const rec = run.recorder;
  rec.active = false;
  return {
    engine: 'native',
    engineVersion: TOOL.version,
    httpVersionOnWire: run.transport.httpVersion,
    startedAtMs,
    measuredUs: Math.max(0, run.endUs - startUs),
    interrupted: run.interrupted,
    sent: rec.sent,
    completed: rec.completed,
    non2xx: rec.non2xx,
    statusCodes: rec.statusCodes(),
    bytesIn: rec.bytesIn,
    errors: rec.errors(),
    errorSamples: rec.errorSamples(),
    connections: rec.connectionCounters(),
    resent: run.resent,
    abandoned: run.abandoned,
    latency: rec.latency,
    connect: rec.connect,
    ttfb: rec.ttfb,
    uncorrectedLatency: rec.uncorrected,
    sendLag: rec.sendLag,
    tls: rec.tlsResult('1 µs (TCP connect event to secureConnect)'),
    timeline: rec.timelinePoints(run.endUs),
    notes: notesFor(run, config),
    resolution: { latency: '1 µs (monotonic clock)', connect: '1 µs (connect() to the connect event)', ttfb: '1 µs (socket read)' },
  };
}

/**
 * The address this load connects to: the runner's choice (resolved once and probed, runner/resolve.ts), or the URL's
 * IP literal for direct engine users. Never a lookup per connection: in 1.0 mode that would be getaddrinfo on
 * libuv's thread pool once per request.
 */
function addressOf(config: LoadConfig): string {
  if (config.address !== undefined) return config.address;
  const host = config.url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 0) {
    throw new H1Error('H1B_INVALID_OPTION', `LoadConfig.address is required for the host name ${host}: the runner resolves and probes it once (runner/resolve.ts)`);
  }
  return host;
}

/** --source addresses must be of the resolved target's family: a socket binds and connects in one (the CLI checks IP literals). */
function checkSourceFamily(config: LoadConfig, host: string): void {
  const source = config.localAddresses?.[0];
  if (source !== undefined && isIP(source) !== isIP(host)) {
    throw new H1Error('H1B_INVALID_OPTION', `--source addresses are IPv${isIP(source)} but the target ${config.url.hostname} resolved to IPv${isIP(host)} ${host}`);
  }
}

/** The native engine: h1bench's own generator. `clock` is injectable for tests; the default is the monotonic µs clock. */
export class NativeEngine extends LoadEngine {
  readonly name = 'native' as const;

  constructor(private readonly clock: Clock = monotonicClock) {
    super();
  }

  protected async load(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
    validate(config);
    const run = new LoadRun(config, this.clock, addressOf(config));
    this.current = run;
    run.recorder.onFirstResponse = this.first.counted;
    checkSourceFamily(config, run.host);
    const onAbort = (): void => run.interrupt();
    if (signal.aborted) run.interrupted = true;
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      await run.prepare();
      // Workers of one load share a start instant (config.startAtUs); the wall clock is read at the same moment.
      const nowUs = this.clock.nowUs();
      const startUs = config.startAtUs ?? nowUs;
      const startedAtMs = Math.round(Date.now() - (nowUs - startUs) / 1000);
      if (run.interrupted) run.recorder.begin(startUs);
      else await run.measure(startUs, config.durationMs, config.requests);
      return buildResult(run, config, startedAtMs, startUs);
    } finally {
      run.dispose();
      signal.removeEventListener('abort', onAbort);
    }
  }
}

// `bench run` option validation: raw argv values → one frozen RunConfig per --mode and the output options (the only
// place defaults live).

import { H1Error } from '../errors.js';
import type { ClientMode, EngineName, RunConfig, ServerMode } from '../types.js';
import { parseChoice, parseDurationMs, parseInteger, parsePositiveNumber } from './options.js';
import { parseSinglePath, type PathArgs } from './path-options.js';
import { parseScaleArgs, type ScaleArgs } from './scale-config.js';
import { parseResolvePins, parseTlsClient, validateUrl, type TargetArgs } from './target-options.js';

export { validateUrl } from './target-options.js';

export const CLIENT_MODES: readonly ClientMode[] = ['1.0', '1.1', 'pipeline'];
export const ENGINE_NAMES: readonly EngineName[] = ['native', 'undici', 'autocannon'];
export const SERVER_MODES: readonly ServerMode[] = ['close', 'keep-alive'];

export const RUN_DEFAULTS = Object.freeze({
  mode: '1.1' as ClientMode,
  connections: 50,
  duration: '10s',
  warmup: '1s',
  timeout: '10s',
  method: 'GET',
  pipelining: 10,
  engine: 'native' as EngineName,
  runs: 1,
});

/** With -n and no -d, the duration is only a bound against a run that never finishes (a stalled server). */
const REQUESTS_SAFETY_BOUND_MS = 3_600_000;

/** Option values as yargs hands them over: no defaults applied, so "given explicitly" is knowable. */
export interface RunArgs extends TargetArgs, ScaleArgs, PathArgs {
  mode?: string | string[];
  serverMode?: string;
  connections?: unknown;
  duration?: unknown;
  requests?: unknown;
  warmup?: unknown;
  rate?: unknown;
  timeout?: unknown;
  method?: string;
  header?: string | string[];
  body?: string;
  label?: string;
  out?: string;
  json?: boolean;
  progress?: boolean;
  html?: boolean;
  pipelining?: unknown;
  engine?: string;
  runs?: unknown;
  capture?: string;
  netns?: boolean;
  keepAlive?: boolean;
}

const invalid = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Framing headers the engine writes itself: letting users set them would desynchronise the transports. */
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Where and how `bench run` writes and shows its results: the CLI's concern, not part of what is measured. */
export interface RunOutput {
  /** `--out` as given; null = `results/<timestamp>-<mode>.json`. Several modes each add `-<mode>`. */
  readonly out: string | null;
  /** Print the report JSON on stdout instead of the summary. */
  readonly json: boolean;
  /** Progress on stderr. */
  readonly progress: boolean;
  /** Also write `X.html` beside each `X.json`. */
  readonly html: boolean;
}

/** The output options; `stderrIsTTY` resolves the progress default (on only for a terminal). */
export function parseRunOutput(args: RunArgs, stderrIsTTY: boolean): RunOutput {
  if (args.out !== undefined && args.out.trim() === '') throw invalid('--out needs a file name');
  return Object.freeze({ out: args.out ?? null, json: args.json === true, progress: args.progress ?? stderrIsTTY, html: args.html === true });
}

/** The report path of `mode` when `modes` modes run: `--out` (suffixed when several), else null (the default name). */
export function reportPathFor(output: RunOutput, mode: ClientMode, modes: number): string | null {
  if (output.out === null) return null;
  return modes > 1 ? withModeSuffix(output.out, mode) : output.out;
}

/** Validate what to measure, once: one frozen RunConfig per --mode, in the order given. */
export function parseRunArgs(args: RunArgs): RunConfig[] {
  const modes = [...new Set(list(args.mode).map((mode) => parseChoice(mode, 'mode', CLIENT_MODES)))];
  if (modes.length === 0) modes.push(RUN_DEFAULTS.mode);

  if (args.pipelining !== undefined && !modes.includes('pipeline')) {
    throw invalid('--pipelining only applies to --mode pipeline');
  }
  const rate = args.rate === undefined ? null : parsePositiveNumber(args.rate, 'rate');
  if (rate !== null && modes.includes('pipeline')) {
    throw invalid('--rate (open loop) cannot be combined with --mode pipeline: pipelined requests are not sent on a schedule');
  }
  // A shard loads a target on another machine (a service its pods reach): that is the point of sharding.
  const url = args.url === undefined ? null : validateUrl(args.url);
  if (url !== null && args.serverMode !== undefined) {
    throw invalid('--server-mode applies to the embedded server only; drop it or drop --url');
  }
  const serverMode = args.serverMode === undefined ? null : parseChoice(args.serverMode, 'server-mode', SERVER_MODES);
  const requests = args.requests === undefined ? null : parseInteger(args.requests, 'requests', 1);
  // -n with -d (as wrk2 and oha take them): N completed requests, -d the bound; -n alone: a bound of an hour.
  const durationMs =
    args.duration !== undefined ? parseDurationMs(args.duration, 'duration') : requests !== null ? REQUESTS_SAFETY_BOUND_MS : parseDurationMs(RUN_DEFAULTS.duration, 'duration');
  if (durationMs <= 0) throw invalid('--duration must be longer than 0');
  const method = args.method ?? RUN_DEFAULTS.method;
  if (!TOKEN.test(method)) throw invalid(`--method '${method}' is not an HTTP method token`);
  if (args.capture !== undefined && args.capture.trim() === '') throw invalid('--capture needs a file name');
  if (args.netns === true && url !== null) {
    throw invalid('--netns runs the embedded server inside a private namespace; it cannot reach a --url server outside it');
  }
  const tls = parseTlsClient(args, url);
  const resolve = parseResolvePins(args.resolve);
  if (resolve.length > 0 && url === null) throw invalid('--resolve pins an address for a --url host; the embedded server needs none');
  const path = parseSinglePath(args);
  if (path !== null && url !== null) throw invalid('--rtt puts the embedded server at the far end of an emulated path; it cannot carry a --url target');
  if (path !== null && args.netns === true) throw invalid('--rtt already runs server and generator in private namespaces (exact kernel counts); drop --netns');
  if (path !== null && tls !== null) throw invalid('--tls cannot be combined with --rtt yet: the emulated path starts its own plain server');

  const engine = parseChoice(args.engine ?? RUN_DEFAULTS.engine, 'engine', ENGINE_NAMES);
  if (args.keepAlive === true) {
    if (!modes.includes('1.0')) throw invalid('--keep-alive applies to --mode 1.0 only (HTTP/1.1 keeps connections by default)');
    if (engine !== 'native') {
      throw invalid(`--keep-alive needs --engine native: ${engine} sends HTTP/1.1 requests only, so it cannot send HTTP/1.0 with Connection: keep-alive`);
    }
  }
  if (rate !== null && engine === 'autocannon') {
    throw invalid('--rate cannot be combined with --engine autocannon: its rate limit does not correct for coordinated omission; use --engine native or undici');
  }

  const connections = parseInteger(args.connections ?? RUN_DEFAULTS.connections, 'connections', 1, 100_000);
  const scale = parseScaleArgs(args, { load: { connections, requests, rate }, engine, url, modes: modes.length, nowMs: Date.now() });
  if (path !== null) {
    // The generator across a path is one process in the path's client namespace, loading the one embedded server there.
    const given = Object.entries({
      '--workers': (scale.fields.workers ?? 1) > 1,
      '--server-workers': (scale.fields.serverWorkers ?? 1) > 1,
      '--source': scale.fields.source != null,
      '--shard': scale.fields.shard != null,
      '--start-at': scale.fields.startAtMs != null,
    }).filter(([, on]) => on);
    if (given.length > 0) throw invalid(`--rtt runs one generator against one embedded server across the path; drop ${given.map(([flag]) => flag).join(', ')}`);
  }
  const base = {
    engine,
    url,
    serverMode,
    // With --shard, this process's share of -c, -n and --rate; otherwise the values as given.
    connections: scale.load.connections,
    durationMs,
    requests: scale.load.requests,
    warmupMs: parseDurationMs(args.warmup ?? RUN_DEFAULTS.warmup, 'warmup'),
    rate: scale.load.rate,
    timeoutMs: parseDurationMs(args.timeout ?? RUN_DEFAULTS.timeout, 'timeout'),
    method,
    headers: Object.freeze(list(args.header).map(parseHeader)),
    body: args.body ?? null,
    label: args.label ?? null,
    runs: parseInteger(args.runs ?? RUN_DEFAULTS.runs, 'runs', 1, 1000),
    netns: args.netns === true,
    tls,
    resolve: Object.freeze(resolve),
    ...scale.fields,
    path,
  };
  const pipelining = parseInteger(args.pipelining ?? RUN_DEFAULTS.pipelining, 'pipelining', 1, 1024);
  return modes.map((mode) =>
    Object.freeze({
      ...base,
      mode,
      keepAlive: mode === '1.0' && args.keepAlive === true,
      // Depth 1 outside pipeline mode: one request in flight per connection.
      pipelining: mode === 'pipeline' ? pipelining : 1,
      capture: args.capture === undefined ? null : modes.length > 1 ? withModeSuffix(args.capture, mode, '.pcap') : args.capture,
    }),
  );
}

/**
 * `out.json` → `out-1.0.json` when several modes each write a file; a name without an extension gets `extension`
 * (`out` → `out-1.0.json`), as the README promises `FILE-<mode>.json`.
 */
export function withModeSuffix(path: string, mode: ClientMode, extension = '.json'): string {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return dot > slash + 1 ? `${path.slice(0, dot)}-${mode}${path.slice(dot)}` : `${path}-${mode}${extension}`;
}

function parseHeader(text: string): readonly [string, string] {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  const value = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (!TOKEN.test(name)) throw invalid(`--header '${text}' is not 'Name: value'`);
  if (/[\r\n\0]/.test(value)) throw invalid(`--header '${name}' has a CR, LF or NUL in its value`);
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    throw invalid(`--header ${name} is set by h1bench itself (by --mode and --body); remove it`);
  }
  return Object.freeze([name, value] as const);
}

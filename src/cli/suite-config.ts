// `bench suite` option validation: a preset (bench/suites/<name>.json) or --file → a frozen SuitePlan of RunConfigs.

import { readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { H1Error } from '../errors.js';
import { caseId } from '../report/compare.js';
import type { SuitePlan } from '../runner/suite.js';
import type { ClientMode } from '../types.js';
import { PACKAGE_ROOT } from '../version.js';
import { parseInteger } from './options.js';
import { rttValues, type PathArgs } from './path-options.js';
import { CLIENT_MODES, parseRunArgs } from './run-config.js';
import type { TargetArgs } from './target-options.js';

/** Presets ship with the package in <root>/bench/suites/. */
export const PRESET_DIR = pathToFileURL(join(PACKAGE_ROOT, 'bench', 'suites') + sep);

/** A suite definition as written in JSON. */
export interface SuiteFile {
  description?: string;
  modes: ClientMode[];
  connections: number[];
  runs: number;
  duration: string;
  warmup?: string;
  pipelining?: number;
  engine?: string;
  timeout?: string;
  /** Every case over HTTPS (the embedded server with --tls, unless an https:// --url is given). */
  tls?: boolean;
  /** HTTPS: the resumption settings each HTTP/1.0 case runs under, one case per setting (keep-alive modes run once, on). */
  tlsResume?: Array<'on' | 'off'>;
  /** Also run every case across an emulated path at each of these RTTs (e.g. ["1ms", "10ms"]); the loopback cases stay, as the model's basis. */
  rtt?: string[];
}

export interface SuiteArgs extends Omit<TargetArgs, 'tlsResume' | 'cert' | 'key'>, PathArgs {
  preset?: string;
  file?: string;
  label?: string;
  runs?: unknown;
  duration?: unknown;
  engine?: string;
  progress?: boolean;
}

const KNOWN_FIELDS = new Set(['description', 'modes', 'connections', 'runs', 'duration', 'warmup', 'pipelining', 'engine', 'timeout', 'rtt', 'tls', 'tlsResume']);

const bad = (source: string, message: string): H1Error => new H1Error('H1B_SUITE_FILE', `${source}: ${message}`);

/** Preset names available in bench/suites/. */
export function presetNames(): string[] {
  try {
    return readdirSync(PRESET_DIR).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/** Read and check a suite definition; every problem is H1B_SUITE_FILE naming the file and the field. */
export function readSuiteFile(path: string | URL, source: string): SuiteFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw bad(source, `cannot read the suite definition (${reason})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad(source, 'expected a JSON object');
  const value = parsed as Record<string, unknown>;
  const unknown = Object.keys(value).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) throw bad(source, `unknown field(s) ${unknown.join(', ')} (known: ${[...KNOWN_FIELDS].join(', ')})`);
  const modes = value.modes;
  if (!Array.isArray(modes) || modes.length === 0 || !modes.every((mode) => (CLIENT_MODES as readonly unknown[]).includes(mode))) {
    throw bad(source, `"modes" must be a non-empty array of ${CLIENT_MODES.map((mode) => `"${mode}"`).join(', ')}`);
  }
  const connections = value.connections;
  if (!Array.isArray(connections) || connections.length === 0 || !connections.every((n) => Number.isInteger(n) && n >= 1)) {
    throw bad(source, '"connections" must be a non-empty array of whole numbers ≥ 1');
  }
  if (!Number.isInteger(value.runs) || (value.runs as number) < 1) throw bad(source, '"runs" must be a whole number ≥ 1');
  for (const field of ['duration', 'warmup', 'timeout', 'engine', 'description'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') throw bad(source, `"${field}" must be a string`);
  }
  if (typeof value.duration !== 'string') throw bad(source, '"duration" is required, e.g. "1s"');
  if (value.pipelining !== undefined && (!Number.isInteger(value.pipelining) || (value.pipelining as number) < 1)) {
    throw bad(source, '"pipelining" must be a whole number ≥ 1');
  }
  if (value.tls !== undefined && typeof value.tls !== 'boolean') throw bad(source, '"tls" must be true or false');
  const resume = value.tlsResume;
  if (resume !== undefined && (!Array.isArray(resume) || resume.length === 0 || !resume.every((item) => item === 'on' || item === 'off'))) {
    throw bad(source, '"tlsResume" must be a non-empty array of "on", "off"');
  }
  if (value.rtt !== undefined && (!Array.isArray(value.rtt) || !value.rtt.every((rtt) => typeof rtt === 'string'))) {
    throw bad(source, '"rtt" must be an array of round-trip times, e.g. ["1ms", "10ms", "50ms"]');
  }
  return value as unknown as SuiteFile;
}

/** Resolve --preset / --file and the overrides into the plan; the only validation `bench suite` does. */
export function parseSuiteArgs(args: SuiteArgs): SuitePlan {
  if (args.preset !== undefined && args.file !== undefined) {
    throw new H1Error('H1B_INVALID_OPTION', 'give either --preset or --file, not both');
  }
  let suite: SuiteFile;
  let name: string;
  if (args.file !== undefined) {
    suite = readSuiteFile(args.file, args.file);
    name = args.file;
  } else {
    name = args.preset ?? 'quick';
    const known = presetNames();
    if (!known.includes(name)) {
      throw new H1Error('H1B_INVALID_OPTION', `--preset must be one of ${known.join(', ') || '(none found)'} (got '${name}'); or use --file`);
    }
    suite = readSuiteFile(new URL(`${name}.json`, PRESET_DIR), fileURLToPath(new URL(`${name}.json`, PRESET_DIR)));
  }
  const runs = args.runs === undefined ? suite.runs : parseInteger(args.runs, 'runs', 1, 1000);
  const modes = [...new Set(suite.modes)];
  const https = args.url?.startsWith('https:') === true;
  const tls = args.tls === true || https || (suite.tls === true && args.url === undefined);
  if (suite.tls === true && args.url !== undefined && !https) {
    throw new H1Error('H1B_INVALID_OPTION', `${name} runs over HTTPS: give an https:// --url, or none for the embedded TLS server`);
  }
  const resumeSettings: Array<'on' | 'off' | undefined> = tls && suite.tlsResume !== undefined ? [...new Set(suite.tlsResume)] : [undefined];
  // --rtt replaces the file's list; every RTT adds the whole matrix across a path, after the loopback cases.
  const rtts = [...new Set(args.rtt !== undefined ? rttValues(args) : (suite.rtt ?? []))];
  const { rtt: _rtt, jitter, loss, bandwidth, path, pathPriority, pathSeed } = args;
  const shape = { jitter, loss, bandwidth, path, pathPriority, pathSeed };
  const cases = [...new Set(suite.connections)].flatMap((connections) =>
    [undefined, ...rtts].flatMap((rtt) =>
      modes.flatMap((mode) =>
        (mode === '1.0' ? resumeSettings : [undefined]).flatMap((tlsResume) =>
          parseRunArgs({
            mode,
            url: args.url,
            connections,
            duration: args.duration ?? suite.duration,
            warmup: suite.warmup,
            timeout: suite.timeout,
            engine: args.engine ?? suite.engine,
            pipelining: mode === 'pipeline' ? suite.pipelining : undefined,
            label: args.label,
            runs,
            tls: tls && args.url === undefined ? true : undefined,
            insecure: args.insecure,
            ca: args.ca,
            servername: args.servername,
            tlsMax: args.tlsMax,
            tlsResume,
            resolve: args.resolve,
            // Loopback cases take no path option: a stray --loss without any --rtt is still refused there.
            ...(rtt === undefined ? (rtts.length > 0 ? {} : shape) : { ...shape, rtt }),
          }),
        ),
      ).map((config) => ({ id: caseId(config), config })),
    ),
  );
  return Object.freeze({ preset: name, label: args.label ?? null, runs, cases: Object.freeze(cases) });
}

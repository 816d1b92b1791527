// `bench k8s-job` option validation: raw argv values and the bench run arguments after `--` → one frozen K8sJobConfig.

import yargs, { type Argv } from 'yargs';
import { H1Error } from '../errors.js';
import { K8S_JOB_DEFAULTS, RESERVED_RUN_OPTIONS, type K8sJobConfig } from '../runner/k8s-job.js';
import { splitLoad } from '../runner/split.js';
import { runCommand } from './commands/run.js';
import { parseDurationMs, parseInteger } from './options.js';
import { parseRunArgs, type RunArgs } from './run-config.js';

/** Option values as yargs hands them over (strings, no defaults), plus the arguments after `--`. */
export interface K8sJobArgs {
  shards?: unknown;
  image?: unknown;
  'start-in'?: unknown;
  name?: unknown;
  namespace?: unknown;
  cpu?: unknown;
  memory?: unknown;
  '--'?: unknown[];
  /** Positionals before `--`: the command's name, then anything misplaced. */
  _?: unknown[];
  [other: string]: unknown;
}

/** The keys yargs may set for k8s-job's own options (kebab and camelCase) and its bookkeeping. */
const OWN_KEYS = new Set(['shards', 'image', 'start-in', 'startIn', 'name', 'namespace', 'cpu', 'memory', '--', '_', '$0', 'help', 'h', 'version']);

/** Indexed Jobs allow at most 10^5 pods at once (`.spec.parallelism`, Kubernetes Job API reference). */
const MAX_SHARDS = 100_000;
/** RFC 1123 label, as Kubernetes requires of Job names and namespaces: lower-case alphanumerics and '-', ≤ 63. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes quantities (resource.Quantity): CPU in cores or millicores; memory in bytes with a decimal/binary suffix. */
const CPU_QUANTITY = /^(\d+(\.\d+)?|\.\d+|\d+m)$/;
const MEMORY_QUANTITY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

const invalid = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);

/**
 * Validate everything once: the Job's own options, then the `bench run` arguments after `--` with run's own option
 * definitions and validation, so a typo fails here and not in N pods after they were scheduled.
 * @throws H1Error `H1B_INVALID_OPTION` / `H1B_INVALID_DURATION` (exit 2), the message naming the option
 */
export function parseK8sJobArgs(args: K8sJobArgs): K8sJobConfig {
  checkNothingMisplaced(args);
  if (args.shards === undefined) throw invalid('--shards is required: how many pods (shards) share the load, e.g. --shards 4');
  const shards = parseInteger(args.shards, 'shards', 1, MAX_SHARDS);
  const image = text(args.image, 'image');
  if (image === null) throw invalid('--image is required: the h1bench image the pods run, built from the Dockerfile (e.g. ghcr.io/you/h1bench:1.0)');
  if (/\s/.test(image)) throw invalid(`--image '${image}' contains white space; give an image reference such as registry/h1bench:tag`);
  const startInMs = parseDurationMs(args['start-in'] ?? K8S_JOB_DEFAULTS.startIn, 'start-in');
  if (startInMs <= 0) throw invalid('--start-in must be longer than 0: the pods need time to be scheduled and to pull the image');
  const namespace = text(args.namespace, 'namespace');
  if (namespace !== null && !DNS_LABEL.test(namespace)) throw invalid(`--namespace '${namespace}' is not a Kubernetes namespace name (lower-case letters, digits and '-')`);
  const name = text(args.name, 'name');
  if (name !== null) checkName(name, shards);
  const cpu = text(args.cpu, 'cpu') ?? K8S_JOB_DEFAULTS.cpu;
  if (!CPU_QUANTITY.test(cpu) || Number.parseFloat(cpu) <= 0) throw invalid(`--cpu '${cpu}' is not a CPU quantity above 0, e.g. 1, 2 or 500m`);
  const memory = text(args.memory, 'memory') ?? K8S_JOB_DEFAULTS.memory;
  if (!MEMORY_QUANTITY.test(memory) || Number.parseFloat(memory) <= 0) throw invalid(`--memory '${memory}' is not a memory quantity above 0, e.g. 512Mi or 2Gi`);

  const runArgs = (args['--'] ?? []).map(String);
  checkRunArgs(runArgs, shards);
  return Object.freeze({ shards, image, startInMs, name, namespace, cpu, memory, runArgs: Object.freeze(runArgs) });
}

/** Options k8s-job does not know, and positionals, before `--`: most likely bench run's, put on the wrong side. */
function checkNothingMisplaced(args: K8sJobArgs): void {
  const unknown = Object.keys(args).filter((key) => !OWN_KEYS.has(key));
  const positionals = (args._ ?? []).slice(1).map(String);
  if (unknown.length > 0 || positionals.length > 0) {
    const found = [...unknown.map((key) => (key.length === 1 ? `-${key}` : `--${key}`)), ...positionals.map((value) => `'${value}'`)];
    throw invalid(
      `bench k8s-job does not know ${found.join(', ')}; bench run's arguments go after --, ` +
        'e.g. bench k8s-job --shards 4 --image IMAGE -- --url http://target:8080/ -c 200 -d 30s',
    );
  }
}

/** A string option's value, or null when absent; empty or repeated values are refused. */
function text(value: unknown, option: string): string | null {
  if (value === undefined) return null;
  if (Array.isArray(value)) throw invalid(`--${option} is given ${value.length} times; give it once`);
  const result = String(value).trim();
  if (result === '') throw invalid(`--${option} needs a value`);
  return result;
}

/** Job names are label values (`batch.kubernetes.io/job-name`) and each pod's hostname is NAME-INDEX: DNS labels, ≤ 63. */
function checkName(name: string, shards: number): void {
  const longest = 63 - `-${shards - 1}`.length;
  if (!DNS_LABEL.test(name) || name.length > longest) {
    throw invalid(
      `--name '${name}' is not a usable Job name: lower-case letters, digits and '-', starting and ending with a letter or digit, ` +
        `at most ${longest} characters (each pod's hostname is NAME-INDEX, at most 63)`,
    );
  }
}

/**
 * The bench run arguments: present, free of the options the manifest sets itself, with a --url, and valid for bench run.
 * Parsed with run's own yargs builder so every spelling counts (`--json`, `--no-json`, `--start-at=…`, `--startAt`).
 */
function checkRunArgs(runArgs: string[], shards: number): void {
  if (runArgs.length === 0) {
    throw invalid("give bench run's arguments after --, e.g. bench k8s-job --shards 4 --image IMAGE -- --url http://target:8080/ -c 200 -d 30s");
  }
  const parsed = parseRunArgv(runArgs, false) as RunArgs & Record<string, unknown>;
  for (const [option, reason] of Object.entries(RESERVED_RUN_OPTIONS)) {
    if (parsed[option] !== undefined || parsed[camelCase(option)] !== undefined) {
      throw invalid(`remove --${option} from the bench run arguments: ${reason}`);
    }
  }
  if (parsed.url === undefined) {
    throw invalid(
      'the bench run arguments need --url: without it every pod would load its own embedded server, which measures nothing ' +
        'across machines; point the shards at the service, e.g. -- --url http://my-service.my-namespace:8080/',
    );
  }
  checkTargetUrl(parsed.url);
  parseRunArgv(runArgs, true); // unknown options and stray positionals, as bench run itself would refuse them
  // run's own validation, with a loopback stand-in for --url: the target's host is one the pods reach, not this machine.
  const [config] = parseRunArgs({ ...parsed, url: 'http://127.0.0.1/' });
  if (config) splitLoad(config, shards, { option: '--shards' });
}

/** `bench run`'s option definitions (one source: its yargs builder) applied to `argv`, without help, exit or output. */
function parseRunArgv(argv: string[], strict: boolean): Record<string, unknown> {
  const builder = runCommand.builder as (y: Argv) => Argv;
  const parser = builder(
    yargs()
      .help(false)
      .version(false)
      .exitProcess(false)
      .parserConfiguration({ 'parse-positional-numbers': false })
      .strict(strict)
      .fail((message, error) => {
        throw error ?? invalid(`the bench run arguments after -- are not valid for bench run: ${message}`);
      }),
  );
  const parsed = parser.parseSync(argv) as Record<string, unknown> & { _: unknown[] };
  if (strict && parsed._.length > 0) {
    throw invalid(`bench run takes no positional arguments; remove ${parsed._.map((value) => `'${String(value)}'`).join(', ')} after --`);
  }
  return parsed;
}

/** An absolute http:// URL with a host; unlike bench run here, the host is not checked against this machine's. */
function checkTargetUrl(value: unknown): void {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw invalid(`--url '${String(value)}' is not an absolute URL; use e.g. http://my-service:8080/`);
  }
  if (url.protocol !== 'http:' || url.hostname === '') {
    throw invalid(`--url '${String(value)}': the shards need an http:// URL with a host (h1bench measures plain TCP; no TLS)`);
  }
}

const camelCase = (option: string): string => option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

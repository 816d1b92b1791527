// Builds the Kubernetes Indexed Job that runs a load as N `bench run --shard I/N` pods, plus the commands to collect it.

import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import YAML from 'yaml';

/** A validated `bench k8s-job` configuration (src/cli/k8s-job-config.ts is its only validation). */
export interface K8sJobConfig {
  /** Pods, one shard each: a whole number ≥ 1, ≤ the run's connections. */
  readonly shards: number;
  /** Image whose entrypoint is h1bench's CLI (the repository's Dockerfile): `args` start with `run`. */
  readonly image: string;
  /** Milliseconds from printing the manifest to the shared start instant, > 0. */
  readonly startInMs: number;
  /** Job name (a DNS-1123 label); null = `h1bench-<run id>`. */
  readonly name: string | null;
  /** Namespace written into the manifest and the commands; null = kubectl's current namespace. */
  readonly namespace: string | null;
  /** CPU each pod requests, a Kubernetes quantity (`1`, `500m`). */
  readonly cpu: string;
  /** Memory each pod requests and may not exceed, a Kubernetes quantity (`512Mi`). */
  readonly memory: string;
  /** `bench run` arguments after `--`, without the options in {@link RESERVED_RUN_OPTIONS}; must hold `--url`. */
  readonly runArgs: readonly string[];
}

/** Defaults of the optional settings, written once (the CLI shows them in --help). */
export const K8S_JOB_DEFAULTS = Object.freeze({ startIn: '30s', cpu: '1', memory: '512Mi' });

/**
 * `bench run` options the manifest sets on every pod itself, each with the reason a user may not pass it after `--`.
 * Keys are the long option names; the CLI refuses any spelling of them (`--x`, `--x=v`, `--no-x`, camelCase).
 */
export const RESERVED_RUN_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  shard: 'each pod gets its own --shard $(JOB_COMPLETION_INDEX)/N from the Job',
  'start-at': 'all shards share one --start-at, computed from --start-in when the manifest is printed',
  json: 'every shard prints its report with --json on stdout, which is how the reports are collected (kubectl logs)',
  out: 'the report is collected from the pod log (--json); a file written inside the pod is lost with the pod',
  progress: 'every shard runs with --no-progress: progress goes to stderr, which kubectl logs mixes into the report',
  capture: 'the image runs as a non-root user without tcpdump; capture on a machine you own instead',
});

/** The label Kubernetes (≥ 1.28) puts on each pod of an Indexed Job with its completion index. */
export const COMPLETION_INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';
/** The label Kubernetes (≥ 1.27) puts on each pod of a Job with the Job's name. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** Our own label: the run id shared by the Job and its pods (also spreads the pods over nodes). */
export const RUN_ID_LABEL = 'h1bench/run-id';

/** What {@link buildK8sJob} returns: the manifest and everything the CLI tells the user around it. */
export interface K8sJobPlan {
  /** `YYYYMMDD-HHMMSS` (UTC) of the moment the manifest was built; a label on the Job and its pods. */
  readonly runId: string;
  readonly name: string;
  readonly namespace: string | null;
  /** The shared start instant, ISO 8601 UTC (`2026-11-30T12:00:30.000Z`), as passed to every pod's `--start-at`. */
  readonly startAt: string;
  /** The Job as plain data (what `toJSON()` of the validated model returns). */
  readonly manifest: IJob;
  /** The manifest as one YAML document (strings quoted for YAML 1.1) for `kubectl apply -f -`; a leading comment names the run. */
  readonly yaml: string;
  /** Shell commands, in order, with `#` comments: wait for the Job, collect every shard's report, merge, clean up. */
  readonly followUp: readonly string[];
}

/**
 * Build the Indexed Job that runs `bench run <runArgs>` as `shards` pods started at one shared instant.
 *
 * Rules and where they come from (Kubernetes "Jobs" concept page, Indexed completion mode):
 * - `completionMode: Indexed`, `completions = parallelism = shards`: one pod per index 0…N−1, all at once, so the
 *   shards load the target together. Kubernetes sets `JOB_COMPLETION_INDEX` in each pod's environment.
 * - The index reaches `bench run` through `$(JOB_COMPLETION_INDEX)` in `args`: the kubelet expands `args` against the
 *   container's full environment, including this variable, so no shell is needed in the image and the user's
 *   arguments reach h1bench verbatim (no shell quoting). Every `$` of the user's arguments is doubled, Kubernetes'
 *   escape, so `$(…)` in, say, a header value is not expanded. (Only `env` values cannot refer to
 *   JOB_COMPLETION_INDEX: the controller appends it after the user's variables; kubernetes/kubernetes#121523.)
 * - `backoffLimit: 0`, `restartPolicy: Never`: a failed shard is not rerun, because a rerun would start late and its
 *   requests would be counted twice; the Job fails instead and the user sees it.
 * - Resources: requests of `cpu` and `memory`, a limit on memory only. A CPU limit is enforced by CFS quota, which
 *   stalls a generator that used its quota for the rest of the period; those stalls would show up as the target's
 *   latency. The memory limit keeps an oversized run from growing into its node's other pods.
 * - Pods prefer distinct nodes (topology spread on `kubernetes.io/hostname`, ScheduleAnyway): the point of shards is
 *   more machines; run non-root with no service-account token (the pod needs no API access).
 *
 * @param config validated configuration (see {@link K8sJobConfig})
 * @param nowMs wall-clock epoch milliseconds, injectable for tests: the start instant is `nowMs() + startInMs`,
 *   computed once so every shard gets the same value
 * @returns the plan: manifest, its YAML and the follow-up commands
 * @throws ValidationError (kubernetes-models) only if the manifest violates the Job schema, which would be a bug here
 */
export function buildK8sJob(config: K8sJobConfig, nowMs: () => number = Date.now): K8sJobPlan {
  const now = nowMs();
  const runId = compactUtc(now);
  const name = config.name ?? `h1bench-${runId}`;
  const startAt = new Date(now + config.startInMs).toISOString();
  const labels = {
    'app.kubernetes.io/name': 'h1bench',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': 'load-shard',
    [RUN_ID_LABEL]: runId,
  };
  const job = new Job({
    metadata: {
      name,
      ...(config.namespace === null ? {} : { namespace: config.namespace }),
      labels,
      annotations: { 'h1bench/start-at': startAt, 'h1bench/shards': String(config.shards) },
    },
    spec: {
      completionMode: 'Indexed',
      completions: config.shards,
      parallelism: config.shards,
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { [RUN_ID_LABEL]: runId } },
            },
          ],
          containers: [
            {
              name: 'bench',
              image: config.image,
              args: shardArgs(config, startAt),
              resources: {
                requests: { cpu: config.cpu, memory: config.memory },
                limits: { memory: config.memory },
              },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  });
  job.validate();
  const manifest = job.toJSON() as IJob;
  const header = `# h1bench: ${config.shards} shard(s) of bench run, starting together at ${startAt} (run ${runId})\n`;
  return Object.freeze({
    runId,
    name,
    namespace: config.namespace,
    startAt,
    manifest,
    // YAML 1.1 quoting: kubectl reads manifests with go-yaml, which resolves `on`, `yes`, `1:20` and timestamps the
    // YAML 1.1 way, so every string that 1.1 would read as something else is quoted. No folding of long arguments.
    yaml: header + YAML.stringify(manifest, { version: '1.1', lineWidth: 0 }),
    followUp: followUpCommands(name, config.namespace, config.shards),
  });
}

/** The pod's arguments: `run`, the user's (with `$` escaped), then the shard, the shared start and the output options. */
export function shardArgs(config: Pick<K8sJobConfig, 'shards' | 'runArgs'>, startAt: string): string[] {
  return [
    'run',
    ...config.runArgs.map(escapeExpansion),
    '--shard',
    `$(JOB_COMPLETION_INDEX)/${config.shards}`,
    '--start-at',
    startAt,
    '--json',
    '--no-progress',
  ];
}

/**
 * Double every `$`: in `command` and `args` Kubernetes expands `$(VAR)` and reduces `$$` to `$`, so the doubled text
 * reaches the program exactly as the user typed it (Kubernetes API reference, Container `args`).
 */
export function escapeExpansion(arg: string): string {
  return arg.replace(/\$/g, () => '$$');
}

/** The shell commands that follow `kubectl apply`: wait, collect one report per index, merge, delete. */
function followUpCommands(name: string, namespace: string | null, shards: number): string[] {
  const ns = namespace === null ? '' : ` -n ${namespace}`;
  return [
    '# wait for every shard (raise --timeout for longer runs; a failed shard fails the whole Job):',
    `kubectl wait${ns} --for=condition=complete --timeout=1h job/${name}`,
    "# collect each shard's report from its pod log (--tail=-1: with a selector kubectl shows only 10 lines by default):",
    `for i in $(seq 0 ${shards - 1}); do kubectl logs${ns} --tail=-1 --selector=${JOB_NAME_LABEL}=${name},${COMPLETION_INDEX_LABEL}=$i > shard-$i.json; done`,
    '# merge the shards into one report (bench merge: see "Scale out" in the README):',
    'bench merge shard-*.json -o total.json',
    '# remove the Job and its pods once collected:',
    `kubectl delete${ns} job/${name}`,
  ];
}

/** `20261130-120000` for 2026-11-30T12:00:00Z: sortable, and valid in names and label values. */
function compactUtc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-11-30T12:00:00.000Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

// Tests for the Indexed Job builder: golden manifest, schema validation, YAML round trip, shard arguments, commands.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import YAML from 'yaml';
import { PACKAGE_ROOT } from '../../src/version.js';
import { buildK8sJob, escapeExpansion, shardArgs, type K8sJobConfig } from '../../src/runner/k8s-job.js';

/** H1B_UPDATE_GOLDEN=1 rewrites the golden file from the current output (then review the diff). */
const GOLDEN = join(PACKAGE_ROOT, 'test', 'fixtures', 'k8s-job.golden.yaml');
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const clock = (): number => NOW;

const CONFIG: K8sJobConfig = Object.freeze({
  shards: 3,
  image: 'ghcr.io/example/h1bench:0.1.0',
  startInMs: 30_000,
  name: null,
  namespace: 'load',
  cpu: '1',
  memory: '512Mi',
  runArgs: Object.freeze(['--url', 'http://web.load.svc:8080/', '-c', '30', '-d', '30s', '-H', 'X-Trace: $(kept) $$']),
});

describe('buildK8sJob', () => {
  test('golden: fixed arguments and clock give exactly the committed manifest', () => {
    const plan = buildK8sJob(CONFIG, clock);
    if (process.env.H1B_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, plan.yaml);
    assert.equal(plan.yaml, readFileSync(GOLDEN, 'utf8'));
  });

  test('the YAML validates with the Job model and parses back into the same object', () => {
    const plan = buildK8sJob(CONFIG, clock);
    const parsed: unknown = YAML.parse(plan.yaml);
    assert.deepEqual(parsed, plan.manifest);
    // Read the way kubectl's go-yaml does (YAML 1.1): still the same strings.
    assert.deepEqual(YAML.parse(plan.yaml, { version: '1.1' }), plan.manifest);
    new Job(parsed as ConstructorParameters<typeof Job>[0]).validate();
    assert.equal(YAML.parseAllDocuments(plan.yaml).length, 1, 'one document: kubectl apply -f - creates one Job');
  });

  test('model validation is not vacuous: a wrong type is refused', () => {
    const { manifest } = buildK8sJob(CONFIG, clock);
    const broken = { ...manifest, spec: { ...manifest.spec, completions: '3' } } as unknown as ConstructorParameters<typeof Job>[0];
    assert.throws(() => new Job(broken).validate(), /completions must be integer/);
  });

  test('Indexed, N at once, never retried, never restarted', () => {
    const spec = buildK8sJob({ ...CONFIG, shards: 7, runArgs: ['--url', 'http://web/', '-c', '70'] }, clock).manifest.spec!;
    assert.equal(spec.completionMode, 'Indexed');
    assert.equal(spec.completions, 7);
    assert.equal(spec.parallelism, 7);
    assert.equal(spec.backoffLimit, 0);
    assert.equal(spec.template.spec!.restartPolicy, 'Never');
  });

  test('every pod gets --shard $(JOB_COMPLETION_INDEX)/N, the one shared --start-at, --json and --no-progress', () => {
    const plan = buildK8sJob(CONFIG, clock);
    assert.equal(plan.startAt, '2026-11-30T12:00:30.000Z');
    const args = plan.manifest.spec!.template.spec!.containers[0]!.args!;
    assert.deepEqual(args.slice(0, 1), ['run']);
    assert.deepEqual(args.slice(-6), ['--shard', '$(JOB_COMPLETION_INDEX)/3', '--start-at', '2026-11-30T12:00:30.000Z', '--json', '--no-progress']);
    assert.equal(plan.manifest.metadata!.annotations!['h1bench/start-at'], plan.startAt);
  });

  test("the user's $ are doubled so Kubernetes passes them verbatim; the index reference is not", () => {
    assert.equal(escapeExpansion('X: $(HOME) $$ $'), 'X: $$(HOME) $$$$ $$');
    assert.equal(escapeExpansion('plain'), 'plain');
    const args = shardArgs({ shards: 2, runArgs: ['-H', 'A: $(B)'] }, '2026-11-30T12:00:30.000Z');
    assert.deepEqual(args.slice(0, 5), ['run', '-H', 'A: $$(B)', '--shard', '$(JOB_COMPLETION_INDEX)/2']);
    assert.deepEqual(args.map(expandLikeKubelet), ['run', '-H', 'A: $(B)', '--shard', '4/2', '--start-at', '2026-11-30T12:00:30.000Z', '--json', '--no-progress']);
  });

  test('labels: app.kubernetes.io/name and a run id on the Job and its pods; default name from the clock', () => {
    const plan = buildK8sJob({ ...CONFIG, namespace: null }, clock);
    assert.equal(plan.runId, '20261130-120000');
    assert.equal(plan.name, 'h1bench-20261130-120000');
    for (const labels of [plan.manifest.metadata!.labels!, plan.manifest.spec!.template.metadata!.labels!]) {
      assert.equal(labels['app.kubernetes.io/name'], 'h1bench');
      assert.equal(labels['h1bench/run-id'], '20261130-120000');
    }
    assert.equal(plan.manifest.metadata!.namespace, undefined, 'no --namespace: kubectl decides');
    assert.equal(buildK8sJob({ ...CONFIG, name: 'my-load' }, clock).manifest.metadata!.name, 'my-load');
  });

  test('resources: requests of cpu and memory, a memory limit and no CPU limit', () => {
    const container = buildK8sJob({ ...CONFIG, cpu: '2', memory: '1Gi' }, clock).manifest.spec!.template.spec!.containers[0]!;
    assert.deepEqual(container.resources, { requests: { cpu: '2', memory: '1Gi' }, limits: { memory: '1Gi' } });
  });

  test('follow-up commands: wait, collect one report per index with --tail=-1, merge, delete; -n only with a namespace', () => {
    const withNs = buildK8sJob(CONFIG, clock).followUp.join('\n');
    assert.match(withNs, /kubectl wait -n load --for=condition=complete --timeout=1h job\/h1bench-20261130-120000/);
    assert.match(
      withNs,
      /for i in \$\(seq 0 2\); do kubectl logs -n load --tail=-1 --selector=batch\.kubernetes\.io\/job-name=h1bench-20261130-120000,batch\.kubernetes\.io\/job-completion-index=\$i > shard-\$i\.json; done/,
    );
    assert.match(withNs, /^bench merge shard-\*\.json -o total\.json$/m);
    const without = buildK8sJob({ ...CONFIG, namespace: null }, clock).followUp.join('\n');
    assert.doesNotMatch(without, / -n /);
    assert.match(without, /kubectl delete job\/h1bench-20261130-120000/);
  });
});

/** Kubernetes' `$(VAR)` expansion of `args` (third_party/forked/golang/expansion), with JOB_COMPLETION_INDEX=4. */
function expandLikeKubelet(arg: string): string {
  return arg.replace(/\$(\$|\(([^)]*)\))/g, (whole, _operator: string, name: string | undefined) => {
    if (name === undefined) return '$';
    return name === 'JOB_COMPLETION_INDEX' ? '4' : whole;
  });
}

// `bench k8s-job` end to end (built CLI as a child): manifest on stdout, follow-up on stderr, usage errors exit 2.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Job } from 'kubernetes-models/batch/v1/Job';
import YAML from 'yaml';
import { isH1Error } from '../../src/errors.js';
import { parseK8sJobArgs, type K8sJobArgs } from '../../src/cli/k8s-job-config.js';
import { runCli } from './cli-helpers.js';

const RUN = ['--url', 'http://web.load.svc:8080/', '-c', '30', '-d', '30s'];

describe('bench k8s-job (CLI)', () => {
  test('prints one valid Indexed Job on stdout and the collect/merge commands on stderr', async () => {
    const before = Date.now();
    const result = await runCli(['k8s-job', '--shards', '3', '--image', 'registry.example/h1bench:1', '--start-in', '45s', '--', ...RUN, '-H', 'X-A: $(B)']);
    const after = Date.now();
    assert.equal(result.code, 0, result.stderr);
    const documents = YAML.parseAllDocuments(result.stdout);
    assert.equal(documents.length, 1, 'stdout is exactly one YAML document, pipeable into kubectl apply -f -');
    const manifest = documents[0]!.toJS() as ConstructorParameters<typeof Job>[0] & { spec: NonNullable<Job['spec']> };
    new Job(manifest).validate();
    assert.equal(manifest.spec.completionMode, 'Indexed');
    assert.equal(manifest.spec.completions, 3);
    assert.equal(manifest.spec.parallelism, 3);
    assert.equal(manifest.spec.backoffLimit, 0);
    const container = manifest.spec.template.spec!.containers[0]!;
    assert.equal(container.image, 'registry.example/h1bench:1');
    const args = container.args!;
    assert.deepEqual(args.slice(0, 9), ['run', ...RUN, '-H', 'X-A: $$(B)']);
    assert.equal(args[args.indexOf('--shard') + 1], '$(JOB_COMPLETION_INDEX)/3');
    const startAt = Date.parse(args[args.indexOf('--start-at') + 1]!);
    assert.ok(startAt >= before + 45_000 && startAt <= after + 45_000, 'start-at = now + --start-in');
    assert.ok(args.includes('--json'));
    assert.match(result.stderr, /3 shard\(s\) start together at \d{4}-\d\d-\d\dT/);
    assert.match(result.stderr, /kubectl wait --for=condition=complete/);
    assert.match(result.stderr, /for i in \$\(seq 0 2\); do kubectl logs --tail=-1 --selector=.*batch\.kubernetes\.io\/job-completion-index=\$i > shard-\$i\.json; done/);
    assert.match(result.stderr, /bench merge shard-\*\.json -o total\.json/);
  });

  test('--help explains every option', async () => {
    const result = await runCli(['k8s-job', '--help']);
    assert.equal(result.code, 0);
    for (const option of ['--shards', '--image', '--start-in', '--name', '--namespace', '--cpu', '--memory']) {
      assert.match(result.stdout, new RegExp(`${option} +\\S`), `${option} is described`);
    }
    assert.match(result.stdout, /--shard,\s+--start-at,\s+--json,\s+--out/);
  });

  const usageErrors: Array<[string, string[], RegExp]> = [
    ['no --shards', ['--image', 'i', '--', ...RUN], /--shards is required/],
    ['--shards not a whole number', ['--shards', '2.5', '--image', 'i', '--', ...RUN], /--shards must be a whole number/],
    ['no --image', ['--shards', '3', '--', ...RUN], /--image is required/],
    ['--start-in not a duration', ['--shards', '3', '--image', 'i', '--start-in', 'soon', '--', ...RUN], /--start-in 'soon' is not a duration.*\[H1B_INVALID_DURATION\]/],
    ['no -- and run arguments', ['--shards', '3', '--image', 'i'], /give bench run's arguments after --/],
    ["run's options before --", ['--shards', '3', '--image', 'i', ...RUN], /does not know --url, -c, -d; bench run's arguments go after --/],
    ['--json in the run arguments', ['--shards', '3', '--image', 'i', '--', ...RUN, '--json'], /remove --json .*collected \(kubectl logs\)/],
    ['--start-at in the run arguments', ['--shards', '3', '--image', 'i', '--', ...RUN, '--start-at=2030-01-01T00:00:00Z'], /remove --start-at .*share one --start-at/],
    ['no --url', ['--shards', '3', '--image', 'i', '--', '-c', '30'], /need --url: without it every pod would load its own embedded server/],
    ['more shards than connections', ['--shards', '4', '--image', 'i', '--', '--url', 'http://web/', '-c', '3'], /--shards: 4 parts need at least 4 connections.*-c is 3/],
  ];
  for (const [what, args, message] of usageErrors) {
    test(`usage error exits 2: ${what}`, async () => {
      const result = await runCli(['k8s-job', ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^bench: .*\[H1B_INVALID_(OPTION|DURATION)\]\n$/);
      assert.equal(result.stdout, '', 'nothing on stdout for kubectl to apply');
    });
  }
});

describe('parseK8sJobArgs', () => {
  const base: K8sJobArgs = { _: ['k8s-job'], shards: '3', image: 'img', '--': RUN };
  const refuses = (args: K8sJobArgs, pattern: RegExp): void => {
    assert.throws(
      () => parseK8sJobArgs(args),
      (error: unknown) => isH1Error(error) && error.exitCode === 2 && pattern.test(error.message),
      String(pattern),
    );
  };

  test('defaults, frozen, run arguments kept verbatim as strings', () => {
    const config = parseK8sJobArgs({ ...base, '--': [...RUN, '-H', 'A: 007'] });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.runArgs));
    assert.deepEqual(
      { ...config, runArgs: [...config.runArgs] },
      { shards: 3, image: 'img', startInMs: 30_000, name: null, namespace: null, cpu: '1', memory: '512Mi', runArgs: [...RUN, '-H', 'A: 007'] },
    );
    assert.equal(parseK8sJobArgs({ ...base, 'start-in': '2m', name: 'load-1', namespace: 'perf', cpu: '500m', memory: '2Gi' }).startInMs, 120_000);
  });

  test('every spelling of a reserved run option is refused, with its reason', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--no-json'], /remove --json/],
      [['--startAt', 'x'], /remove --start-at/],
      [['--shard', '1/3'], /remove --shard .*\$\(JOB_COMPLETION_INDEX\)\/N/],
      [['--out', 'r.json'], /remove --out .*lost with the pod/],
      [['--progress'], /remove --progress .*kubectl logs mixes/],
      [['--no-progress'], /remove --progress/],
      [['--capture', 'x.pcap'], /remove --capture .*non-root/],
    ];
    for (const [extra, pattern] of cases) refuses({ ...base, '--': [...RUN, ...extra] }, pattern);
  });

  test("bench run's own validation runs here, not in N pods", () => {
    refuses({ ...base, '--': [...RUN, '--conections', '30'] }, /not valid for bench run: Unknown argument: conections/);
    refuses({ ...base, '--': [...RUN, 'stray'] }, /Unknown argument: stray/);
    refuses({ ...base, '--': ['--url', 'http://web/', '-d', '30x'] }, /--duration '30x' is not a duration/);
    refuses({ ...base, '--': ['--url', 'http://web/', '--mode', 'pipeline', '-R', '100'] }, /--rate \(open loop\) cannot be combined with --mode pipeline/);
    refuses({ ...base, '--': ['--url', 'https://web/'] }, /http:\/\/ URL with a host/);
    refuses({ ...base, '--': ['--url', 'web:8080'] }, /http:\/\/ URL with a host|not an absolute URL/);
    refuses({ ...base, shards: '51', '--': ['--url', 'http://web/'] }, /51 parts need at least 51 connections, one each, but -c is 50/);
    refuses({ ...base, '--': ['--url', 'http://web/', '-n', '2'] }, /-n is 2; raise -n to 3/);
  });

  test('a cluster host is accepted as --url (it is checked where the shard runs, not against this machine)', () => {
    assert.equal(parseK8sJobArgs({ ...base, '--': ['--url', 'http://web.load.svc.cluster.local:8080/x', '-c', '3'] }).shards, 3);
  });

  test('Kubernetes names and quantities', () => {
    refuses({ ...base, name: 'Load_1' }, /--name 'Load_1' is not a usable Job name/);
    refuses({ ...base, name: 'a'.repeat(62) }, /at most 61 characters/);
    refuses({ ...base, namespace: 'Perf' }, /--namespace 'Perf' is not a Kubernetes namespace name/);
    refuses({ ...base, cpu: '1 core' }, /--cpu '1 core' is not a CPU quantity/);
    refuses({ ...base, cpu: '0' }, /--cpu '0'/);
    refuses({ ...base, memory: '512MB' }, /--memory '512MB' is not a memory quantity/);
    refuses({ ...base, image: 'a b' }, /--image 'a b' contains white space/);
    refuses({ ...base, image: ['a', 'b'] }, /--image is given 2 times/);
    refuses({ ...base, 'start-in': '0s' }, /--start-in must be longer than 0/);
  });
});

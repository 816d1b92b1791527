// `bench k8s-job`: print a Kubernetes Indexed Job running bench run as N shards (stdout), and how to collect them (stderr).

import type { Argv, CommandModule } from 'yargs';
import { buildK8sJob, K8S_JOB_DEFAULTS } from '../../runner/k8s-job.js';
import { parseK8sJobArgs, type K8sJobArgs } from '../k8s-job-config.js';

function builder(yargs: Argv): Argv<K8sJobArgs> {
  // Everything after `--` is bench run's, kept verbatim as strings (no number conversion) in argv['--']. Not strict:
  // parseK8sJobArgs refuses unknown options itself, to tell a user who put run's options before `--` where they go.
  return yargs
    .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false })
    .strict(false)
    .usage('$0 k8s-job --shards N --image IMAGE [options] -- <bench run arguments>')
    .option('shards', { type: 'string', describe: 'Pods, one shard of the load each (Indexed Job completions = parallelism = N); at most the run\'s -c [required]' })
    .option('image', { type: 'string', describe: 'Image the pods run, built from the repository\'s Dockerfile (entrypoint: the bench CLI) [required]' })
    .option('start-in', {
      type: 'string',
      describe: `Shards start together this long after the manifest is printed (--start-at); leave time to schedule and pull [default: ${K8S_JOB_DEFAULTS.startIn}]`,
    })
    .option('name', { type: 'string', describe: 'Job name, a DNS label [default: h1bench-<UTC timestamp>]' })
    .option('namespace', { type: 'string', describe: 'Namespace for the Job and the printed kubectl commands [default: kubectl\'s current namespace]' })
    .option('cpu', { type: 'string', describe: `CPU each pod requests (no CPU limit: CFS throttling would show as latency) [default: ${K8S_JOB_DEFAULTS.cpu}]` })
    .option('memory', { type: 'string', describe: `Memory each pod requests, also its limit [default: ${K8S_JOB_DEFAULTS.memory}]` })
    .epilogue(
      'After --: bench run arguments, with --url (a service the pods reach) and without --shard, --start-at, --json, --out, ' +
        '--progress, --capture, which every pod gets from the manifest. The manifest goes to stdout (pipe it to kubectl apply -f -); ' +
        'the commands that wait for the shards, collect their reports (kubectl logs) and merge them (bench merge) go to stderr.',
    )
    .example('$0 k8s-job --shards 3 --image IMG -- --url http://web:8080/ -c 30 -d 30s | kubectl apply -f -', '3 pods, 10 connections each, 30 s')
    .example('$0 k8s-job --shards 4 --image IMG -- --url http://web:8080/ -c 400 -R 20000 -d 1m', 'open loop: 5000 req/s per pod, interleaved') as unknown as Argv<K8sJobArgs>;
}

function handler(argv: K8sJobArgs): void {
  const config = parseK8sJobArgs(argv);
  const plan = buildK8sJob(config);
  process.stdout.write(plan.yaml);
  process.stderr.write(
    `bench: Job ${plan.name}: ${config.shards} shard(s) start together at ${plan.startAt}; ` +
      `apply it before then (stdout | kubectl apply -f -). Then:\n${plan.followUp.join('\n')}\n`,
  );
}

export const k8sJobCommand: CommandModule<object, K8sJobArgs> = {
  command: 'k8s-job',
  describe: 'Print a Kubernetes Indexed Job that runs bench run as N shards on N pods, and how to collect and merge them',
  builder,
  handler,
};

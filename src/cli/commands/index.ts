// The list of CLI commands, one module each.

import type { CommandModule } from 'yargs';
import { compareCommand } from './compare.js';
import { heartbeatCommand } from './heartbeat.js';
import { k8sJobCommand } from './k8s-job.js';
import { mergeCommand } from './merge.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { suiteCommand } from './suite.js';
import { traceCommand } from './trace.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [runCommand, compareCommand, suiteCommand, serveCommand, reportCommand, traceCommand, heartbeatCommand, k8sJobCommand, mergeCommand];

// Test helper for the SIGKILL and exit cases: opens a path, starts a long-lived process in its server namespace (as a runner's server would be), prints what it made, then waits to be killed or exits without close().
//
//   node open-and-wait.js IMPL wait|exit     prints {"namespaces":[...],"helperPids":[...],"serverPid":N}

import { spawn } from 'node:child_process';
import { openPath } from '../../../src/wire/path/index.js';
import type { PathImpl } from '../../../src/wire/path/spec.js';

const impl = (process.argv[2] ?? 'delay-line') as PathImpl;
const path = await openPath({ rttMs: 2, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl, seed: 1 });
// No parent-death signal here, unlike the path's own helpers: only the sweep can end it.
const [file, ...args] = path.server.execArgv(process.execPath, ['-e', 'process.stdout.write("up\\n"); setTimeout(() => {}, 60000)']);
const server = spawn(file!, args, { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
// Printed from inside the namespace: from here on `ip netns pids` finds it.
await new Promise((resolve) => server.stdout.once('data', resolve));
process.stdout.write(`${JSON.stringify({ namespaces: path.namespaces, helperPids: path.helperPids, serverPid: server.pid })}\n`);
// 'exit': leave without close(), so only the process 'exit' hooks clean up.
if (process.argv[3] === 'exit') process.exit(0);
// Bounded: the test kills us long before this.
setTimeout(() => process.exit(3), 30_000);

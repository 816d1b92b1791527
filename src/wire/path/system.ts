// Running iproute2 and friends for a network path, bounded in time, failures typed; and what this machine lacks to build a path.

import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { H1Error } from '../../errors.js';

/** No ip/tc call should take this long; one that does is stuck (a kernel lock), not slow. */
const COMMAND_TIMEOUT_MS = 10_000;

/** Debian package of each tool a path uses, for the message that says how to get it. */
const PACKAGES: Readonly<Record<string, string>> = { ip: 'iproute2', tc: 'iproute2', socat: 'socat', setpriv: 'util-linux' };

/** Absolute path of `name` on PATH (what execvp would run), or null. Synchronous: a few stat calls at setup time. */
export function findTool(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry: try the next one.
    }
  }
  return null;
}

/** "socat is not installed (apt-get install socat)". */
export function toolMissing(name: string): string {
  return `${name} is not installed (apt-get install ${PACKAGES[name] ?? name})`;
}

/** Why a path cannot be built by this process (not root, a tool missing), or null when it can be tried. */
export function missingPrerequisite(tools: readonly string[]): string | null {
  // Namespaces, TUN devices and qdiscs need CAP_SYS_ADMIN / CAP_NET_ADMIN; uid 0 is how a user gets them.
  if (process.getuid && process.getuid() !== 0) return 'an emulated network path needs root (network namespaces, TUN devices, qdiscs)';
  for (const tool of tools) if (!findTool(tool)) return toolMissing(tool);
  return null;
}

/**
 * Run `command args` and resolve its stdout. A missing (or unrunnable) tool is H1B_PATH_UNAVAILABLE; any other
 * failure (non-zero exit, timeout) is H1B_PATH_FAILED carrying the command line and its stderr.
 */
export function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      // ENOENT: not on PATH; EACCES: on PATH (or a PATH entry) but not runnable by this user. Either way: not here.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') {
        reject(new H1Error('H1B_PATH_UNAVAILABLE', toolMissing(command), { cause: error }));
        return;
      }
      const text = stderr.trim() || error.message;
      reject(new H1Error('H1B_PATH_FAILED', `${[command, ...args].join(' ')} failed: ${text}`, { cause: error }));
    });
  });
}

/** For process 'exit' hooks, which must be synchronous: run and ignore the outcome (the cleanup is best effort there). */
export function runSyncQuietly(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 });
  return result.stdout ?? '';
}

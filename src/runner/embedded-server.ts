// Spawns the embedded server (`bench serve`) as a child process on 127.0.0.1 port 0 and stops it by PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { H1Error } from '../errors.js';
import type { ServerMode } from '../types.js';

export interface EmbeddedServer {
  readonly url: URL;
  readonly pid: number;
  readonly mode: ServerMode;
  /** Started with `--tls`: its self-signed certificate (PEM), the CA a client trusts it by; null for plain HTTP. */
  readonly ca: string | null;
  /** Stop the child (SIGTERM, then SIGKILL after the grace period); idempotent. */
  stop(): Promise<void>;
}

const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const STDERR_KEEP = 4_096;

/** Children still running, killed synchronously if this process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  // The child is detached (own process group), so a SIGHUP (a closed terminal) sent to h1bench would orphan it:
  // stop the children, then die of the same signal as the default action would have. SIGINT and SIGTERM are
  // not handled here: runner/interrupt.ts turns them into a stop that still writes the report and releases the
  // target; the 'exit' hook above covers whatever ends the process after that.
  process.once('SIGHUP', () => {
    for (const child of live) child.kill('SIGKILL');
    process.kill(process.pid, 'SIGHUP');
  });
}

/** Where and how the server child starts; the defaults give a server on 127.0.0.1 in this namespace. */
export interface ServerLaunch {
  /** Address to listen on; default 127.0.0.1 (an emulated path's server end: 10.77.0.1). */
  readonly host?: string;
  /**
   * Rewrites the server's argv before spawning, e.g. `ip netns exec NS …` to start it in another namespace. Each
   * wrapper must exec its command, so the PID stays the server's own (its CPU and its /proc/<pid>/net are read).
   */
  readonly wrap?: (argv: readonly string[]) => string[];
  /**
   * Serve HTTPS with a certificate made at start (`--tls --cert-out`); the server writes the certificate before it
   * prints its URL, so it is read back at once and handed out as `ca` (the temporary file is removed).
   */
  readonly tls?: boolean;
}

/**
 * Start `bench serve --mode <mode> --host 127.0.0.1 --port 0` and resolve once it prints its URL.
 * The child gets its own process group (detached) so a Ctrl-C at the terminal reaches only
 * h1bench, which then still reads the server's /stats and stops it itself.
 */
export async function startEmbeddedServer(mode: ServerMode, extraArgs: readonly string[] = [], launch: ServerLaunch = {}): Promise<EmbeddedServer> {
  installExitHook();
  const certDir = launch.tls === true ? await mkdtemp(join(tmpdir(), 'h1b-embedded-')) : null;
  const certFile = certDir === null ? null : join(certDir, 'cert.pem');
  try {
    return await spawnServer(mode, certFile === null ? extraArgs : [...extraArgs, '--tls', '--cert-out', certFile], certFile, launch);
  } finally {
    if (certDir !== null) await rm(certDir, { recursive: true, force: true });
  }
}

async function spawnServer(mode: ServerMode, extraArgs: readonly string[], certFile: string | null, launch: ServerLaunch): Promise<EmbeddedServer> {
  const argv = [process.execPath, CLI_MAIN, 'serve', '--mode', mode, '--host', launch.host ?? '127.0.0.1', '--port', '0', ...extraArgs];
  const [file, ...args] = launch.wrap ? launch.wrap(argv) : argv;
  const child = spawn(file!, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (stderr.length < STDERR_KEEP) stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
  });
  let url: URL;
  let ca: string | null = null;
  try {
    url = await readUrlLine(child, () => stderr);
    if (certFile !== null) {
      ca = await readFile(certFile, 'utf8').catch((error: unknown) => {
        throw new H1Error('H1B_SERVER_SPAWN_FAILED', `embedded server wrote no certificate to ${certFile} (${(error as Error).message})`, { cause: error });
      });
    }
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  // Keep draining stdout so a chatty server never blocks on a full pipe.
  child.stdout!.resume();
  let stopping: Promise<void> | null = null;
  return {
    url,
    pid: child.pid!,
    mode,
    ca,
    stop(): Promise<void> {
      stopping ??= stopChild(child, exited);
      return stopping;
    },
  };
}

function readUrlLine(child: ChildProcess, stderr: () => string): Promise<URL> {
  return new Promise<URL>((resolve, reject) => {
    let buffered = '';
    const fail = (why: string): void => {
      cleanup();
      const detail = stderr().trim();
      reject(new H1Error('H1B_SERVER_SPAWN_FAILED', `embedded server ${why}${detail ? `: ${detail.split('\n').slice(-5).join(' | ')}` : ''}`));
    };
    const onData = (chunk: string): void => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const match = /(https?:\/\/\S+)/.exec(line);
        if (match) {
          cleanup();
          resolve(new URL(match[1]!));
          return;
        }
      }
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited (${signal ?? `code ${code}`}) before printing its URL`);
    const onError = (error: Error): void => fail(`could not be spawned (${error.message})`);
    const timer = setTimeout(() => fail(`printed no URL within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      // The server did not finish its graceful shutdown in time: it holds nothing we need.
      child.kill('SIGKILL');
      resolve();
    }, STOP_GRACE_MS);
  });
  await Promise.race([exited, forced]);
  clearTimeout(timer);
  await exited;
}

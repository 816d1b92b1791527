// Test helper: private network namespaces acting as separate hosts, a server host linked to each client host by a veth
// pair, and child processes run inside them; everything is removed again (processes by PID, then the namespaces).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { PrivateNetns } from '../../src/wire/netns.js';

/** The server host's address, on its loopback, routed from every client host over that host's own veth link. */
export const SERVER_ADDRESS = '10.213.100.1';

export interface Hosts {
  readonly server: PrivateNetns;
  readonly clients: readonly PrivateNetns[];
  /** Start `command args` inside `netns`; the child is killed (by PID) on close. */
  spawnIn(netns: PrivateNetns, command: string, args: readonly string[]): ChildProcess;
  /** Kill what was started here (SIGTERM, then SIGKILL after 3 s) and delete every namespace, veth pairs with them. */
  close(): Promise<void>;
}

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

/**
 * One server namespace and `clients` client namespaces. Client i reaches SERVER_ADDRESS over the link
 * 10.213.i.0/30 (client .2, server .1): separate links, so each client host has its own addresses and ports.
 */
export async function createHosts(clients: number): Promise<Hosts> {
  const made: PrivateNetns[] = [];
  const children: ChildProcess[] = [];
  const close = async (): Promise<void> => {
    const exits = children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
        return gone.finally(() => clearTimeout(force));
      });
    await Promise.all(exits);
    for (const netns of made.reverse()) await netns.delete();
  };
  try {
    const server = await PrivateNetns.create();
    made.push(server);
    ip(['-n', server.name, 'addr', 'add', `${SERVER_ADDRESS}/32`, 'dev', 'lo']);
    const clientHosts: PrivateNetns[] = [];
    for (let i = 0; i < clients; i++) {
      const client = await PrivateNetns.create();
      made.push(client);
      clientHosts.push(client);
      ip(['-n', server.name, 'link', 'add', `h1bs${i}`, 'type', 'veth', 'peer', 'name', 'h1bc', 'netns', client.name]);
      ip(['-n', server.name, 'addr', 'add', `10.213.${i}.1/30`, 'dev', `h1bs${i}`]);
      ip(['-n', server.name, 'link', 'set', `h1bs${i}`, 'up']);
      ip(['-n', client.name, 'addr', 'add', `10.213.${i}.2/30`, 'dev', 'h1bc']);
      ip(['-n', client.name, 'link', 'set', 'h1bc', 'up']);
      ip(['-n', client.name, 'route', 'add', `${SERVER_ADDRESS}/32`, 'via', `10.213.${i}.1`]);
    }
    return {
      server,
      clients: clientHosts,
      spawnIn(netns, command, args) {
        const [file, ...rest] = netns.execArgv(command, args);
        const child = spawn(file!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        return child;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The first stdout line of `child` (e.g. the URL `bench serve` prints), or a rejection when it exits first. */
export function firstLine(child: ChildProcess, limitMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => reject(new Error(`no line on stdout within ${limitMs} ms: ${stderr}`)), limitMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(buffered.slice(0, newline).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (code ${code}) before printing a line: ${stderr}`));
    });
  });
}

/** Everything `child` writes until it exits, and its exit code. */
export function completion(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

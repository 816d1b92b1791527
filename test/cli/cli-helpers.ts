// Helpers for CLI end-to-end tests: run `bench` as a child process, bounded in time, optionally reacting to stderr lines.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `bench <args>`; `onStderrLine` and `onStdoutLine` see each line with the child (to send it a signal
 * once it reports a phase or prints its URL). The child is killed after `limitMs` so a hung run fails the test.
 */
export function runCli(
  args: readonly string[],
  options: {
    limitMs?: number;
    cwd?: string;
    onStderrLine?: (line: string, child: ChildProcess) => void;
    onStdoutLine?: (line: string, child: ChildProcess) => void;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let pendingOut = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pendingOut += chunk;
      const lines = pendingOut.split('\n');
      pendingOut = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine?.(line, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onStderrLine?.(line, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'h1b-cli-'));
}

// `bench serve` end to end: one URL line on stdout, answers requests, exits 0 on SIGTERM; bad options exit 2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(args: string[]): { child: ReturnType<typeof spawn>; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

for (const mode of ['close', 'keep-alive']) {
  test(`bench serve --mode ${mode} --port 0 prints one URL line, serves, exits 0 on SIGTERM`, async () => {
    const proc = run(['serve', '--mode', mode, '--port', '0', '--body-size', '5']);
    const url = await new Promise<string>((resolve, reject) => {
      proc.child.stdout!.on('data', () => {
        const line = proc.stdout();
        if (line.includes('\n')) resolve(line.split('\n')[0]!);
      });
      void proc.exit.then((code) => reject(new Error(`exited ${code}: ${proc.stderr()}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(url, { headers: { connection: 'close' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Hello');
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exit, 0);
    assert.equal(proc.stdout(), `${url}\n`);
  });
}

test('bench serve with an invalid option exits 2 with a message naming it', async () => {
  const proc = run(['serve', '--mode', 'pipeline', '--port', '0']);
  assert.equal(await proc.exit, 2);
  assert.match(proc.stderr(), /--mode must be one of close, keep-alive/);
  assert.equal(proc.stdout(), '');
});

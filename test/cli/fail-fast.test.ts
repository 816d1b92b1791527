// A target that is not there fails fast in the measuring commands: one probe before any warm-up or client, exit 1 at
// once naming the address(es) tried, and no report of things that did not happen. (`bench trace` draws the refusal
// instead: test/cli/trace.test.ts.)

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './cli-helpers.js';
import { unusedPort } from '../helpers/ports.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 1 within `boundMs`, one stderr line with H1B_CONNECT_REFUSED naming 127.0.0.1:port, no report. */
async function failsFast(args: string[], port: number, out: string, boundMs = 10_000): Promise<void> {
  const started = Date.now();
  const result = await runCli(args, { limitMs: 60_000 });
  const took = Date.now() - started;
  assert.equal(result.code, 1, result.stderr);
  assert.ok(took < boundMs, `took ${took} ms`);
  assert.match(result.stderr, /H1B_CONNECT_REFUSED/);
  assert.match(result.stderr, new RegExp(`tried 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  assert.equal(result.stdout, '', 'nothing measured, nothing summarised');
  assert.equal(existsSync(out), false, 'no report');
}

describe('fail fast on a closed port', () => {
  test('bench heartbeat --url: says the server was never reachable instead of reporting timeouts and handshakes', async () => {
    const port = await unusedPort();
    const out = join(dir, 'heartbeat.json');
    await failsFast(['heartbeat', '--url', `http://127.0.0.1:${port}/`, '--clients', '5', '-d', '4s', '--out', out], port, out);
  });

  test('bench suite --url: before the first case', async () => {
    const port = await unusedPort();
    const out = join(dir, 'suite.json');
    await failsFast(['suite', '--url', `http://127.0.0.1:${port}/`, '--runs', '1', '--out', out], port, out);
  });
});

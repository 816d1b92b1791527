// Native engine against nginx: the requests nginx logs equal the engine's completed requests, in all three modes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeEngine } from '../../src/client/engines/native.js';
import type { LoadConfig } from '../../src/client/engine.js';
import { startNginx } from '../../bench/peers/nginx.js';
import { loadConfig } from '../helpers/load-config.js';

interface Nginx {
  port: number;
  logLines(): number;
  /** Stop nginx (it flushes its log) and wait for it to exit; idempotent. */
  stop(): Promise<void>;
  /** Remove its directory. */
  dispose(): void;
}

/** One worker, default keepalive_requests (1000: every 1000th response on a connection says close). */
async function startLoggingNginx(): Promise<Nginx | string> {
  const dir = mkdtempSync(join(tmpdir(), 'h1bench-nginx-'));
  const log = join(dir, 'access.log');
  const start = await startNginx({ dir, accessLog: log, keepaliveRequests: null });
  if (start.state === 'skipped') {
    rmSync(dir, { recursive: true, force: true });
    return start.reason;
  }
  return {
    port: start.nginx.port,
    logLines: () => readFileSync(log, 'utf8').split('\n').filter((line) => line.length > 0).length,
    stop: start.nginx.stop,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Two connections doing 1250 requests each cross nginx's keepalive_requests (1000) once: 4 connections in all.
const CASES: Array<[string, Partial<LoadConfig>, number]> = [
  ['1.0', { mode: '1.0', connections: 8, requests: 1500 }, 1500],
  ['1.1', { mode: '1.1', connections: 2, requests: 2500 }, 4],
  ['pipeline (crosses keepalive_requests, so pipelined requests are re-sent)', { mode: 'pipeline', connections: 2, requests: 2500, pipelining: 10 }, 4],
];

for (const [name, over, opened] of CASES) {
  test(`nginx logs as many requests as the engine completed: ${name}`, async (t) => {
    const nginx = await startLoggingNginx();
    if (typeof nginx === 'string') {
      t.skip(nginx);
      return;
    }
    try {
      const result = await new NativeEngine().run(
        loadConfig(`http://127.0.0.1:${nginx.port}/`, { connections: 2, ...over }),
        new AbortController().signal,
      );
      await nginx.stop();
      assert.deepEqual(result.errors, {});
      assert.equal(result.completed, over.requests);
      assert.equal(nginx.logLines(), result.completed);
      assert.equal(result.connections!.opened, opened);
    } finally {
      await nginx.stop();
      nginx.dispose();
    }
  });
}

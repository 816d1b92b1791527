// Private network namespaces: created with lo up, exact kernel counts inside, always deleted, stale ones swept.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NETNS_ENV, PrivateNetns, runInPrivateNetns, sweepStaleNetns } from '../../src/wire/netns.js';
import { netnsSkipReason } from './privileges.js';

function namespaces(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter(Boolean);
}

/** Inside the namespace: open 3 loopback connections; write the ActiveOpens delta and the env to the file in argv[1]. */
const CHILD = `
const net = require('node:net');
const fs = require('node:fs');
const opens = () => { const rows = fs.readFileSync('/proc/net/snmp', 'utf8').split('\\n').filter((l) => l.startsWith('Tcp:'));
  const names = rows[0].split(/\\s+/); return Number(rows[1].split(/\\s+/)[names.indexOf('ActiveOpens')]); };
const before = opens();
const server = net.createServer((s) => s.end()).listen(0, '127.0.0.1', async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => net.connect(server.address().port, '127.0.0.1').on('close', r).resume());
  server.close();
  fs.writeFileSync(process.argv[1], JSON.stringify({ delta: opens() - before, env: process.env.${NETNS_ENV} }));
});
`;

/** Resolves once `name` exists in `dir`: an inotify event (fs.watch, set up before the check), bounded by `limitMs`. */
function fileAppears(dir: string, name: string, limitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, (_type, filename) => {
      if (filename === name) done();
    });
    const guard = setTimeout(() => {
      watcher.close();
      reject(new Error(`${name} did not appear in ${dir} within ${limitMs} ms`));
    }, limitMs);
    function done(): void {
      clearTimeout(guard);
      watcher.close();
      resolve();
    }
    if (existsSync(join(dir, name))) done();
  });
}

describe('network namespaces', { concurrency: false }, () => {
  let skip: string | null = null;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'h1b-netns-test-'));
    skip = await netnsSkipReason();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('create: a named h1b-<pid>-<hex> namespace with loopback up; delete removes it (idempotent)', async (t) => {
    if (skip) return t.skip(skip);
    const netns = await PrivateNetns.create();
    try {
      assert.match(netns.name, new RegExp(`^h1b-${process.pid}-[0-9a-f]{8}$`));
      assert.ok(namespaces().includes(netns.name));
      const [file, ...args] = netns.execArgv('ip', ['-o', 'link', 'show', 'lo']);
      const lo = spawnSync(file!, args, { encoding: 'utf8' });
      assert.match(lo.stdout, /UP/);
    } finally {
      await netns.delete();
      await netns.delete();
    }
    assert.ok(!namespaces().includes(netns.name));
  });

  test('runInPrivateNetns: the child sees only its own connections, knows its namespace, which is gone afterwards', async (t) => {
    if (skip) return t.skip(skip);
    const file = join(dir, 'child.json');
    const result = await runInPrivateNetns(process.execPath, ['-e', CHILD, file]);
    assert.equal(result.exitCode, 0);
    const printed = JSON.parse(readFileSync(file, 'utf8')) as { delta: number; env: string };
    assert.equal(printed.delta, 3, 'ActiveOpens in a fresh namespace counts exactly our 3 connects');
    assert.equal(printed.env, result.namespace);
    assert.ok(!namespaces().includes(result.namespace));
  });

  test('a SIGINT to the parent is forwarded once to the child, and the namespace is still deleted', async (t) => {
    if (skip) return t.skip(skip);
    const ready = join(dir, 'ready');
    const started = fileAppears(dir, 'ready', 10_000);
    const waitForSigint = `process.on('SIGINT', () => process.exit(7)); require('node:fs').writeFileSync(${JSON.stringify(ready)}, ''); setTimeout(() => process.exit(1), 20000);`;
    const running = runInPrivateNetns(process.execPath, ['-e', waitForSigint]);
    // The child writes the file once its SIGINT handler is installed.
    await started;
    assert.ok(existsSync(ready), 'child started inside the namespace');
    process.emit('SIGINT', 'SIGINT');
    const result = await running;
    assert.equal(result.exitCode, 7);
    assert.ok(!namespaces().includes(result.namespace));
  });

  test('sweepStaleNetns removes namespaces of dead owners and leaves live ones', async (t) => {
    if (skip) return t.skip(skip);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const stale = `h1b-${dead.stdout.trim()}-deadbeef`;
    assert.equal(spawnSync('ip', ['netns', 'add', stale]).status, 0);
    const live = await PrivateNetns.create();
    try {
      const removed = await sweepStaleNetns();
      assert.ok(removed.includes(stale));
      assert.ok(!namespaces().includes(stale));
      assert.ok(namespaces().includes(live.name));
    } finally {
      await live.delete();
      spawnSync('ip', ['netns', 'delete', stale]);
    }
  });

});

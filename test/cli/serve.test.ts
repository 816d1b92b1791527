// `bench serve` end to end: one URL line on stdout, answers requests, exits 0 on SIGTERM; bad options exit 2; --tls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';
import { Agent, request } from 'undici';
import { CERTIFICATE_LINE } from '../../src/server/tls-identity.js';
import type { ServerStats } from '../../src/measurements.js';

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

/** Resolve with the first stdout line of a `bench serve` child (reject if it exits first). */
function firstLine(proc: ReturnType<typeof run>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    proc.child.stdout!.on('data', () => {
      const out = proc.stdout();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void proc.exit.then((code) => reject(new Error(`exited ${code}: ${proc.stderr()}`)));
  });
}

function curlWith(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: 10_000 }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout });
    });
  });
}

for (const mode of ['close', 'keep-alive']) {
  test(`bench serve --tls --mode ${mode}: https URL on stdout, fingerprint on stderr, --cert-out trusted by undici and curl`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'h1b-serve-tls-'));
    const caFile = join(dir, 'ca.pem');
    const proc = run(['serve', '--tls', '--mode', mode, '--port', '0', '--cert-out', caFile]);
    try {
      const url = await firstLine(proc);
      assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      // The certificate file exists once the URL is printed, and the stderr line names its fingerprint.
      const pem = readFileSync(caFile, 'utf8');
      assert.ok(!pem.includes('PRIVATE KEY'), 'the certificate only, never the key');
      const line = CERTIFICATE_LINE.exec(proc.stderr().split('\n')[0] ?? '');
      assert.ok(line, proc.stderr());
      assert.equal(line[1], new X509Certificate(pem).fingerprint256);
      assert.equal(line[2], 'self-signed for localhost, 127.0.0.1, ::1');
      const agent = new Agent({ connect: { ca: pem } });
      try {
        const res = await request(`${url}stats`, { dispatcher: agent });
        assert.equal(res.statusCode, 200);
        const stats = (await res.body.json()) as ServerStats;
        assert.deepEqual(stats.tlsHandshakes, { full: 1, resumed: 0, failed: 0 });
      } finally {
        await agent.close();
      }
      const curl = await curlWith(['-sS', '--cacert', caFile, url]);
      if (curl.code !== -1 && curl.code !== 127) {
        assert.equal(curl.code, 0);
        assert.equal(curl.stdout, 'Hello, World!');
      } else t.diagnostic('curl is not installed (apt-get install curl): only undici checked the --cert-out file');
      proc.child.kill('SIGTERM');
      assert.equal(await proc.exit, 0);
      assert.equal(proc.stdout(), `${url}\n`);
    } finally {
      proc.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('bench serve --tls --cert/--key serves the given certificate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'h1b-serve-tls-'));
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256' });
  writeFileSync(join(dir, 'cert.pem'), pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.private);
  const proc = run(['serve', '--tls', '--port', '0', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--tls-tickets', 'off']);
  try {
    const url = await firstLine(proc);
    const line = CERTIFICATE_LINE.exec(proc.stderr().split('\n')[0] ?? '');
    assert.equal(line?.[1], new X509Certificate(pems.cert).fingerprint256);
    assert.equal(line?.[2], `from ${join(dir, 'cert.pem')}`);
    const agent = new Agent({ connect: { ca: pems.cert, servername: 'localhost' } });
    try {
      const res = await request(url, { dispatcher: agent });
      assert.equal(await res.body.text(), 'Hello, World!');
    } finally {
      await agent.close();
    }
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exit, 0);
  } finally {
    proc.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench serve TLS usage errors exit 2 with H1B_TLS_CONFIG: --cert alone, unreadable file, mismatched key, flags without --tls', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'h1b-serve-tls-'));
  try {
    const [a, b] = await Promise.all([1, 2].map(() => generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256' })));
    writeFileSync(join(dir, 'cert.pem'), a!.cert);
    writeFileSync(join(dir, 'other-key.pem'), b!.private);
    const cases: Array<[string[], RegExp]> = [
      [['--tls', '--cert', join(dir, 'cert.pem')], /--cert and --key go together: --cert was given alone/],
      [['--tls', '--key', join(dir, 'other-key.pem')], /--cert and --key go together: --key was given alone/],
      [['--tls', '--cert', join(dir, 'missing.pem'), '--key', join(dir, 'other-key.pem')], /--cert .*missing\.pem cannot be read \(ENOENT\)/],
      [['--tls', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'other-key.pem')], /--key .*other-key\.pem does not match the certificate/],
      [['--tls', '--cert', join(dir, 'other-key.pem'), '--key', join(dir, 'other-key.pem')], /is not a PEM certificate/],
      [['--tls', '--cert-out', join(dir, 'no', 'such', 'dir.pem')], /--cert-out .* cannot be written/],
      [['--cert-out', join(dir, 'ca.pem')], /--cert-out needs --tls/],
      [['--tls', '--tls-tickets', 'maybe'], /--tls-tickets must be one of on, off/],
    ];
    for (const [args, message] of cases) {
      const proc = run(['serve', '--port', '0', ...args]);
      assert.equal(await proc.exit, 2, args.join(' '));
      assert.match(proc.stderr(), message);
      assert.equal(proc.stdout(), '', 'no URL line');
      if (!args.includes('--tls-tickets')) assert.match(proc.stderr(), /\[H1B_TLS_CONFIG\]/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// `bench run` failure paths end to end: bad options, refused target, timeouts, server killed mid-run, Ctrl-C.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { readReport } from '../../src/report/store.js';
import type { RunReport } from '../../src/report/schema.js';
import { CLI, runCli, tempDir } from './cli-helpers.js';
import { unusedPort } from '../helpers/ports.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

function refused(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * A SIGKILLed child's listener disappears a moment after the signal, not at once. Rather than poll, hold a
 * connection: if one is still accepted, its close (the server's shutdown, or the kernel closing a dead process's
 * sockets, listener first) is the event after which a new connect must be refused. Bounded by `limitMs`.
 */
function eventuallyRefused(url: string, limitMs = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    let connected = false;
    let timedOut = false;
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    const guard = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, limitMs);
    socket.once('connect', () => {
      connected = true;
      socket.resume();
    });
    socket.on('error', () => undefined); // refused or reset: the 'close' below decides
    socket.once('close', () => {
      clearTimeout(guard);
      if (timedOut) resolve(false);
      else if (!connected) resolve(true);
      else void refused(url).then(resolve);
    });
  });
}

const completedIn = (line: string): number => Number(/ (\d+) req /.exec(line)?.[1] ?? 0);

describe('bench run failure paths', () => {
  test('bad options: exit 2 and one message line, no report', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--mode', '1.1', '--keep-alive'], /--keep-alive applies to --mode 1\.0 only/],
      [['--mode', '1.1', '--pipelining', '5'], /--pipelining only applies to --mode pipeline/],
      [['--url', 'ftp://127.0.0.1:1/'], /only http:\/\/ and https:\/\//],
      [['--url', 'http://127.0.0.1:1/', '-k'], /-k\/--insecure only apply to https:\/\/ targets/],
      [['--tls', '--url', 'https://127.0.0.1:1/'], /--tls starts the embedded server/],
      [['--url', 'https://127.0.0.1:1/', '--tls-resume', 'maybe'], /--tls-resume must be one of on, off/],
      [['--url', 'https://127.0.0.1:1/', '--ca', '/nonexistent/ca.pem'], /H1B_TLS_CONFIG.*--ca \/nonexistent\/ca.pem cannot be read|--ca \/nonexistent\/ca.pem cannot be read.*H1B_TLS_CONFIG/],
      [['--url', 'http://127.0.0.1:1/', '--resolve', 'nohost'], /--resolve 'nohost' is not HOST:PORT:ADDR/],
      [['--url', 'not a url'], /H1B_INVALID_URL/],
      [['--mode', '3'], /--mode must be one of/],
      [['-c', '0'], /--connections/],
      [['-d', 'forever'], /--duration/],
      // A value that starts with '-' is still the option's value, not a flag of its own.
      [['-d', '-1s'], /--duration '-1s' is not a duration.*H1B_INVALID_DURATION/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(['run', '--out', join(dir, 'never.json'), ...args], { limitMs: 15_000 });
      assert.equal(result.code, 2, `${args.join(' ')}: exit ${result.code}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
    }
    // yargs' own usage errors carry the same code and exit status, and point at --help.
    const unknown = await runCli(['run', '--frobnicate', '--out', join(dir, 'never.json')], { limitMs: 15_000 });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^bench: Unknown argument: frobnicate \[H1B_INVALID_OPTION\]\nRun 'bench --help' for usage\.\n$/);
    assert.equal(existsSync(join(dir, 'never.json')), false);
  });

  test('a target that is not there fails fast: exit 1 before the warm-up, naming the address tried, no report', async () => {
    const port = await unusedPort();
    const out = join(dir, 'refused.json');
    const started = Date.now();
    // A 30 s warm-up and duration that a probe-less run would wait out.
    const result = await runCli(['run', '--url', `http://127.0.0.1:${port}/`, '-d', '30s', '--warmup', '30s', '-c', '2', '--out', out]);
    assert.equal(result.code, 1, result.stderr);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.match(result.stderr, /H1B_CONNECT_REFUSED/);
    assert.match(result.stderr, new RegExp(`tried 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.equal(existsSync(out), false, 'nothing was measured, nothing is reported');
  });

  test('a name whose every address refuses: the error lists each address tried, in resolver order', async () => {
    const port = await unusedPort();
    const result = await runCli(['run', '--url', `http://refused.test:${port}/`, '--resolve', `refused.test:${port}:::1,127.0.0.1`, '-n', '5', '--warmup', '0']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`refused\\.test → 2 addresses\\): tried \\[::1\\]:${port} \\(ECONNREFUSED\\), 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  });

  test('per-request timeout against a server that never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => sockets.delete(socket));
      socket.on('close', () => sockets.delete(socket));
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const out = join(dir, 'timeout.json');
      const result = await runCli(['run', '--url', `http://127.0.0.1:${port}/`, '-d', '1s', '-c', '2', '--timeout', '200ms', '--warmup', '0', '--out', out]);
      assert.equal(result.code, 1, result.stderr);
      const report = readReport(out) as RunReport;
      assert.equal(report.requests.completed, 0);
      assert.ok((report.errors.H1B_TIMEOUT ?? 0) >= 2, JSON.stringify(report.errors));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('server killed mid-run: the run ends, the report counts what failed', async () => {
    const server = spawn(process.execPath, [CLI, 'serve', '--mode', 'keep-alive', '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.stdout.setEncoding('utf8').once('data', (line: string) => resolve(line.trim()));
        server.once('exit', () => reject(new Error('server exited before printing its URL')));
      });
      const out = join(dir, 'killed.json');
      let killed = false;
      const result = await runCli(['run', '--url', url, '-d', '4s', '-c', '4', '--warmup', '0', '--progress', '--out', out], {
        onStderrLine: (line) => {
          // Kill once requests are flowing in the measured phase.
          if (!killed && line.startsWith('1.1 measuring') && completedIn(line) > 0) {
            killed = true;
            server.kill('SIGKILL');
          }
        },
      });
      assert.ok(killed, `never saw progress with completed requests:\n${result.stderr}`);
      assert.equal(result.code, 0, result.stderr);
      const report = readReport(out) as RunReport;
      assert.ok(report.requests.completed > 0);
      assert.ok(report.requests.errors > 0, JSON.stringify(report.errors));
      assert.equal(report.interrupted, false);
    } finally {
      server.kill('SIGKILL');
      await exited;
    }
  });

  test('Ctrl-C: stops, writes the report with interrupted: true, exits 130, stops the embedded server', async () => {
    const out = join(dir, 'sigint.json');
    let sent = false;
    const result = await runCli(['run', '-d', '30s', '-c', '4', '--warmup', '0', '--progress', '--out', out], {
      onStderrLine: (line, child) => {
        if (!sent && line.startsWith('1.1 measuring')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(sent);
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /stopping after Ctrl-C/);
    const report = readReport(out) as RunReport;
    assert.equal(report.interrupted, true);
    assert.ok(report.durationSec < 30);
    assert.ok(await refused(report.target.url), 'embedded server stopped');
  });

  test('two SIGINTs back to back (GNU timeout signals the child, then its group) are one request: report written', async () => {
    const out = join(dir, 'twice.json');
    let target = '';
    let sent = false;
    const result = await runCli(['run', '-d', '30s', '-c', '2', '--warmup', '0', '--progress', '--out', out], {
      onStderrLine: (line, child) => {
        const match = /^target (\S+)/.exec(line);
        if (match) target = match[1]!;
        if (!sent && line.startsWith('1.1 measuring')) {
          sent = true;
          child.kill('SIGINT');
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(result.code, 130, result.stderr);
    assert.equal((readReport(out) as RunReport).interrupted, true);
    assert.ok(target !== '' && (await eventuallyRefused(target)), 'embedded server stopped');
  });

  test('SIGTERM (what CI runners and timeout send by default) stops alike: report written, exit 143', async () => {
    const out = join(dir, 'sigterm.json');
    let sent = false;
    const result = await runCli(['run', '-d', '30s', '-c', '2', '--warmup', '0', '--progress', '--out', out], {
      onStderrLine: (line, child) => {
        if (!sent && line.startsWith('1.1 measuring')) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    });
    assert.equal(result.code, 143, result.stderr);
    assert.match(result.stderr, /stopping after SIGTERM/);
    const report = readReport(out) as RunReport;
    assert.equal(report.interrupted, true);
    assert.ok(await refused(report.target.url), 'embedded server stopped');
  });

  test('a signal a second after the first quits at once and says no report was written', async () => {
    // A command still busy after its first stop request, using the CLI's own interruption handling.
    const script =
      `import(${JSON.stringify(new URL('../../src/cli/interrupt.js', import.meta.url).href)}).then((m) => {` +
      `m.interruptibly('the report'); setInterval(() => {}, 1000); process.stderr.write('ready\\n'); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const first = !stderr.includes('ready') && (stderr + chunk).includes('ready');
      stderr += chunk;
      if (first) {
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 1_200);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(guard);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping after Ctrl-C/);
    assert.match(stderr, /quitting at once; the report was not written/);
  });

  test('an unwritable --out, --html or --capture fails before the first request, with nothing measured to lose', async () => {
    // A parent that is a regular file cannot become a directory (root ignores permission bits, this it cannot).
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const cases: Array<[string[], RegExp]> = [
      [['--out', join(blocker, 'x.json')], /cannot write the report to .*a-file\/x\.json \(cannot create .*(ENOTDIR|EEXIST)/],
      [['--out', dir], /cannot write the report to .* \(it is a directory\)/],
      [['--out', join(dir, 'ok.json'), '--capture', join(blocker, 'x.pcap')], /cannot write the capture to .*a-file\/x\.pcap/],
    ];
    for (const [args, pattern] of cases) {
      const started = Date.now();
      const result = await runCli(['run', '-c', '2', '-d', '30s', '--warmup', '0', '--progress', ...args], { limitMs: 20_000 });
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /\[H1B_REPORT_WRITE\]/);
      assert.match(result.stderr, pattern);
      assert.match(result.stderr, /checked before measuring, so nothing was lost/);
      assert.doesNotMatch(result.stderr, /^\S+ (measuring|warming up)|^target /m, 'no load was started');
      assert.ok(Date.now() - started < 15_000, 'failed at once, not after the 30 s run');
    }
    assert.equal(existsSync(join(dir, 'ok.json')), false);
  });

  test('a missing --out directory is created before the run, as the default results/ is', async () => {
    const out = join(dir, 'made', 'on', 'demand', 'x.json');
    const result = await runCli(['run', '-c', '2', '-n', '50', '--warmup', '0', '--out', out, '--html']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((readReport(out) as RunReport).requests.completed, 50);
    assert.ok(existsSync(join(dir, 'made', 'on', 'demand', 'x.html')));
  });

  test('stdout closed by the reader (bench run --json | head -c 1): exit 0, quietly, and the report is still written', async () => {
    const out = join(dir, 'piped.json');
    const child = spawn(process.execPath, [CLI, 'run', '-c', '2', '-n', '200', '--warmup', '0', '--json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the command writes anything.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    clearTimeout(guard);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|unexpected error/);
    assert.equal((readReport(out) as RunReport).requests.completed, 200);
  });
});

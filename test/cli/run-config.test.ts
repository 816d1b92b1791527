// Tests for `bench run` option validation: defaults, frozen configs per mode, and every rejected combination.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../src/errors.js';
import { parseRunArgs, parseRunOutput, reportPathFor, validateUrl, withModeSuffix } from '../../src/cli/run-config.js';

const rejects = (args: Parameters<typeof parseRunArgs>[0], code: string, pattern: RegExp): void => {
  assert.throws(
    () => parseRunArgs(args),
    (error: unknown) => isH1Error(error) && error.code === code && error.exitCode === 2 && pattern.test(error.message),
  );
};

describe('parseRunArgs', () => {
  test('defaults: 1.1, 50 connections, 10 s, 1 s warm-up, native, one run, frozen', () => {
    const [config, ...rest] = parseRunArgs({});
    assert.equal(rest.length, 0);
    assert.ok(config && Object.isFrozen(config));
    assert.equal(config.mode, '1.1');
    assert.equal(config.connections, 50);
    assert.equal(config.durationMs, 10_000);
    assert.equal(config.requests, null);
    assert.equal(config.warmupMs, 1_000);
    assert.equal(config.engine, 'native');
    assert.equal(config.runs, 1);
    assert.equal(config.pipelining, 1);
    assert.equal(config.url, null);
    assert.equal(parseRunOutput({}, false).progress, false, 'no progress when stderr is not a terminal');
    assert.equal(parseRunOutput({}, true).progress, true);
    assert.equal(parseRunOutput({ progress: false }, true).progress, false);
    assert.equal(parseRunOutput({ progress: true }, false).progress, true);
  });

  test('several modes give one config each, in order, with mode-suffixed --out', () => {
    const args = { mode: ['1.0', '1.1', 'pipeline', '1.0'], out: 'out/x.json', pipelining: '4' };
    const configs = parseRunArgs(args);
    const output = parseRunOutput(args, false);
    assert.deepEqual(configs.map((c) => c.mode), ['1.0', '1.1', 'pipeline']);
    assert.deepEqual(configs.map((c) => reportPathFor(output, c.mode, configs.length)), ['out/x-1.0.json', 'out/x-1.1.json', 'out/x-pipeline.json']);
    assert.deepEqual(configs.map((c) => c.pipelining), [1, 1, 4]);
  });

  test('values are parsed: durations, -n, headers, rate', () => {
    const [config] = parseRunArgs(
      { mode: '1.0', requests: '2000', connections: '10', warmup: '0', timeout: '500ms', header: ['X-A: 1', 'X-B:two words'], rate: '250', body: 'hi', method: 'POST', label: 'L', runs: '3' },
    );
    assert.ok(config);
    assert.equal(config.requests, 2000);
    assert.ok(config.durationMs >= 3_600_000, 'with -n the duration is only a safety bound');
    assert.equal(config.warmupMs, 0);
    assert.equal(config.timeoutMs, 500);
    assert.deepEqual(config.headers, [['X-A', '1'], ['X-B', 'two words']]);
    assert.equal(config.rate, 250);
    assert.equal(config.body, 'hi');
    assert.equal(config.method, 'POST');
    assert.equal(config.label, 'L');
    assert.equal(config.runs, 3);
  });

  test('-n with -d (as wrk2 and oha take them): N completed requests, -d the bound', () => {
    const [config] = parseRunArgs({ requests: '10', duration: '5s' });
    assert.equal(config!.requests, 10);
    assert.equal(config!.durationMs, 5_000);
  });

  test('--mode 1.0 --keep-alive: HTTP/1.0 keep-alive for the 1.0 run only', () => {
    const configs = parseRunArgs({ mode: ['1.0', 'pipeline'], keepAlive: true });
    assert.deepEqual(configs.map((c) => [c.mode, c.keepAlive]), [['1.0', true], ['pipeline', false]]);
    assert.equal(parseRunArgs({ mode: '1.0' })[0]!.keepAlive, false);
  });

  test('invalid values and combinations: exit 2 with one message naming the option', () => {
    rejects({ mode: '2.0' }, 'H1B_INVALID_OPTION', /--mode must be one of 1\.0, 1\.1, pipeline/);
    rejects({ mode: '1.1', keepAlive: true }, 'H1B_INVALID_OPTION', /--keep-alive applies to --mode 1\.0 only/);
    rejects({ mode: '1.0', keepAlive: true, engine: 'undici' }, 'H1B_INVALID_OPTION', /--keep-alive needs --engine native/);
    rejects({ mode: '1.1', pipelining: '4' }, 'H1B_INVALID_OPTION', /--pipelining only applies to --mode pipeline/);
    rejects({ mode: 'pipeline', rate: '100' }, 'H1B_INVALID_OPTION', /--rate .*pipeline/);
    rejects({ engine: 'autocannon', rate: '100' }, 'H1B_INVALID_OPTION', /--rate cannot be combined with --engine autocannon/);
    rejects({ connections: '0' }, 'H1B_INVALID_OPTION', /--connections/);
    rejects({ connections: 'many' }, 'H1B_INVALID_OPTION', /--connections/);
    rejects({ requests: '-1' }, 'H1B_INVALID_OPTION', /--requests/);
    rejects({ duration: 'soon' }, 'H1B_INVALID_DURATION', /--duration/);
    rejects({ duration: '0s' }, 'H1B_INVALID_OPTION', /--duration/);
    rejects({ rate: '0' }, 'H1B_INVALID_OPTION', /--rate/);
    rejects({ runs: '0' }, 'H1B_INVALID_OPTION', /--runs/);
    rejects({ engine: 'curl' }, 'H1B_INVALID_OPTION', /--engine/);
    rejects({ serverMode: 'sometimes' }, 'H1B_INVALID_OPTION', /--server-mode/);
    rejects({ url: 'http://127.0.0.1:1/', serverMode: 'close' }, 'H1B_INVALID_OPTION', /--server-mode applies to the embedded server/);
    rejects({ header: 'NoColon' }, 'H1B_INVALID_OPTION', /--header/);
    rejects({ header: 'Content-Length: 5' }, 'H1B_INVALID_OPTION', /set by h1bench/);
    rejects({ header: 'Connection: close' }, 'H1B_INVALID_OPTION', /set by h1bench/);
    rejects({ method: 'GE T' }, 'H1B_INVALID_OPTION', /--method/);
    rejects({ rtt: '10ms', workers: '2' }, 'H1B_INVALID_OPTION', /--rtt runs one generator .*--workers/);
    rejects({ rtt: '10ms', source: ['127.0.0.2'], serverWorkers: '2' }, 'H1B_INVALID_OPTION', /drop --server-workers, --source/);
  });
});

describe('validateUrl', () => {
  test('accepts http and https URLs to any host: names, IPv4 and IPv6 literals (validation only, no traffic)', () => {
    assert.equal(validateUrl('http://127.0.0.1:8080/x?y=1'), 'http://127.0.0.1:8080/x?y=1');
    assert.equal(validateUrl('http://[::1]:8080/'), 'http://[::1]:8080/');
    assert.equal(validateUrl('http://localhost:9/'), 'http://localhost:9/');
    assert.equal(validateUrl('http://127.1.2.3/'), 'http://127.1.2.3/');
    assert.equal(validateUrl('http://staging.example.internal:8080/'), 'http://staging.example.internal:8080/');
    assert.equal(validateUrl('https://example.com/'), 'https://example.com/');
    assert.equal(validateUrl('http://8.8.8.8/'), 'http://8.8.8.8/');
    assert.equal(validateUrl('https://[2001:db8::1]:8443/'), 'https://[2001:db8::1]:8443/');
  });

  test('a non-loopback host name passes parseRunArgs: one RunConfig for it, TLS options for https', () => {
    const [plain] = parseRunArgs({ url: 'http://staging.example.internal:8080/' });
    assert.equal(plain?.url, 'http://staging.example.internal:8080/');
    assert.equal(plain?.tls, null);
    const [secure] = parseRunArgs({ url: 'https://api.example.com/health', tlsResume: 'off', tlsMax: '1.2', insecure: true, servername: 'api.internal' });
    assert.deepEqual(
      { resume: secure?.tls?.resume, maxVersion: secure?.tls?.maxVersion, insecure: secure?.tls?.insecure, servername: secure?.tls?.servername },
      { resume: false, maxVersion: 'TLSv1.2', insecure: true, servername: 'api.internal' },
    );
    const [embedded] = parseRunArgs({ tls: true });
    assert.equal(embedded?.url, null);
    assert.equal(embedded?.tls?.resume, true, 'resumption is on by default');
    assert.equal(embedded?.tls?.maxVersion, 'TLSv1.3');
  });

  test('rejects other schemes, relative URLs and credentials', () => {
    const code = (text: string): string | undefined => {
      try {
        validateUrl(text);
        return undefined;
      } catch (error) {
        return isH1Error(error) ? error.code : 'other';
      }
    };
    assert.equal(code('ftp://127.0.0.1/'), 'H1B_INVALID_URL');
    assert.equal(code('127.0.0.1:8080'), 'H1B_INVALID_URL');
    assert.equal(code('/relative'), 'H1B_INVALID_URL');
    assert.equal(code('http://user:pw@127.0.0.1/'), 'H1B_INVALID_URL');
  });
});

test('withModeSuffix: FILE-<mode>.json, an extension added when the name has none', () => {
  assert.equal(withModeSuffix('a.json', '1.0'), 'a-1.0.json');
  assert.equal(withModeSuffix('both', '1.1'), 'both-1.1.json');
  assert.equal(withModeSuffix('dir.v2/report', 'pipeline'), 'dir.v2/report-pipeline.json');
  assert.equal(withModeSuffix('.hidden', '1.1'), '.hidden-1.1.json');
  assert.equal(withModeSuffix('cap', '1.0', '.pcap'), 'cap-1.0.pcap');
  assert.equal(withModeSuffix('cap.pcapng', '1.0', '.pcap'), 'cap-1.0.pcapng');
});

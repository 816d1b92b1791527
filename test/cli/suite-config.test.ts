// Suite presets and --file validation: shipped presets parse and stay short; bad definitions are H1B_SUITE_FILE.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isH1Error } from '../../src/errors.js';
import { parseSuiteArgs, presetNames } from '../../src/cli/suite-config.js';

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => isH1Error(error) && error.code === code && (!message || message.test(error.message)));
}

describe('presets', () => {
  test('paths, quick, standard and tls ship in bench/suites/', () => {
    assert.deepEqual(presetNames(), ['paths', 'quick', 'standard', 'tls']);
  });

  test('tls: 1.0 with resumption off and on, 1.1 and pipelining, all over HTTPS against the embedded TLS server', () => {
    const plan = parseSuiteArgs({ preset: 'tls' });
    assert.deepEqual(plan.cases.map((item) => item.id), ['1.0-c10-tls-noresume', '1.0-c10-tls', '1.1-c10-tls', 'pipeline-c10-tls']);
    for (const item of plan.cases) {
      assert.equal(item.config.url, null, 'the embedded server');
      assert.notEqual(item.config.tls, null, 'over HTTPS');
    }
    assert.deepEqual(plan.cases.map((item) => item.config.tls?.resume), [false, true, true, true]);
    const totalMs = plan.cases.reduce((sum, item) => sum + plan.runs * (item.config.durationMs + item.config.warmupMs), 0);
    assert.ok(totalMs <= 40_000, `tls measures for ${totalMs} ms`);
  });

  test('the quick preset stays plain; --tls runs its cases over HTTPS; an https:// --url makes them TLS too', () => {
    assert.ok(parseSuiteArgs({}).cases.every((item) => item.config.tls === null && !item.id.includes('tls')));
    const tls = parseSuiteArgs({ tls: true });
    assert.deepEqual(tls.cases.map((item) => item.id), ['1.0-c10-tls', '1.1-c10-tls', 'pipeline-c10-tls']);
    const remote = parseSuiteArgs({ url: 'https://127.0.0.1:8443/', insecure: true });
    assert.ok(remote.cases.every((item) => item.config.tls?.insecure === true));
    throwsCode(() => parseSuiteArgs({ preset: 'tls', url: 'http://127.0.0.1:8080/' }), 'H1B_INVALID_OPTION', /runs over HTTPS/);
  });

  test('quick: the three modes, enough runs for a significant test, well under a minute', () => {
    const plan = parseSuiteArgs({});
    assert.equal(plan.preset, 'quick');
    assert.deepEqual([...new Set(plan.cases.map((item) => item.config.mode))], ['1.0', '1.1', 'pipeline']);
    assert.ok(plan.runs >= 4, 'fewer than 4 runs per side can never reach p < 0.05');
    const totalMs = plan.cases.reduce((sum, item) => sum + plan.runs * (item.config.durationMs + item.config.warmupMs), 0);
    assert.ok(totalMs <= 40_000, `quick measures for ${totalMs} ms`);
    assert.equal(plan.cases.find((item) => item.config.mode === 'pipeline')?.config.pipelining, 10);
    assert.equal(plan.cases.find((item) => item.config.mode === '1.1')?.config.pipelining, 1);
  });

  test('standard: modes × connection counts with ids like 1.1-c50', () => {
    const plan = parseSuiteArgs({ preset: 'standard' });
    assert.equal(plan.cases.length, 9);
    assert.ok(plan.cases.some((item) => item.id === '1.1-c50'));
    for (const item of plan.cases) assert.equal(item.config.runs, plan.runs);
  });

  test('overrides: --runs and --duration', () => {
    const plan = parseSuiteArgs({ runs: '2', duration: '500ms' });
    assert.equal(plan.runs, 2);
    assert.ok(plan.cases.every((item) => item.config.durationMs === 500 && item.config.runs === 2));
  });

  test('unknown preset, or both --preset and --file: usage errors', () => {
    throwsCode(() => parseSuiteArgs({ preset: 'huge' }), 'H1B_INVALID_OPTION', /quick, standard/);
    throwsCode(() => parseSuiteArgs({ preset: 'quick', file: 'x.json' }), 'H1B_INVALID_OPTION');
  });
});

describe('--file', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'h1bench-suite-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, unknown, RegExp]> = [
    ['not-json', '{', /cannot read/],
    ['array', [], /JSON object/],
    ['mode', { modes: ['2.0'], connections: [1], runs: 1, duration: '1s' }, /"modes"/],
    ['connections', { modes: ['1.1'], connections: [0], runs: 1, duration: '1s' }, /"connections"/],
    ['runs', { modes: ['1.1'], connections: [1], runs: 0, duration: '1s' }, /"runs"/],
    ['duration', { modes: ['1.1'], connections: [1], runs: 1 }, /"duration"/],
    ['unknown', { modes: ['1.1'], connections: [1], runs: 1, duration: '1s', latency: 5 }, /unknown field\(s\) latency/],
    ['rtt', { modes: ['1.1'], connections: [1], runs: 1, duration: '1s', rtt: 5 }, /"rtt" must be an array of round-trip times/],
  ];
  for (const [name, content, message] of cases) {
    test(`rejects ${name}`, async () => {
      const file = join(dir, `${name}.json`);
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      throwsCode(() => parseSuiteArgs({ file }), 'H1B_SUITE_FILE', message);
    });
  }

  test('a missing file is H1B_SUITE_FILE', () => {
    throwsCode(() => parseSuiteArgs({ file: join(dir, 'missing.json') }), 'H1B_SUITE_FILE', /ENOENT/);
  });

  test('run options are validated by the run rules (bad duration)', async () => {
    const file = join(dir, 'bad-duration.json');
    await writeFile(file, JSON.stringify({ modes: ['1.1'], connections: [1], runs: 1, duration: 'soon' }));
    throwsCode(() => parseSuiteArgs({ file }), 'H1B_INVALID_DURATION');
  });
});

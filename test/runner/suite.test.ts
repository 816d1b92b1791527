// runSuite end to end on embedded servers: interleaved order, one merged report per case, the RTT model stored.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/client/engines/index.js';
import { parseSuiteArgs } from '../../src/cli/suite-config.js';
import { roundOrder, runSuite } from '../../src/runner/suite.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import type { SuiteModel } from '../../src/report/schema.js';

test('roundOrder rotates the starting case each round', () => {
  assert.deepEqual(roundOrder(3, 1), [0, 1, 2]);
  assert.deepEqual(roundOrder(3, 2), [1, 2, 0]);
  assert.deepEqual(roundOrder(3, 3), [2, 0, 1]);
  assert.deepEqual(roundOrder(3, 4), [0, 1, 2]);
});

test('a 3-mode suite runs interleaved and reports every case with its runs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'h1bench-suite-'));
  try {
    const file = join(dir, 'tiny.json');
    await writeFile(file, JSON.stringify({ modes: ['1.0', '1.1', 'pipeline'], connections: [2], runs: 2, duration: '150ms', warmup: '0ms', pipelining: 4 }));
    const plan = parseSuiteArgs({ file, label: 'tiny' });
    const order: string[] = [];
    const report = await runSuite(plan, {
      createEngine: await loadEngine('native'),
      signal: new AbortController().signal,
      onEvent: (event) => {
        if (event.type === 'case-start') order.push(`${event.caseId}#${event.run}`);
      },
    });
    assert.deepEqual(order, ['1.0-c2#1', '1.1-c2#1', 'pipeline-c2#1', '1.1-c2#2', 'pipeline-c2#2', '1.0-c2#2']);
    assert.equal(report.kind, 'suite');
    assertMatchesPublishedSchema(report, 'suite report');
    assert.equal(report.label, 'tiny');
    assert.equal(report.interrupted, false);
    assert.deepEqual(report.cases.map((item) => item.id), ['1.0-c2', '1.1-c2', 'pipeline-c2']);
    for (const item of report.cases) {
      assert.equal(item.report.runs?.length, 2, item.id);
      assert.ok(item.report.requests.completed > 0, item.id);
    }
    const byId = Object.fromEntries(report.cases.map((item) => [item.id, item.report]));
    assert.equal(byId['1.0-c2']?.handshakes.perRequest, 1, 'HTTP/1.0: a handshake per request');
    assert.ok((byId['1.1-c2']?.handshakes.perRequest ?? 1) < 0.1, 'keep-alive reuses connections');
    assert.equal(byId['pipeline-c2']?.config.pipelining, 4);

    const model = report.model as SuiteModel;
    assert.equal(model.kind, 'rtt-model');
    assert.match(model.note, /^Model, not a measurement/);
    assert.deepEqual(model.rttsMs, [1, 10, 50, 100]);
    const rt = Object.fromEntries(model.cases.map((item) => [item.mode, item.roundTripsPerRequest]));
    assert.ok(Math.abs((rt['1.0'] as number) - 2) < 1e-9, 'HTTP/1.0: handshake + request = 2 round trips');
    assert.ok((rt['1.1'] as number) >= 1 && (rt['1.1'] as number) < 1.1);
    assert.ok((rt.pipeline as number) < 0.35, 'one round trip per batch of 4');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an aborted suite keeps what it measured and says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'h1bench-suite-abort-'));
  try {
    const file = join(dir, 'tiny.json');
    await writeFile(file, JSON.stringify({ modes: ['1.0', '1.1'], connections: [1], runs: 3, duration: '100ms', warmup: '0ms' }));
    const controller = new AbortController();
    const report = await runSuite(parseSuiteArgs({ file }), {
      createEngine: await loadEngine('native'),
      signal: controller.signal,
      onEvent: (event) => {
        // Stop after the first run of the second case.
        if (event.type === 'case-done' && event.caseId === '1.1-c1') controller.abort();
      },
    });
    assert.equal(report.interrupted, true);
    assert.deepEqual(report.cases.map((item) => item.id), ['1.0-c1', '1.1-c1']);
    assert.equal(report.cases[0]?.report.runs, undefined, 'one run only: no runs[]');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

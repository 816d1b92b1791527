// `bench run --capture --netns`: client = server = kernel (namespace) = wire, exactly; plus the report helpers.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../src/report/schema.js';
import type { WireCounts } from '../../src/measurements.js';
import { mergeRunReports } from '../../src/report/merge.js';
import { captureFileFor } from '../../src/wire/run-wire.js';
import { runReport } from '../report/fixtures.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { captureSkipReason, netnsSkipReason } from './privileges.js';
import { runCli } from '../cli/cli-helpers.js';

// Bound: a run of 1000 requests takes a few seconds; 90 s means it hung.
const bench = (args: string[]) => runCli(args, { limitMs: 90_000, cwd: process.cwd() });

describe('bench run --capture --netns: every view counts the same handshakes', { concurrency: false }, () => {
  let skip: string | null = null;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'h1b-run-wire-'));
    skip = (await captureSkipReason()) ?? (await netnsSkipReason());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, string[], number, 'serverFirst' | 'clientFirst' | 'reset']> = [
    ['--mode=1.0 -n 1000', ['--mode=1.0', '-n', '1000', '-c', '4'], 1000, 'serverFirst'],
    ['--mode=1.1 -c 8 -n 1000', ['--mode=1.1', '-c', '8', '-n', '1000'], 8, 'clientFirst'],
  ];
  for (const [name, args, expected, closer] of cases) {
    test(`${name}: client = server = kernel (namespace) = wire = ${expected}`, async (t) => {
      if (skip) return t.skip(skip);
      const pcap = join(dir, `${args[0]!.slice(7)}.pcap`);
      const out = join(dir, `${args[0]!.slice(7)}.json`);
      // A short warm-up stays in: its connections must not leak into the measured counts.
      const result = await bench(['run', ...args, '--warmup', '300ms', '--capture', pcap, '--netns', '--out', out, '--no-progress', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as RunReport;
      assertMatchesPublishedSchema(report, 'bench run --capture --netns report');
      assert.equal(report.requests.completed, 1000);
      assert.equal(report.handshakes.client, expected);
      assert.equal(report.handshakes.server, expected);
      assert.equal(report.handshakes.kernel?.scope, 'namespace');
      assert.equal(report.handshakes.kernel?.activeOpens, expected);
      assert.equal(report.handshakes.kernel?.passiveOpens, expected);
      assert.equal(report.handshakes.wire, expected);
      assert.equal(report.teardowns?.wire[closer], expected);
      assert.equal(report.sources['handshakes.wire']?.source, 'wire');
      assert.equal(report.wire?.retransmissions, 0);
      // The namespace made for the run is gone. (Emulated paths of test files running beside this one carry a
      // -path-<role> label: not --netns namespaces.)
      assert.doesNotMatch(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout, /^h1b-\d+-[0-9a-f]+(?: |$)/m);
    });
  }

  test('--netns with --url is refused: the namespace cannot reach a server outside it', async () => {
    const result = await bench(['run', '--netns', '--url', 'http://127.0.0.1:9/', '-n', '1']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /H1B_INVALID_OPTION/);
  });
});

describe('wire counts in reports', () => {
  const counts = (handshakes: number, serverFirst: number): WireCounts => ({
    handshakes,
    teardowns: { serverFirst, clientFirst: 0, reset: 0 },
    section: {
      files: ['x.pcap'], connections: handshakes, segments: 10, syn: handshakes, synAck: handshakes, fin: 2, rst: 0, dataSegments: 2,
      retransmissions: 0, failedHandshakes: 0, stillOpen: 1, preexisting: 0, droppedByKernel: 0, flushed: true,
    },
  });

  test('captureFileFor keeps run 1 as given and suffixes later runs', () => {
    assert.equal(captureFileFor('out/cap.pcap', 1), 'out/cap.pcap');
    assert.equal(captureFileFor('out/cap.pcap', 3), 'out/cap-run3.pcap');
    assert.equal(captureFileFor('out.d/cap', 2), 'out.d/cap-run2');
  });

  test('a capture fills handshakes.wire, teardowns.wire, sources and notes when the report is built', () => {
    const report = runReport({ wire: counts(5, 5) });
    assert.equal(report.handshakes.wire, 5);
    assert.deepEqual(report.teardowns, { wire: { serverFirst: 5, clientFirst: 0, reset: 0 } });
    assert.equal(report.sources['teardowns.wire']?.source, 'wire');
    assert.match(report.notes.join('\n'), /1 captured connection\(s\) had not closed/);
  });

  test('merging runs sums wire counts, and leaves reports without wire counts alone', () => {
    const merged = mergeRunReports([runReport({ wire: counts(2, 2) }), runReport({ wire: counts(3, 1) })]);
    assert.equal(merged.handshakes.wire, 5);
    assert.deepEqual(merged.teardowns?.wire, { serverFirst: 3, clientFirst: 0, reset: 0 });
    assert.deepEqual(merged.wire?.files, ['x.pcap', 'x.pcap']);
    const plain = mergeRunReports([runReport(), runReport()]);
    assert.equal(plain.handshakes.wire, undefined);
    assert.equal(plain.wire, undefined);
  });
});

// Tests for report files: atomic write, no partial or temp file on failure, validated reads.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isH1Error } from '../../src/errors.js';
import type { AnyReport } from '../../src/report/schema.js';
import { makeDirectory, prepareOutputs } from '../../src/report/output-paths.js';
import { defaultReportPath, readReport, sortableTimestamp, writeReport } from '../../src/report/store.js';
import { runReport } from './fixtures.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'h1b-store-'));
}

const hasCode = (code: string) => (error: unknown): boolean => isH1Error(error) && error.code === code;

describe('writeReport', () => {
  test('writes JSON that readReport returns unchanged', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'r.json');
      const report = runReport();
      await writeReport(path, report);
      assert.deepEqual(readReport(path), JSON.parse(JSON.stringify(report)));
      assert.deepEqual(readdirSync(dir), ['r.json'], 'no temp file left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('serialisation failure leaves neither a partial file nor a temp file, and keeps an old report', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'r.json');
      writeFileSync(path, '{"old":true}');
      const broken = { ...runReport(), bad: 1n } as unknown as AnyReport;
      await assert.rejects(writeReport(path, broken), hasCode('H1B_REPORT_WRITE'));
      assert.deepEqual(readdirSync(dir), ['r.json']);
      assert.equal(readFileSync(path, 'utf8'), '{"old":true}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rename failure (target is a directory) removes the temp file', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'taken');
      await writeReport(join(path, 'x.json'), runReport(), { createDir: true });
      await assert.rejects(writeReport(path, runReport()), hasCode('H1B_REPORT_WRITE'));
      assert.deepEqual(readdirSync(dir), ['taken']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing directory is an error unless createDir', async () => {
    const dir = tempDir();
    try {
      await assert.rejects(writeReport(join(dir, 'no', 'r.json'), runReport()), (error: unknown) => {
        return isH1Error(error) && error.code === 'H1B_REPORT_WRITE' && /ENOENT/.test(error.message);
      });
      await writeReport(join(dir, 'yes', 'r.json'), runReport(), { createDir: true });
      assert.deepEqual(readdirSync(join(dir, 'yes')), ['r.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('makeDirectory', () => {
  test('creates missing parents; a file in the way is ENOTDIR; a parent that refuses new entries is its error, at once', async () => {
    const dir = tempDir();
    try {
      await makeDirectory(join(dir, 'a', 'b', 'c'));
      await makeDirectory(join(dir, 'a', 'b', 'c'));
      assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
      writeFileSync(join(dir, 'file'), '');
      await assert.rejects(makeDirectory(join(dir, 'file', 'x')), { code: 'ENOTDIR' });
      // procfs answers ENOENT to mkdir: Node 20's recursive mkdir loops on it forever.
      await assert.rejects(makeDirectory('/proc/h1b-nowhere/x'), { code: 'ENOENT' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outputs that are not plain files', () => {
  test('a symlink is followed: the link stays a link and its target holds the report', async () => {
    const dir = tempDir();
    try {
      const link = join(dir, 'latest.json');
      symlinkSync('real.json', link);
      await prepareOutputs([{ path: link, what: 'the report' }]);
      await writeReport(link, runReport());
      await writeReport(link, runReport());
      assert.ok(lstatSync(link).isSymbolicLink(), 'still a symlink');
      assert.equal(readReport(join(dir, 'real.json')).kind, 'run');
      assert.deepEqual(readdirSync(dir).sort(), ['latest.json', 'real.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/dev/null stays a character device (written in place, not renamed over)', async () => {
    await prepareOutputs([{ path: '/dev/null', what: 'the report' }]);
    await writeReport('/dev/null', runReport());
    assert.ok(statSync('/dev/null').isCharacterDevice());
  });

  test('a FIFO is written in place: the reader gets the whole report', async (t) => {
    const dir = tempDir();
    try {
      const fifo = join(dir, 'pipe');
      try {
        execFileSync('mkfifo', [fifo]);
      } catch {
        t.skip('mkfifo (coreutils) is not available');
        return;
      }
      const chunks: Buffer[] = [];
      const read = new Promise<void>((resolve, reject) => {
        const stream = createReadStream(fifo);
        stream.on('data', (chunk) => chunks.push(chunk as Buffer));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      await writeReport(fifo, runReport());
      await read;
      assert.equal(JSON.parse(Buffer.concat(chunks).toString('utf8')).kind, 'run');
      assert.ok(statSync(fifo).isFIFO());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a directory is refused before measuring, naming it', async () => {
    const dir = tempDir();
    try {
      await assert.rejects(prepareOutputs([{ path: dir, what: 'the report' }]), (error: unknown) => {
        return isH1Error(error) && error.code === 'H1B_REPORT_WRITE' && /it is a directory/.test(error.message);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readReport', () => {
  const withFile = (content: string, check: (path: string) => void): void => {
    const dir = tempDir();
    try {
      const path = join(dir, 'r.json');
      writeFileSync(path, content);
      check(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test('refuses schemaVersion 2 with a clear message', () => {
    withFile(JSON.stringify({ ...runReport(), schemaVersion: 2 }), (path) => {
      assert.throws(
        () => readReport(path),
        (error: unknown) => isH1Error(error) && error.code === 'H1B_REPORT_SCHEMA' && /schemaVersion 2/.test(error.message) && /upgrade/.test(error.message),
      );
    });
  });

  test('refuses unknown kinds, missing fields and non-objects', () => {
    withFile(JSON.stringify({ ...runReport(), kind: 'other' }), (path) => assert.throws(() => readReport(path), hasCode('H1B_REPORT_SCHEMA')));
    const { handshakes: _dropped, ...partial } = runReport();
    withFile(JSON.stringify(partial), (path) =>
      assert.throws(() => readReport(path), (error: unknown) => isH1Error(error) && /handshakes/.test(error.message)),
    );
    withFile('[1,2]', (path) => assert.throws(() => readReport(path), hasCode('H1B_REPORT_SCHEMA')));
  });

  test('unreadable or non-JSON files are H1B_REPORT_READ', () => {
    withFile('{not json', (path) => assert.throws(() => readReport(path), hasCode('H1B_REPORT_READ')));
    assert.throws(() => readReport('/nonexistent/report.json'), hasCode('H1B_REPORT_READ'));
  });
});

describe('default path', () => {
  test('names sort by time and carry the mode', () => {
    const early = defaultReportPath('1.0', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)));
    const late = defaultReportPath('1.0', new Date(Date.UTC(2026, 10, 25, 3, 4, 5, 6)));
    assert.equal(early, join('results', '2026-01-02T030405.006Z-1.0.json'));
    assert.ok(early < late);
    assert.equal(sortableTimestamp(new Date(Date.UTC(2026, 10, 25))), '2026-11-25T000000.000Z');
  });
});

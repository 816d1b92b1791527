// Tests for /proc/<pid>/stat and status parsing and the self/other process usage readers.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpuDelta, parseProcStat, parseProcStatusMaxRss, readProcessUsage, selfUsage } from '../../src/metrics/process-usage.js';

// utime (field 14) = 250 ticks, stime (field 15) = 75 ticks; comm contains spaces and ')'.
const STAT = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9000 0 0 0 250 75 0 0 20 0 11 0 77250 1200000000 20000 18446744073709551615';

describe('parseProcStat', () => {
  test('reads utime and stime past a tricky comm field', () => {
    const stat = parseProcStat(STAT);
    assert.deepEqual({ userSec: stat.userSec, systemSec: stat.systemSec }, { userSec: 2.5, systemSec: 0.75 });
  });
  test('throws on garbage', () => {
    assert.throws(() => parseProcStat('no parens here'));
    assert.throws(() => parseProcStat('1 (x) S 1 2'));
  });
});

describe('parseProcStatusMaxRss', () => {
  test('VmHWM in kB → bytes', () => {
    assert.equal(parseProcStatusMaxRss('Name:\tnode\nVmPeak:\t 9999 kB\nVmHWM:\t   51200 kB\nVmRSS:\t 40000 kB\n'), 51200 * 1024);
  });
  test('null when absent (kernel threads)', () => {
    assert.equal(parseProcStatusMaxRss('Name:\tkthreadd\n'), null);
  });
});

describe('readers', () => {
  test('this process read through procfs agrees with selfUsage to within the tick', async (t) => {
    if (process.platform !== 'linux') return t.skip('procfs is Linux only');
    const viaProc = await readProcessUsage(process.pid);
    const self = selfUsage();
    assert.ok(viaProc);
    assert.ok(viaProc.maxRssBytes !== null && viaProc.maxRssBytes > 0);
    assert.ok(self.maxRssBytes !== null && self.maxRssBytes > 0);
    // procfs counts in 10 ms ticks and was read first; allow 50 ms of slack.
    assert.ok(Math.abs(viaProc.userSec + viaProc.systemSec - (self.userSec + self.systemSec)) < 0.05);
  });

  test('null for a process that does not exist', async () => {
    assert.equal(await readProcessUsage(2 ** 22 + 12345), null);
  });

  test('cpuDelta subtracts', () => {
    assert.deepEqual(cpuDelta({ userSec: 1, systemSec: 0.5, maxRssBytes: null }, { userSec: 1.25, systemSec: 0.75, maxRssBytes: null }), {
      userSec: 0.25,
      systemSec: 0.25,
    });
  });
});

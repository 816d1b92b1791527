// CPU time of a process tree (nginx: master and its workers) from /proc/<pid>/stat, in seconds.

import { readdirSync } from 'node:fs';
import { readProcStat, type ProcStat } from '../../src/metrics/process-usage.js';

/** CPU seconds (user + system) of `pid` plus every live descendant. */
export function treeCpuSec(pid: number): number {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat !== null) all.push(stat);
  }
  const inTree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of all) {
      if (!inTree.has(stat.pid) && inTree.has(stat.ppid)) {
        inTree.add(stat.pid);
        grew = true;
      }
    }
  }
  return all.filter((stat) => inTree.has(stat.pid)).reduce((sum, stat) => sum + stat.userSec + stat.systemSec, 0);
}

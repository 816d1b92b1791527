// CPU time of a process (and its descendants) read from /proc/<pid>/stat, in seconds.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

/** USER_HZ: the unit of the time fields in /proc/<pid>/stat (100 on almost every Linux). */
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // getconf missing: the kernel's USER_HZ is 100 on every architecture Node supports.
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, seconds. */
  cpuSec: number;
  /** cutime + cstime: children it has waited for, seconds. */
  childrenCpuSec: number;
}

/** Parse one /proc/<pid>/stat line; comm may hold spaces and parentheses, so split after the last ')'. */
export function parseProcStat(line: string): ProcStat {
  const close = line.lastIndexOf(')');
  const pid = Number(line.slice(0, line.indexOf(' ')));
  // Fields after comm start at field 3 (state): utime is field 14, so index 11 here.
  const rest = line.slice(close + 2).trim().split(/\s+/).map(Number);
  const hz = clockTicks();
  return {
    pid,
    ppid: rest[1] ?? 0,
    cpuSec: ((rest[11] ?? 0) + (rest[12] ?? 0)) / hz,
    childrenCpuSec: ((rest[13] ?? 0) + (rest[14] ?? 0)) / hz,
  };
}

/** The process's stat, or null once it has gone. */
export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // ENOENT: the process exited between listing and reading; the caller treats it as gone.
    return null;
  }
}

/** CPU seconds of `pid` plus every live descendant (nginx: master and its worker). */
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
  return all.filter((stat) => inTree.has(stat.pid)).reduce((sum, stat) => sum + stat.cpuSec, 0);
}

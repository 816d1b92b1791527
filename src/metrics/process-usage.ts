// CPU seconds and peak RSS of a process: another PID from /proc/<pid>/stat and status, or this one from Node.

import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { round6 } from '../numbers.js';

export interface ProcessUsage {
  /** CPU seconds spent in user mode since the process started. */
  userSec: number;
  /** CPU seconds spent in the kernel on the process's behalf. */
  systemSec: number;
  /** Peak resident set size in bytes (VmHWM / ru_maxrss); null when unknown. */
  maxRssBytes: number | null;
}

let ticksPerSecond: number | null = null;

/**
 * USER_HZ, the unit of the time fields in /proc/<pid>/stat (proc(5)): sysconf(_SC_CLK_TCK), asked once of
 * `getconf CLK_TCK` since Node has no sysconf. 100 where getconf is missing: USER_HZ is 100 on every
 * architecture Node supports, but the kernel ABI does not promise it, so it is read rather than assumed.
 */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The fields of one /proc/<pid>/stat line h1bench uses; times in seconds (USER_HZ resolution, usually 10 ms). */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** Field 3: R running, S sleeping, T stopped, Z zombie, … */
  state: string;
  /** utime (field 14). */
  userSec: number;
  /** stime (field 15). */
  systemSec: number;
  /** cutime + cstime (fields 16, 17): children the process has waited for. */
  childrenSec: number;
}

/** Parse one /proc/<pid>/stat line (proc(5)); throws on text that is not one. */
export function parseProcStat(text: string): ProcStat {
  // Field 2 (comm) is in parentheses and may itself contain spaces or ')': split after the last one.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  const rest = text.slice(close + 2).trim().split(/\s+/).map(Number);
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const field = (n: number): number => rest[n - 3] ?? Number.NaN;
  const hz = clockTicksPerSecond();
  const stat = {
    pid: Number(text.slice(0, text.indexOf(' '))),
    ppid: field(4),
    state: text.slice(close + 2, close + 3),
    userSec: field(14) / hz,
    systemSec: field(15) / hz,
    childrenSec: (field(16) + field(17)) / hz,
  };
  if (!Number.isFinite(stat.userSec) || !Number.isFinite(stat.systemSec)) throw new Error('no utime/stime in /proc/<pid>/stat');
  return stat;
}

/** The process's stat, or null once it has gone (or on a system without procfs). */
export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // ENOENT: the process exited; the caller treats it as gone.
    return null;
  }
}

/**
 * True when `pid` no longer runs: no such process, or a zombie (its parent, maybe a container's init, has not reaped
 * it). A process of another user (EPERM) still runs.
 */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else; only ESRCH means it is gone.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  // Null: gone between the two calls.
  return (readProcStat(pid)?.state ?? 'Z') === 'Z';
}

/**
 * CPU of the calling thread (utime/stime of /proc/thread-self/stat, Linux ≥ 3.17), for a worker thread's own cost:
 * process.cpuUsage() counts every thread of the process. Null where procfs has no thread-self (not Linux).
 */
export function readThreadCpu(): { userSec: number; systemSec: number } | null {
  try {
    const stat = parseProcStat(readFileSync('/proc/thread-self/stat', 'utf8'));
    return { userSec: stat.userSec, systemSec: stat.systemSec };
  } catch {
    // No /proc/thread-self: the caller reports the thread's CPU as unknown.
    return null;
  }
}

/** VmHWM (peak RSS) from /proc/<pid>/status, in bytes; null when absent (kernel threads, zombies). */
export function parseProcStatusMaxRss(text: string): number | null {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

/** Usage of another process; null when it has exited or procfs is unavailable. */
export async function readProcessUsage(pid: number): Promise<ProcessUsage | null> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    const parsed = parseProcStat(stat);
    return { userSec: parsed.userSec, systemSec: parsed.systemSec, maxRssBytes: parseProcStatusMaxRss(status) };
  } catch {
    // The process is gone (or not Linux): the caller reports the figure as unknown.
    return null;
  }
}

/** Process ids whose parent is `pid`: /proc/<pid>/task/<pid>/children (CONFIG_PROC_CHILDREN), else a scan of /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim() === '' ? [] : text.trim().split(/\s+/).map(Number);
  } catch {
    // No children file (kernel without CONFIG_PROC_CHILDREN): find them by their parent field.
    const found: number[] = [];
    for (const entry of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readProcStat(Number(entry));
      if (stat !== null && stat.ppid === pid) found.push(stat.pid);
    }
    return found;
  }
}

/**
 * Usage of a process and its direct children summed (the processes of `bench serve --workers N`: a primary and its
 * workers). CPU adds up exactly; peak RSS is the sum of each process's own peak, an upper bound of the group's peak.
 * Null when `pid` itself has exited; a child that exits between the listing and its read is left out.
 */
export async function readProcessTreeUsage(pid: number): Promise<ProcessUsage | null> {
  const own = await readProcessUsage(pid);
  if (own === null) return null;
  const total = { ...own };
  for (const child of await childrenOf(pid)) {
    const usage = await readProcessUsage(child);
    if (usage === null) continue;
    total.userSec += usage.userSec;
    total.systemSec += usage.systemSec;
    total.maxRssBytes = total.maxRssBytes === null || usage.maxRssBytes === null ? total.maxRssBytes : total.maxRssBytes + usage.maxRssBytes;
  }
  return total;
}

/** This process: µs-resolution CPU from the kernel via process.cpuUsage, peak RSS from getrusage. */
export function selfUsage(): ProcessUsage {
  const cpu = process.cpuUsage();
  return {
    userSec: cpu.user / 1e6,
    systemSec: cpu.system / 1e6,
    // ru_maxrss is in kilobytes on Linux.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** CPU spent between two samples of the same process. */
export function cpuDelta(before: ProcessUsage, after: ProcessUsage): { userSec: number; systemSec: number } {
  return { userSec: round6(after.userSec - before.userSec), systemSec: round6(after.systemSec - before.systemSec) };
}

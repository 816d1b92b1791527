// CPU seconds and peak RSS of a process: another PID from /proc/<pid>/stat and status, or this one from Node.

import { readFile } from 'node:fs/promises';

export interface ProcessUsage {
  /** CPU seconds spent in user mode since the process started. */
  userSec: number;
  /** CPU seconds spent in the kernel on the process's behalf. */
  systemSec: number;
  /** Peak resident set size in bytes (VmHWM / ru_maxrss); null when unknown. */
  maxRssBytes: number | null;
}

/**
 * USER_HZ: the unit of utime/stime in /proc/<pid>/stat. It is part of the Linux ABI and 100 on
 * every architecture Node supports (sysconf(_SC_CLK_TCK)), so it is not read at run time.
 */
const USER_HZ = 100;

/** utime and stime (fields 14 and 15) of /proc/<pid>/stat, in seconds; 10 ms resolution. */
export function parseProcStat(text: string): { userSec: number; systemSec: number } {
  // Field 2 (comm) is in parentheses and may itself contain spaces or ')': split after the last one.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('no utime/stime in /proc/<pid>/stat');
  return { userSec: utime / USER_HZ, systemSec: stime / USER_HZ };
}

/** VmHWM (peak RSS) from /proc/<pid>/status, in bytes; null when absent (kernel threads, zombies). */
export function parseProcStatusMaxRss(text: string): number | null {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

/** Usage of another process; null when it has exited or procfs is unavailable. */
export async function readProcessUsage(pid: number): Promise<ProcessUsage | null> {
  try {
    const [stat, status] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
    ]);
    return { ...parseProcStat(stat), maxRssBytes: parseProcStatusMaxRss(status) };
  } catch {
    // The process is gone (or not Linux): the caller reports the figure as unknown.
    return null;
  }
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

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

// Kernel TCP counters: /proc/net/snmp (ActiveOpens, PassiveOpens, ...) and TIME_WAIT sockets from /proc/net/tcp{,6}.

import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import type { TimeWaitCount } from '../measurements.js';

/** The `Tcp:` row of /proc/net/snmp, by field name (RFC 4022 MIB names, e.g. ActiveOpens). */
export type TcpSnmp = Readonly<Record<string, number>>;

/**
 * The named fields of `protocol`'s rows in /proc/net/snmp or /proc/net/netstat text: each protocol has a header line
 * of names, then a line of values, both starting `Protocol:` (netstat repeats the pattern for TcpExt, IpExt…).
 * Empty when the text has no such rows.
 */
export function protocolRow(text: string, protocol: string): Readonly<Record<string, number>> {
  const [names, values] = text
    .split('\n')
    .filter((line) => line.startsWith(`${protocol}:`))
    .map((line) => line.trim().split(/\s+/).slice(1));
  const row: Record<string, number> = {};
  names?.forEach((name, index) => {
    row[name] = Number(values?.[index] ?? Number.NaN);
  });
  return Object.freeze(row);
}

/** The Tcp row of /proc/net/snmp; throws if the text has none (not Linux procfs). */
export function parseTcpSnmp(text: string): TcpSnmp {
  const row = protocolRow(text, 'Tcp');
  if (Object.keys(row).length === 0 || Object.values(row).some((value) => Number.isNaN(value))) {
    throw new Error('no Tcp: header/value pair in /proc/net/snmp text');
  }
  return row;
}

/** Counter delta after − before for one field (0 when either side lacks it). */
export function snmpDelta(before: TcpSnmp, after: TcpSnmp, field: string): number {
  const a = before[field];
  const b = after[field];
  return a === undefined || b === undefined ? 0 : b - a;
}

/** /proc/net/tcp state code for TIME_WAIT (include/net/tcp_states.h: TCP_TIME_WAIT = 6). */
const TCP_TIME_WAIT = '06';


/**
 * Count TIME_WAIT sockets in /proc/net/tcp or /proc/net/tcp6 text for one port. Rows look like
 * `0: 0100007F:1F90 0100007F:D2A4 06 ...`: addresses are hex IP:hex port, the 4th column the state.
 * Both sides of a loopback connection appear, so one host can show both kinds.
 */
export function countTimeWait(text: string, port: number, address: string | null = null): TimeWaitCount {
  const count = { serverSide: 0, clientSide: 0 };
  // With the target's address, an end is the server's only if address and port match: a client bound to another
  // local address (--source) can get the target's port number as its own ephemeral port.
  const target = address === null ? null : procAddressForms(address);
  const isTarget = (end: string): boolean => portOf(end) === port && (target === null || target.has(end.slice(0, end.lastIndexOf(':'))));
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== TCP_TIME_WAIT) continue;
    if (isTarget(fields[1]!)) count.serverSide++;
    else if (isTarget(fields[2]!)) count.clientSide++;
  }
  return count;
}

function portOf(address: string): number {
  const colon = address.lastIndexOf(':');
  return colon < 0 ? -1 : Number.parseInt(address.slice(colon + 1), 16);
}

/**
 * How /proc/net/tcp{,6} writes `address` (proc(5)): hex of each 32-bit word in host byte order, upper case. An IPv4
 * address also appears in tcp6 as IPv4-mapped (::ffff:a.b.c.d, a dual-stack listener's sockets), so both forms.
 */
export function procAddressForms(address: string): Set<string> {
  const word = (bytes: readonly number[]): string => {
    const ordered = os.endianness() === 'LE' ? [...bytes].reverse() : bytes;
    return ordered.map((byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase();
  };
  const words = (bytes: readonly number[]): string => [0, 4, 8, 12].map((at) => word(bytes.slice(at, at + 4))).join('');
  if (isIP(address) === 4) {
    const octets = address.split('.').map(Number);
    return new Set([word(octets), words([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...octets])]);
  }
  if (isIP(address) !== 6) return new Set();
  const [head, tail] = address.toLowerCase().split('::') as [string, string | undefined];
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((group) => [group >> 8, group & 0xff]);
  return new Set([words(bytes)]);
}

/** Current Tcp counters of this network namespace; null where /proc/net/snmp is unavailable (not Linux). */
export async function readTcpSnmp(path = '/proc/net/snmp'): Promise<TcpSnmp | null> {
  try {
    return parseTcpSnmp(await readFile(path, 'utf8'));
  } catch {
    // Not Linux, or procfs hidden: the report says the kernel view is unavailable (null).
    return null;
  }
}

/**
 * TIME_WAIT sockets for `port` over IPv4 and IPv6; null where procfs is unavailable. With the target's `address`
 * (an IP literal; null = any address) the split also checks the address (see countTimeWait).
 */
export async function readTimeWait(port: number, dir = '/proc/net', address: string | null = null): Promise<TimeWaitCount | null> {
  const total = { serverSide: 0, clientSide: 0 };
  let found = false;
  for (const name of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = await readFile(`${dir}/${name}`, 'utf8');
    } catch {
      // tcp6 is absent when IPv6 is disabled; only both missing means "unknown".
      continue;
    }
    found = true;
    const part = countTimeWait(text, port, address);
    total.serverSide += part.serverSide;
    total.clientSide += part.clientSide;
  }
  return found ? total : null;
}

/** The kernel's TCP keepalive probe schedule: net.ipv4.tcp_keepalive_intvl (s) and tcp_keepalive_probes; null off Linux. */
export async function readKeepAliveSysctls(dir = '/proc/sys/net/ipv4'): Promise<{ intervalSec: number; probes: number } | null> {
  try {
    const [intvl, probes] = await Promise.all([readFile(`${dir}/tcp_keepalive_intvl`, 'utf8'), readFile(`${dir}/tcp_keepalive_probes`, 'utf8')]);
    return { intervalSec: Number(intvl.trim()), probes: Number(probes.trim()) };
  } catch {
    // Not Linux: the report's note then omits the probe schedule.
    return null;
  }
}

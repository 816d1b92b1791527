// Kernel TCP counters: /proc/net/snmp (ActiveOpens, PassiveOpens, ...) and TIME_WAIT sockets from /proc/net/tcp{,6}.

import { readFile } from 'node:fs/promises';
import type { TimeWaitCount } from '../measurements.js';

/** The `Tcp:` row of /proc/net/snmp, by field name (RFC 4022 MIB names, e.g. ActiveOpens). */
export type TcpSnmp = Readonly<Record<string, number>>;

/**
 * Parse /proc/net/snmp: every protocol has a header line of names followed by a line of values,
 * both starting with `Tcp:`. Returns the Tcp row; throws if the text has none (not Linux procfs).
 */
export function parseTcpSnmp(text: string): TcpSnmp {
  const lines = text.split('\n').filter((line) => line.startsWith('Tcp:'));
  const names = lines[0]?.trim().split(/\s+/).slice(1);
  const values = lines[1]?.trim().split(/\s+/).slice(1);
  if (!names || !values || names.length !== values.length) {
    throw new Error('no Tcp: header/value pair in /proc/net/snmp text');
  }
  const row: Record<string, number> = {};
  names.forEach((name, index) => {
    row[name] = Number(values[index]);
  });
  return Object.freeze(row);
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
export function countTimeWait(text: string, port: number): TimeWaitCount {
  const count = { serverSide: 0, clientSide: 0 };
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== TCP_TIME_WAIT) continue;
    if (portOf(fields[1]!) === port) count.serverSide++;
    else if (portOf(fields[2]!) === port) count.clientSide++;
  }
  return count;
}

function portOf(address: string): number {
  const colon = address.lastIndexOf(':');
  return colon < 0 ? -1 : Number.parseInt(address.slice(colon + 1), 16);
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

/** TIME_WAIT sockets for `port` over IPv4 and IPv6; null where procfs is unavailable. */
export async function readTimeWait(port: number, dir = '/proc/net'): Promise<TimeWaitCount | null> {
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
    const part = countTimeWait(text, port);
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

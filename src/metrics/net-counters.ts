// TCP loss and timer counters of one network namespace (/proc/net/snmp Tcp and /proc/net/netstat TcpExt), readable for any namespace through /proc/<pid>/net.

import { readFile } from 'node:fs/promises';
import { protocolRow } from './kernel.js';

/** The counters the path section reports, as absolute values (take deltas across a phase). */
export interface TcpEventCounters {
  /** Tcp: RetransSegs (RFC 4022): segments retransmitted. */
  readonly retransSegs: number;
  /** TcpExt: TCPSynRetrans: SYN and SYN-ACK retransmits. */
  readonly synRetrans: number;
  /** TcpExt: DelayedACKs: ACKs sent by the delayed-ACK timer. */
  readonly delayedAcks: number;
  /** TcpExt: TCPTimeouts: retransmission timer expiries. */
  readonly timeouts: number;
}


/**
 * Read the counters of the namespace behind `netDir`: `/proc/net` (this process's namespace) or
 * `/proc/<pid>/net` (the namespace of process `pid`, whichever it is: procfs resolves it per process, so a
 * process outside a namespace can read one inside without entering it). Null when either file is unreadable
 * (not Linux, or the process is gone). A counter the kernel does not have reads 0.
 */
export async function readTcpEventCounters(netDir = '/proc/net'): Promise<TcpEventCounters | null> {
  let snmp: string;
  let netstat: string;
  try {
    [snmp, netstat] = await Promise.all([readFile(`${netDir}/snmp`, 'utf8'), readFile(`${netDir}/netstat`, 'utf8')]);
  } catch {
    // Not Linux, or the process whose namespace this was has exited: the view is unavailable, not zero.
    return null;
  }
  const tcp = protocolRow(snmp, 'Tcp');
  const ext = protocolRow(netstat, 'TcpExt');
  return {
    retransSegs: tcp.RetransSegs ?? 0,
    synRetrans: ext.TCPSynRetrans ?? 0,
    delayedAcks: ext.DelayedACKs ?? 0,
    timeouts: ext.TCPTimeouts ?? 0,
  };
}

/** after − before, field by field. */
export function tcpEventDelta(before: TcpEventCounters, after: TcpEventCounters): TcpEventCounters {
  return {
    retransSegs: after.retransSegs - before.retransSegs,
    synRetrans: after.synRetrans - before.synRetrans,
    delayedAcks: after.delayedAcks - before.delayedAcks,
    timeouts: after.timeouts - before.timeouts,
  };
}

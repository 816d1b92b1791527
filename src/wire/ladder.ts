// Pure text renderer: a ladder diagram per TCP connection (client and server columns) and a one-line summary.

import { flagNames } from './tcp.js';
import type { LadderPacket, TcpFlowSummary, WireConnection } from './tcp-flows.js';

export interface LadderOptions {
  /** Draw at most this many connections (the summary still counts all). Default: all. */
  readonly maxConnections?: number;
  /** Inner width of an arrow in characters (default 60; a connection with longer labels is drawn wider). */
  readonly width?: number;
}

const TIME_COLUMN = 11;

/** Ladder diagrams of every connection followed by the summary line. Ends with a newline. */
export function renderLadder(summary: TcpFlowSummary, options: LadderOptions = {}): string {
  const width = options.width ?? 60;
  const limit = options.maxConnections ?? summary.connections.length;
  const originUs = firstTimestamp(summary.connections);
  const lines: string[] = [];
  for (const conn of summary.connections.slice(0, limit)) {
    lines.push(...renderConnection(conn, originUs, width), '');
  }
  const hidden = summary.connections.length - limit;
  if (hidden > 0) lines.push(`... ${plural(hidden, 'more connection')} not drawn`, '');
  lines.push(summaryLine(summary));
  return `${lines.join('\n')}\n`;
}

/** "3 connections: 3 handshakes, 3 teardowns, server closed first, 6 data segments" (+ anomalies when present). */
export function summaryLine(summary: TcpFlowSummary): string {
  const { serverFirst, clientFirst, reset } = summary.teardowns;
  const teardowns = serverFirst + clientFirst + reset;
  const parts = [plural(summary.handshakes, 'handshake')];
  if (teardowns > 0 && serverFirst === teardowns) parts.push(plural(teardowns, 'teardown'), 'server closed first');
  else if (teardowns > 0 && clientFirst === teardowns) parts.push(plural(teardowns, 'teardown'), 'client closed first');
  else if (teardowns > 0 && reset === teardowns) parts.push(plural(teardowns, 'teardown'), 'all reset');
  else if (teardowns > 0) {
    const mix = [`server first ${serverFirst}`, `client first ${clientFirst}`, `reset ${reset}`].filter((text) => !text.endsWith(' 0'));
    parts.push(`${plural(teardowns, 'teardown')} (${mix.join(', ')})`);
  } else parts.push('0 teardowns');
  parts.push(plural(summary.dataSegments, 'data segment'));
  if (summary.retransmissions > 0) parts.push(plural(summary.retransmissions, 'retransmission'));
  if (summary.failedHandshakes > 0) parts.push(plural(summary.failedHandshakes, 'failed handshake'));
  if (summary.open > 0) parts.push(`${summary.open} still open`);
  if (summary.preexisting > 0) parts.push(`${summary.preexisting} already open before the capture (not counted)`);
  return `${plural(summary.connections.length, 'connection')}: ${parts.join(', ')}`;
}

function renderConnection(conn: WireConnection, originUs: number, minWidth: number): string[] {
  // One width per connection, wide enough for its longest label, so both columns stay straight.
  let width = minWidth;
  for (const packet of conn.packets) width = Math.max(width, packetLabel(packet).length + 7);
  const client = `${formatHost(conn.client.address)}:${conn.client.port}`;
  const server = `${formatHost(conn.server.address)}:${conn.server.port}`;
  const lines = [
    `connection ${conn.id}: client ${client} -> server ${server}${conn.sawSyn ? '' : ' (already open when the capture started)'}`,
    `${'time ms'.padStart(TIME_COLUMN - 2)}  ${'client'.padEnd(width + 1)}server`,
  ];
  for (const packet of conn.packets) lines.push(renderPacket(packet, originUs, width));
  lines.push(`  ${connectionVerdict(conn)}`);
  return lines;
}

function renderPacket(packet: LadderPacket, originUs: number, width: number): string {
  const time = packet.timestamped ? ((packet.tsUs - originUs) / 1000).toFixed(3) : '?';
  const label = packetLabel(packet);
  // "--label --...->" toward the server, "<-...-- label--" toward the client.
  const fill = width - label.length - 5;
  const arrow =
    packet.from === 'client' ? `--${label} ${'-'.repeat(fill)}->` : `<-${'-'.repeat(fill)} ${label}--`;
  const mark = packet.retransmission ? '  retransmission' : '';
  return `${time.padStart(TIME_COLUMN - 2)}  |${arrow}|${mark}`;
}

function packetLabel(packet: LadderPacket): string {
  let label = `${flagNames(packet.flags)} seq=${packet.relSeq}`;
  if (packet.relAck !== null) label += ` ack=${packet.relAck}`;
  if (packet.payloadLength > 0) label += ` len=${packet.payloadLength}`;
  if (packet.tls !== undefined) label += ` [${packet.tls.join(', ')}]`;
  return label;
}

function connectionVerdict(conn: WireConnection): string {
  const handshake = conn.handshake ? 'handshake complete' : conn.sawSyn ? 'handshake NOT complete' : 'handshake not captured';
  const ends: Record<WireConnection['end'], string> = {
    serverFirst: 'server closed first',
    clientFirst: 'client closed first',
    reset: `reset by ${conn.rst.client > 0 ? 'client' : 'server'}`,
    open: 'still open at the end of the capture',
    // RFC 9293 §3.10.7.1: a SYN to a port in state CLOSED is answered with an RST (ECONNREFUSED on the client).
    failed: conn.rst.server > 0 && !conn.handshake ? 'refused: the SYN was answered by an RST (nothing listens on that port)' : 'connection failed',
  };
  const data = conn.dataSegments.client + conn.dataSegments.server;
  let verdict = `${handshake}; ${ends[conn.end]}; ${plural(data, 'data segment')} (client ${conn.dataSegments.client}, server ${conn.dataSegments.server})`;
  if (conn.retransmissions > 0) verdict += `; ${plural(conn.retransmissions, 'retransmission')}`;
  return verdict;
}

function firstTimestamp(connections: readonly WireConnection[]): number {
  let first = Number.POSITIVE_INFINITY;
  for (const conn of connections) if (conn.firstUs < first) first = conn.firstUs;
  return Number.isFinite(first) ? first : 0;
}

/** [::1]:port, as in URLs, so the port is not read as part of the address. */
function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

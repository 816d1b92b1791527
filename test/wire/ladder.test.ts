// Ladder renderer checked against golden text: two connections (server-first close; retransmission and reset).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderLadder, summaryLine } from '../../src/wire/ladder.js';
import { TcpFlowTracker, type TcpFlowSummary } from '../../src/wire/tcp-flows.js';
import { decodeCapture } from '../../src/wire/decode.js';
import { ethernet, FLAGS, frames, http10Exchange, pcap, type SegmentSpec } from './builder.js';

function twoConnections(): TcpFlowSummary {
  const a = http10Exchange(40000, 1000, 5000);
  const b = http10Exchange(40001, 7, 9);
  const reset: [boolean, SegmentSpec] = [true, { sport: 40001, dport: 8080, seq: 7 + 39, ack: 9 + 101, flags: FLAGS.R | FLAGS.A }];
  // Connection 2: the response is sent twice (a retransmission), then the client resets.
  const specs = [...a, ...b.slice(0, 6), b[5]!, reset];
  const tracker = new TcpFlowTracker({ serverPort: 8080 });
  decodeCapture(pcap(frames(specs, (ip) => ethernet(ip)), 1), (segment) => tracker.add(segment));
  return tracker.finish();
}

const GOLDEN = [
  'connection 1: client 10.0.0.1:40000 -> server 10.0.0.2:8080',
  '  time ms  client                                           server',
  '    0.000  |--SYN seq=0 ----------------------------------->|',
  '    0.100  |<------------------------- SYN,ACK seq=0 ack=1--|',
  '    0.200  |--ACK seq=1 ack=1 ----------------------------->|',
  '    0.300  |--PSH,ACK seq=1 ack=1 len=38 ------------------>|',
  '    0.400  |<---------------------------- ACK seq=1 ack=39--|',
  '    0.500  |<---------------- PSH,ACK seq=1 ack=39 len=100--|',
  '    0.600  |<---------------------- FIN,ACK seq=101 ack=39--|',
  '    0.700  |--ACK seq=39 ack=102 -------------------------->|',
  '    0.800  |--FIN,ACK seq=39 ack=102 ---------------------->|',
  '    0.900  |<-------------------------- ACK seq=102 ack=40--|',
  '  handshake complete; server closed first; 2 data segments (client 1, server 1)',
  '',
  'connection 2: client 10.0.0.1:40001 -> server 10.0.0.2:8080',
  '  time ms  client                                           server',
  '    1.000  |--SYN seq=0 ----------------------------------->|',
  '    1.100  |<------------------------- SYN,ACK seq=0 ack=1--|',
  '    1.200  |--ACK seq=1 ack=1 ----------------------------->|',
  '    1.300  |--PSH,ACK seq=1 ack=1 len=38 ------------------>|',
  '    1.400  |<---------------------------- ACK seq=1 ack=39--|',
  '    1.500  |<---------------- PSH,ACK seq=1 ack=39 len=100--|',
  '    1.600  |<---------------- PSH,ACK seq=1 ack=39 len=100--|  retransmission',
  '    1.700  |--RST,ACK seq=39 ack=101 ---------------------->|',
  '  handshake complete; reset by client; 3 data segments (client 1, server 2); 1 retransmission',
  '',
  '2 connections: 2 handshakes, 2 teardowns (server first 1, reset 1), 5 data segments, 1 retransmission',
].join('\n') + '\n';

test('ladder of two connections matches the golden text', () => {
  assert.equal(renderLadder(twoConnections(), { width: 48 }), GOLDEN);
});

test('summary line of the issue example: all closed by the server', () => {
  const tracker = new TcpFlowTracker();
  const specs = [...http10Exchange(40000, 1, 2), ...http10Exchange(40001, 3, 4), ...http10Exchange(40002, 5, 6)];
  decodeCapture(pcap(frames(specs, (ip) => ip), 101), (segment) => tracker.add(segment));
  assert.equal(summaryLine(tracker.finish()), '3 connections: 3 handshakes, 3 teardowns, server closed first, 6 data segments');
});

test('maxConnections draws the first ones and says how many are hidden; long labels widen their arrow', () => {
  const text = renderLadder(twoConnections(), { maxConnections: 1, width: 20 });
  assert.match(text, /connection 1:/);
  assert.doesNotMatch(text, /connection 2:/);
  assert.match(text, /\.\.\. 1 more connection not drawn/);
  // The longest label (PSH,ACK seq=1 ack=39 len=100, 28 chars) sets the width: 28 + 7 = 35 between the bars.
  assert.match(text, /\|<--- PSH,ACK seq=1 ack=39 len=100--\|/);
  assert.match(text, /\|--SYN seq=0 -{22}>\|/);
  assert.match(text, /\|<-{12} SYN,ACK seq=0 ack=1--\|/);
  assert.match(text, /^2 connections: /m);
});

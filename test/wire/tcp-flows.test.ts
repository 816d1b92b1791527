// TCP connection reconstruction: handshakes, who closed first, resets, port reuse, retransmissions, relative numbers.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpFlowTracker, type FlowOptions, type TcpFlowSummary } from '../../src/wire/tcp-flows.js';
import type { TcpSegment } from '../../src/wire/tcp.js';
import { FLAGS, http10Exchange, type SegmentSpec } from './builder.js';

const { S, A, F, R, P } = FLAGS;

function track(specs: Array<[boolean, SegmentSpec]>, options: FlowOptions = {}): TcpFlowSummary {
  const tracker = new TcpFlowTracker(options);
  specs.forEach(([fromClient, spec], i) => {
    const segment: TcpSegment = {
      index: i + 1,
      tsUs: 1_000_000 + i * 100,
      timestamped: true,
      src: fromClient ? '10.0.0.1' : '10.0.0.2',
      dst: fromClient ? '10.0.0.2' : '10.0.0.1',
      srcPort: spec.sport,
      dstPort: spec.dport,
      seq: spec.seq >>> 0,
      ack: (spec.ack ?? 0) >>> 0,
      flags: spec.flags,
      window: spec.window ?? 512,
      payloadLength: spec.payload ?? 0,
    };
    tracker.add(segment);
  });
  return tracker.finish();
}

describe('TcpFlowTracker', () => {
  test('HTTP/1.0 exchange: one handshake, server closed first, two data segments, relative numbers', () => {
    const summary = track(http10Exchange(40000, 1000, 5000));
    assert.equal(summary.connections.length, 1);
    assert.equal(summary.handshakes, 1);
    assert.deepEqual(summary.teardowns, { serverFirst: 1, clientFirst: 0, reset: 0 });
    assert.equal(summary.dataSegments, 2);
    assert.equal(summary.retransmissions, 0);
    assert.deepEqual([summary.syn, summary.synAck, summary.fin, summary.rst], [1, 1, 2, 0]);
    const conn = summary.connections[0]!;
    assert.deepEqual(conn.client, { address: '10.0.0.1', port: 40000 });
    assert.deepEqual(conn.server, { address: '10.0.0.2', port: 8080 });
    assert.equal(conn.firstFin, 'server');
    assert.deepEqual(conn.payloadBytes, { client: 38, server: 100 });
    assert.deepEqual(
      conn.packets.map((p) => [p.from, p.relSeq, p.relAck, p.payloadLength]),
      [
        ['client', 0, null, 0],
        ['server', 0, 1, 0],
        ['client', 1, 1, 0],
        ['client', 1, 1, 38],
        ['server', 1, 39, 0],
        ['server', 1, 39, 100],
        ['server', 101, 39, 0],
        ['client', 39, 102, 0],
        ['client', 39, 102, 0],
        ['server', 102, 40, 0],
      ],
    );
  });

  test('sequence numbers that wrap past 2^32 stay relative and are not retransmissions', () => {
    const summary = track(http10Exchange(40000, 0xffff_fff0, 0xffff_ffff));
    assert.equal(summary.retransmissions, 0);
    assert.equal(summary.handshakes, 1);
    assert.deepEqual(summary.connections[0]!.packets.at(-1) && [summary.connections[0]!.packets.at(-1)!.relSeq, summary.connections[0]!.packets.at(-1)!.relAck], [102, 40]);
  });

  test('port reuse: a new SYN with a new ISN on the same 4-tuple is a new connection', () => {
    const summary = track([...http10Exchange(40000, 1000, 5000), ...http10Exchange(40000, 900_000, 77)]);
    assert.equal(summary.connections.length, 2);
    assert.equal(summary.handshakes, 2);
    assert.deepEqual(summary.teardowns, { serverFirst: 2, clientFirst: 0, reset: 0 });
    assert.deepEqual(summary.connections.map((c) => c.id), [1, 2]);
    assert.equal(summary.connections[1]!.packets[0]!.relSeq, 0);
  });

  test('several connections from different ports interleaved', () => {
    const a = http10Exchange(40000, 1, 2);
    const b = http10Exchange(40001, 3, 4);
    const mixed = a.flatMap((segment, i) => [segment, b[i]!]);
    const summary = track(mixed);
    assert.equal(summary.connections.length, 2);
    assert.equal(summary.handshakes, 2);
    assert.equal(summary.dataSegments, 4);
  });

  test('a retransmitted SYN is not a second connection; retransmitted data and FIN are counted', () => {
    const base = http10Exchange(40000, 1000, 5000);
    const specs = [base[0]!, base[0]!, ...base.slice(1, 6), base[5]!, ...base.slice(6, 9), base[8]!, base[9]!];
    const summary = track(specs);
    assert.equal(summary.connections.length, 1);
    assert.equal(summary.syn, 2);
    assert.equal(summary.handshakes, 1);
    assert.equal(summary.retransmissions, 3);
    const marks = summary.connections[0]!.packets.map((p) => p.retransmission);
    assert.deepEqual(marks, [false, true, false, false, false, false, false, true, false, false, false, true, false]);
    assert.equal(summary.dataSegments, 3, 'a retransmitted data segment is still a data segment on the wire');
  });

  test('TCP keep-alive probes (seq = next − 1, 0 or 1 byte) are not retransmissions', () => {
    const base = http10Exchange(40000, 1000, 5000).slice(0, 6);
    const probe: [boolean, SegmentSpec] = [true, { sport: 40000, dport: 8080, seq: 1000 + 38, ack: 5000 + 101, flags: A }];
    const summary = track([...base, probe, probe]);
    assert.equal(summary.retransmissions, 0);
    assert.equal(summary.open, 1);
  });

  test('keep-alive connection closed by the client', () => {
    const c = (seq: number, ack: number, flags: number, payload = 0): [boolean, SegmentSpec] => [true, { sport: 50000, dport: 80, seq: 10 + seq, ack: 20 + ack, flags, payload }];
    const s = (seq: number, ack: number, flags: number, payload = 0): [boolean, SegmentSpec] => [false, { sport: 80, dport: 50000, seq: 20 + seq, ack: 10 + ack, flags, payload }];
    const summary = track([
      [true, { sport: 50000, dport: 80, seq: 10, flags: S }],
      s(0, 1, S | A),
      c(1, 1, A),
      c(1, 1, P | A, 30),
      s(1, 31, P | A, 50),
      c(31, 51, P | A, 30),
      s(51, 61, P | A, 50),
      c(61, 101, F | A),
      s(101, 62, F | A),
      c(62, 102, A),
    ]);
    assert.deepEqual(summary.teardowns, { serverFirst: 0, clientFirst: 1, reset: 0 });
    assert.equal(summary.dataSegments, 4);
    assert.equal(summary.connections[0]!.firstFin, 'client');
  });

  test('an RST before any FIN is a reset; a refused SYN is a failed handshake, not a teardown', () => {
    const established = http10Exchange(40000, 1000, 5000).slice(0, 4);
    const rst: [boolean, SegmentSpec] = [false, { sport: 8080, dport: 40000, seq: 5001, ack: 1039, flags: R | A }];
    const refused: Array<[boolean, SegmentSpec]> = [
      [true, { sport: 40002, dport: 8080, seq: 1, flags: S }],
      [false, { sport: 8080, dport: 40002, seq: 0, ack: 2, flags: R | A }],
    ];
    const summary = track([...established, rst, ...refused]);
    assert.equal(summary.connections.length, 2);
    assert.equal(summary.handshakes, 1);
    assert.deepEqual(summary.teardowns, { serverFirst: 0, clientFirst: 0, reset: 1 });
    assert.equal(summary.failedHandshakes, 1);
    assert.equal(summary.rst, 2);
    assert.equal(summary.connections[1]!.end, 'failed');
  });

  test('a connection already open when the capture started: roles from the port filter, data starts at 1', () => {
    const midStream = http10Exchange(40000, 1000, 5000).slice(5);
    const summary = track(midStream, { serverPort: 8080 });
    const conn = summary.connections[0]!;
    assert.equal(conn.sawSyn, false);
    assert.equal(conn.handshake, false);
    assert.equal(summary.handshakes, 0);
    assert.deepEqual(conn.server, { address: '10.0.0.2', port: 8080 });
    assert.equal(conn.end, 'serverFirst');
    // Its close is drawn but not counted: the counts cover connections opened during the capture.
    assert.deepEqual(summary.teardowns, { serverFirst: 0, clientFirst: 0, reset: 0 });
    assert.equal(summary.preexisting, 1);
    assert.equal(conn.packets[0]!.relSeq, 1);
    assert.equal(conn.packets[0]!.relAck, 1);
  });

  test('with a port filter, a connection that merely starts from the server port number is not ours', () => {
    // Client port 8080 → server port 9999: every segment has port 8080 on one side.
    const foreign = http10Exchange(8080, 1, 2).map(([c, spec]): [boolean, SegmentSpec] => [c, c ? { ...spec, dport: 9999 } : { ...spec, sport: 9999 }]);
    assert.ok(foreign.every(([, spec]) => spec.sport === 8080 || spec.dport === 8080));
    const summary = track([...foreign, ...http10Exchange(40000, 1, 2)], { serverPort: 8080 });
    assert.equal(summary.ignored, 10);
    assert.equal(summary.connections.length, 1);
    assert.equal(summary.handshakes, 1);
  });

  test('without a port filter and without a SYN, the lower port is taken as the server', () => {
    const summary = track(http10Exchange(40000, 1000, 5000).slice(5));
    assert.equal(summary.connections[0]!.server.port, 8080);
  });

  test('the port filter ignores other connections; keepPackets: false keeps counts only', () => {
    const summary = track([...http10Exchange(40000, 1, 2), ...http10Exchange(40001, 3, 4).map(([c, s]): [boolean, SegmentSpec] => [c, { ...s, sport: s.sport === 8080 ? 9090 : s.sport, dport: s.dport === 8080 ? 9090 : s.dport }])], {
      serverPort: 9090,
      keepPackets: false,
    });
    assert.equal(summary.connections.length, 1);
    assert.equal(summary.ignored, 10);
    assert.equal(summary.segments, 10);
    assert.equal(summary.connections[0]!.server.port, 9090);
    assert.equal(summary.connections[0]!.packets.length, 0);
    assert.equal(summary.handshakes, 1);
  });
});

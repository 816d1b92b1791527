// Tests for the /proc/net/snmp and /proc/net/tcp{,6} parsers on fixture text, plus the live readers.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { countTimeWait, parseTcpSnmp, readTcpSnmp, readTimeWait, snmpDelta } from '../../src/metrics/kernel.js';

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 2 64 2867
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 53 2 0 0 7 2801 1852 0 0 84 0
Udp: InDatagrams NoPorts
Udp: 10 0
`;

// Port 8080 = 0x1F90; rows: server-side TIME_WAIT ×2 (local :1F90), client-side ×1 (remote :1F90),
// an ESTABLISHED (01) row on the port and a TIME_WAIT on another port, both ignored.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1679 1 0000000080655fcc 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D2A4 06 00000000:00000000 03:000016F9 00000000     0        0 0 3 00000000f1c5d6b7
   2: 0100007F:1F90 0100007F:D2A6 06 00000000:00000000 03:000016F9 00000000     0        0 0 3 00000000f1c5d6b7
   3: 0100007F:D2A8 0100007F:1F90 06 00000000:00000000 03:000016F9 00000000     0        0 0 3 00000000f1c5d6b7
   4: 0100007F:D2AA 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 99 1 00000000f1c5d6b7 20 4 30 10 -1
   5: 0100007F:1F91 0100007F:D2AC 06 00000000:00000000 03:000016F9 00000000     0        0 0 3 00000000f1c5d6b7
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:C350 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000
`;

describe('parseTcpSnmp', () => {
  test('reads the Tcp row by field name', () => {
    const tcp = parseTcpSnmp(SNMP);
    assert.equal(tcp.ActiveOpens, 53);
    assert.equal(tcp.PassiveOpens, 2);
    assert.equal(tcp.CurrEstab, 7);
    assert.equal(tcp.MaxConn, -1);
    assert.equal(tcp.InDatagrams, undefined, 'Udp fields are not mixed in');
  });

  test('throws on text without a Tcp pair', () => {
    assert.throws(() => parseTcpSnmp('Ip: a b\nIp: 1 2\n'));
  });

  test('snmpDelta subtracts one field and tolerates missing ones', () => {
    const before = parseTcpSnmp(SNMP);
    const after = parseTcpSnmp(SNMP.replace('-1 53 2', '-1 2053 2002'));
    assert.equal(snmpDelta(before, after, 'ActiveOpens'), 2000);
    assert.equal(snmpDelta(before, after, 'PassiveOpens'), 2000);
    assert.equal(snmpDelta(before, after, 'NoSuchField'), 0);
  });
});

describe('countTimeWait', () => {
  test('splits TIME_WAIT sockets of one port by side (IPv4)', () => {
    assert.deepEqual(countTimeWait(TCP, 8080), { serverSide: 2, clientSide: 1 });
    assert.deepEqual(countTimeWait(TCP, 8081), { serverSide: 1, clientSide: 0 });
    assert.deepEqual(countTimeWait(TCP, 9999), { serverSide: 0, clientSide: 0 });
  });

  test('parses IPv6 rows the same way', () => {
    assert.deepEqual(countTimeWait(TCP6, 8080), { serverSide: 1, clientSide: 0 });
    assert.deepEqual(countTimeWait(TCP6, 0xc350), { serverSide: 0, clientSide: 1 });
  });

  test('with the target address, a --source client whose own port is the target port stays on the client side', () => {
    // Target 127.0.0.1:8080. Row 1: a client bound to 127.0.0.2 that drew port 8080 as its ephemeral port.
    const rows = `  sl  local_address rem_address   st
   0: 0100007F:1F90 0200007F:D2A4 06 00000000:00000000 03:000016F9 00000000     0        0 0 3
   1: 0200007F:1F90 0100007F:1F90 06 00000000:00000000 03:000016F9 00000000     0        0 0 3
   2: 0300007F:D2A8 0100007F:1F90 06 00000000:00000000 03:000016F9 00000000     0        0 0 3
`;
    assert.deepEqual(countTimeWait(rows, 8080), { serverSide: 2, clientSide: 1 }, 'by port alone, row 1 looks like the server');
    assert.deepEqual(countTimeWait(rows, 8080, '127.0.0.1'), { serverSide: 1, clientSide: 2 });
    assert.deepEqual(countTimeWait(TCP6, 8080, '::1'), { serverSide: 1, clientSide: 0 });
    assert.deepEqual(countTimeWait(TCP6, 8080, '127.0.0.1'), { serverSide: 0, clientSide: 0 });
  });

  test('ignores a header-only or empty file', () => {
    assert.deepEqual(countTimeWait(TCP.split('\n')[0]!, 8080), { serverSide: 0, clientSide: 0 });
    assert.deepEqual(countTimeWait('', 8080), { serverSide: 0, clientSide: 0 });
  });
});

describe('live readers', () => {
  test('read this machine’s counters, or null off Linux', async (t) => {
    if (process.platform !== 'linux') return t.skip('procfs is Linux only');
    const snmp = await readTcpSnmp();
    assert.ok(snmp && typeof snmp.ActiveOpens === 'number');
    const tw = await readTimeWait(1);
    assert.ok(tw && tw.serverSide >= 0 && tw.clientSide >= 0);
  });

  test('return null when the files are missing', async () => {
    assert.equal(await readTcpSnmp('/nonexistent/snmp'), null);
    assert.equal(await readTimeWait(80, '/nonexistent'), null);
  });
});

// `bench trace`: live ladder of the embedded server and of a closed port (needs tcpdump and root), --pcap on a hand-built
// file, usage errors.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ethernet, frames, http10Exchange, PcapngWriter } from '../wire/builder.js';
import { captureSkipReason } from '../wire/privileges.js';
import { runCli } from './cli-helpers.js';
import { unusedPort } from '../helpers/ports.js';

const bench = (args: string[]) => runCli(args, { limitMs: 60_000, cwd: process.cwd() });

describe('bench trace', () => {
  let dir = '';
  let skip: string | null = null;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'h1b-trace-cli-'));
    skip = await captureSkipReason();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('live, HTTP/1.0 x3 against the embedded server: three ladders and the summary line', async (t) => {
    if (skip) return t.skip(skip);
    const keep = join(dir, 'live.pcap');
    const result = await bench(['trace', '--mode', '1.0', '-n', '3', '--write', keep]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^3 connections: 3 handshakes, 3 teardowns, server closed first, 6 data segments$/m);
    assert.equal(result.stdout.match(/^connection \d+: client 127\.0\.0\.1:\d+ -> server 127\.0\.0\.1:\d+$/gm)?.length, 3);
    assert.match(result.stdout, /\|--SYN seq=0 -+>\|/);
    assert.match(result.stdout, /\|<-+ SYN,ACK seq=0 ack=1--\|/);
    assert.ok(existsSync(keep), '--write keeps the capture');
  });

  test('live, HTTP/1.1 x2: one connection, closed by the client', async (t) => {
    if (skip) return t.skip(skip);
    const result = await bench(['trace', '--mode', '1.1', '-n', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^1 connection: 1 handshake, 1 teardown, client closed first, 4 data segments$/m);
  });

  test('live over TLS (the embedded server with --tls): the ladder names the TLS records, the encrypted ones as encrypted', async (t) => {
    if (skip) return t.skip(skip);
    const result = await bench(['trace', '--tls', '--mode', '1.0', '-n', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /over TLS to https:\/\/127\.0\.0\.1:\d+\//);
    assert.match(result.stdout, /^2 connections: 2 handshakes, 2 teardowns/m);
    assert.equal(result.stdout.match(/\[ClientHello\]/g)?.length, 2, 'one ClientHello per connection');
    assert.equal(result.stdout.match(/\[ServerHello, ChangeCipherSpec, Application Data \(encrypted\)/g)?.length, 2, 'TLS 1.3: all after ServerHello is encrypted');
    assert.doesNotMatch(result.stdout, /Certificate/, 'TLS 1.3 certificates travel encrypted');
  });

  test('live, a closed port: the SYN answered by an RST is drawn, then the refusal (exit 1)', async (t) => {
    if (skip) return t.skip(skip);
    const port = await unusedPort();
    const result = await bench(['trace', '--url', `http://127.0.0.1:${port}/`]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /\[H1B_CONNECT_REFUSED\]/);
    assert.match(result.stdout, new RegExp(`^connection 1: client 127\\.0\\.0\\.1:\\d+ -> server 127\\.0\\.0\\.1:${port}$`, 'm'));
    assert.match(result.stdout, /\|--SYN seq=0 -+>\|/);
    assert.match(result.stdout, /\|<-+ RST,ACK seq=1 ack=1--\|/);
    assert.match(result.stdout, /refused: the SYN was answered by an RST \(nothing listens on that port\)/);
    assert.match(result.stdout, /^1 connection: 0 handshakes, 0 teardowns, 0 data segments, 1 failed handshake$/m);
  });

  test('--pcap reads a Wireshark-style pcapng file; --port filters and --json gives the connections', async () => {
    const file = join(dir, 'two.pcapng');
    const writer = new PcapngWriter().section().iface({ linkType: 1, tsresol: 9 });
    const all = [...frames(http10Exchange(40000, 1, 2), (ip) => ethernet(ip)), ...frames(http10Exchange(40001, 3, 4), (ip) => ethernet(ip), 1_700_000_000_100_000)];
    for (const frame of all) writer.epb(0, BigInt(frame.tsUs) * 1000n, frame.data);
    writeFileSync(file, writer.bytes());

    const text = await bench(['trace', '--pcap', file, '--port', '8080', '--limit', '1']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^2 connections: 2 handshakes, 2 teardowns, server closed first, 4 data segments$/m);
    assert.match(text.stdout, /\.\.\. 1 more connection not drawn/);

    const json = await bench(['trace', '--pcap', file, '--json']);
    const parsed = JSON.parse(json.stdout) as { file: { format: string }; flows: { handshakes: number; connections: unknown[] } };
    assert.equal(parsed.file.format, 'pcapng');
    assert.equal(parsed.flows.handshakes, 2);
    assert.equal(parsed.flows.connections.length, 2);

    const otherPort = await bench(['trace', '--pcap', file, '--port', '9999']);
    assert.match(otherPort.stdout, /^0 connections/m);
    assert.match(otherPort.stderr, /no TCP connection/);
  });

  test('errors: not a capture (exit 2, H1B_PCAP_FORMAT), missing file, live-only options with --pcap', async () => {
    const junk = join(dir, 'junk.pcap');
    writeFileSync(junk, 'not a capture at all, just text');
    const format = await bench(['trace', '--pcap', junk]);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /H1B_PCAP_FORMAT/);

    const missing = await bench(['trace', '--pcap', join(dir, 'nope.pcap')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /H1B_INVALID_OPTION/);

    const mixed = await bench(['trace', '--pcap', junk, '--mode', '1.1']);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--mode does not apply to --pcap/);

    const scheme = await bench(['trace', '--url', 'ftp://127.0.0.1:21/']);
    assert.equal(scheme.code, 2);
    assert.match(scheme.stderr, /H1B_INVALID_URL/);
  });
});

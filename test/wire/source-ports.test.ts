// --source past the port limit: in a namespace with 200 ephemeral ports, HTTP/1.0 that the client closes first runs
// out of ports on one source address (EADDRNOTAVAIL) and completes on four, with TIME_WAIT counted on the client side.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../src/report/schema.js';
import { readReport } from '../../src/report/store.js';
import { CLI, tempDir } from '../cli/cli-helpers.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { completion, createHosts, firstLine, type Hosts } from './netns-hosts.js';
import { netnsSkipReason, toolSkipReason } from './privileges.js';

/** 200 ports (the namespace's own net.ipv4.ip_local_port_range): one source address holds ~200 TIME_WAIT sockets. */
const PORT_RANGE = '40000 40199';
const REQUESTS = 600;

/**
 * A server that lets the client close first: each HTTP/1.0 request gets a Content-Length answer that offers
 * `Connection: keep-alive`, so the client's 1.0 transport ends the connection itself (and holds its TIME_WAIT).
 */
const SERVER = `
const net = require('node:net');
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  let seen = '';
  socket.on('data', (chunk) => {
    seen += chunk;
    if (seen.includes('\\r\\n\\r\\n')) socket.write('HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\nConnection: keep-alive\\r\\n\\r\\nok');
  });
  socket.on('end', () => socket.end());
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port + '/'));
process.on('SIGTERM', () => process.exit(0));
`;

describe('--source in a namespace with a shrunken port range', { concurrency: false }, () => {
  let skip: string | null = null;
  let hosts: Hosts | null = null;
  let url = '';
  const dir = tempDir();
  before(async () => {
    skip = toolSkipReason('sysctl', 'procps') ?? (await netnsSkipReason());
    if (skip) return;
    hosts = await createHosts(0);
    const [file, ...args] = hosts.server.execArgv('sysctl', ['-q', '-w', `net.ipv4.ip_local_port_range=${PORT_RANGE}`]);
    execFileSync(file!, args, { timeout: 10_000 });
    url = await firstLine(hosts.spawnIn(hosts.server, process.execPath, ['-e', SERVER]));
  });
  after(async () => {
    await hosts?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, extra: string[]): Promise<RunReport> {
    const out = join(dir, `${name}.json`);
    const args = [CLI, 'run', '--mode', '1.0', '--url', url, '-c', '4', '-n', String(REQUESTS), '--warmup', '0', '--no-progress', '--out', out, ...extra];
    const result = await completion(hosts!.spawnIn(hosts!.server, process.execPath, args));
    assert.equal(result.code, 0, result.stderr);
    const report = readReport(out) as RunReport;
    assertMatchesPublishedSchema(report, name);
    return report;
  }

  test('one source address runs out of ports: EADDRNOTAVAIL counted, with the advice naming --source', async (t) => {
    if (skip) return t.skip(skip);
    const report = await run('one-source', []);
    // -n counts completed requests: a connect refused for want of a port gives its place back and is retried, so the
    // run may still reach -n, but only through EADDRNOTAVAIL failures on the way.
    assert.ok(report.requests.completed <= REQUESTS, `completed ${report.requests.completed}`);
    assert.ok((report.errors['H1B_ADDR_NOT_AVAIL'] ?? 0) > 0, JSON.stringify(report.errors));
    assert.match(report.errorSamples['H1B_ADDR_NOT_AVAIL']?.[0]?.reason ?? '', /EADDRNOTAVAIL|EADDRINUSE/);
    assert.equal(report.connections.closedByClient, report.requests.completed, 'the client closed every connection first');
  });

  test('--source over four addresses: the same run completes, zero EADDRNOTAVAIL, TIME_WAIT on the client side', async (t) => {
    if (skip) return t.skip(skip);
    const report = await run('four-sources', ['--source', '127.0.0.2-127.0.0.5']);
    assert.equal(report.requests.completed, REQUESTS);
    assert.deepEqual(report.errors, {});
    assert.deepEqual(report.config.source, ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
    assert.equal(report.connections.closedByClient, REQUESTS);
    // A private namespace: every TIME_WAIT socket of the target port is this run's (or the previous test's, which
    // used 127.0.0.1 and is counted too): the port split sees them on the client side whatever the source address.
    assert.ok(report.timeWait.clientSide >= REQUESTS, `client-side TIME_WAIT ${report.timeWait.clientSide}`);
    assert.equal(report.timeWait.serverSide, 0);
  });
});

// Transport level: pipelined responses are matched to their own requests, in order, across mixed framings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.js';
import { LoadRecorder } from '../../src/metrics/recorder.js';
import { ClientConnection, type ConnectionOwner } from '../../src/client/transports/connection.js';
import { dialPlain } from '../../src/client/transports/socket-events.js';
import { createTransport } from '../../src/client/transports/factory.js';
import { serializeRequest, repeatRequest } from '../../src/http/request-serializer.js';
import { startLiteralServer } from './literal-server.js';

const NOW_US = 10_000_000;

/** Records each response's status and the request it was matched to (recovered from the frozen clock). */
class SpyRecorder extends LoadRecorder {
  readonly seen: Array<{ status: number; requestSeq: number }> = [];
  override response(nowUs: number, status: number, latencyUs: number, uncorrectedUs: number): void {
    super.response(nowUs, status, latencyUs, uncorrectedUs);
    this.seen.push({ status, requestSeq: NOW_US - latencyUs });
  }
}

test('pipeline: every response is matched to its own request, in order', async () => {
  // The server numbers requests per connection and answers with status 200 + (n % 100), alternating framings.
  const server = await startLiteralServer(({ onConnection, socket }) => {
    const status = 200 + (onConnection % 100);
    const body = 'x'.repeat(onConnection % 7);
    const framing = onConnection % 3;
    if (status === 204) socket.write('HTTP/1.1 204 No Content\r\n\r\n'); // never a body, whatever the framing
    else if (framing === 0) socket.write(`HTTP/1.1 ${status} OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    else if (framing === 1) socket.write(`HTTP/1.1 ${status} OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`.replace('0\r\n\r\n0\r\n\r\n', '0\r\n\r\n'));
    else socket.write(`HTTP/1.1 ${status} OK\r\ncontent-length: ${body.length}\r\nX-Seq: ${onConnection}\r\n\r\n${body}`);
  });
  const total = 1000;
  const depth = 8;
  const transport = createTransport('pipeline', depth);
  const request = serializeRequest({ method: 'GET', url: server.url, httpVersion: '1.1', headers: [], body: null });
  const batch = repeatRequest(request, depth);
  const recorder = new SpyRecorder(false);
  recorder.begin(0);
  let next = 0;
  let finished = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const owner: ConnectionOwner = {
    dial: dialPlain,
    clock: new ManualClock(NOW_US),
    recorder,
    transport,
    host: '127.0.0.1',
    port: Number(server.url.port),
    timeoutMs: 0,
    requestSlices: Array.from({ length: depth + 1 }, (_, k) => batch.subarray(0, k * request.length)),
    stopping: false,
    inflight: 0,
    liveSockets: 0,
    resent: 0,
    abandoned: 0,
    retryUnanswered: true,
    ready(conn: ClientConnection) {
      // One request per write, each tagged with its sequence number as its start time.
      while (conn.inflight < depth && next < total) {
        transport.send(conn, 1, next, next);
        next++;
      }
    },
    finished(count: number) {
      finished += count;
      if (finished === total) resolveDone();
    },
    connected() {},
    connectFailed() {
      resolveDone();
    },
    socketGone() {},
  };
  const conn = new ClientConnection(owner, false);
  owner.ready(conn, NOW_US);
  await done;
  conn.endSocket();
  await server.close();
  assert.deepEqual(recorder.errors(), {});
  assert.equal(recorder.seen.length, total);
  assert.equal(recorder.failed, 0);
  recorder.seen.forEach(({ status, requestSeq }, i) => {
    assert.equal(requestSeq, i, `response ${i} matched to request ${requestSeq}`);
    assert.equal(status, 200 + (i % 100), `response ${i} carries the server's sequence number`);
  });
});

// Test helper run inside a path's namespaces: a raw HTTP/1.0-style server, and a client timing TCP connects or whole exchanges.
//
//   node tcp-timing.js server HOST                 prints {"port":N}; answers each request, then closes; ends when stdin closes
//   node tcp-timing.js client HOST PORT connect|exchange|bulk:BYTES COUNT CONCURRENCY TIMEOUT_MS
//        prints {"samplesUs":[...],"failed":N,"errors":[...]}: one sample per connection, µs
//        (bulk:BYTES asks GET /bulk/BYTES: a response body of BYTES zero bytes)

import { connect, createServer } from 'node:net';
import { monotonicClock } from '../../../src/clock.js';

const RESPONSE = Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!', 'latin1');
const REQUEST = Buffer.from('GET / HTTP/1.0\r\nHost: path\r\n\r\n', 'latin1');
const KEEP_ERRORS = 5;

const [mode, host, ...rest] = process.argv.slice(2);

function server(): void {
  const listener = createServer((socket) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      // HTTP/1.0 without keep-alive: answer the first complete head, then close (FIN right behind the response).
      if (!seen.includes('\r\n\r\n')) return;
      const bulk = /^GET \/bulk\/(\d+) /.exec(seen);
      if (!bulk) {
        socket.end(RESPONSE);
        return;
      }
      socket.write(`HTTP/1.0 200 OK\r\nContent-Length: ${bulk[1]}\r\n\r\n`);
      socket.end(Buffer.alloc(Number(bulk[1])));
    });
    // A connect-only client closes without a request; loss can reset a connection: neither matters here.
    socket.on('error', () => socket.destroy());
  });
  listener.listen(0, host, () => {
    const address = listener.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
  process.stdin.on('end', () => process.exit(0)).resume();
}

/** One connection: resolves its duration (µs) or an error message. Bounded by timeoutMs. */
function once(port: number, what: string, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const startUs = monotonicClock.nowUs();
    const socket = connect(port, host);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`timeout after ${timeoutMs} ms`);
    }, timeoutMs);
    const done = (result: number | string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    socket.on('error', (error) => done(error.message));
    const bulkBytes = what.startsWith('bulk:') ? Number(what.slice(5)) : 0;
    socket.once('connect', () => {
      if (what === 'connect') done(monotonicClock.nowUs() - startUs);
      else socket.write(bulkBytes > 0 ? `GET /bulk/${bulkBytes} HTTP/1.0\r\nHost: path\r\n\r\n` : REQUEST);
    });
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    // The exchange ends at the server's FIN (HTTP/1.0: the close delimits the response).
    const expected = bulkBytes > 0 ? bulkBytes : RESPONSE.length;
    socket.on('end', () => done(received >= expected ? monotonicClock.nowUs() - startUs : `short response: ${received} bytes`));
  });
}

async function client(): Promise<void> {
  const [portText, what, countText, concurrencyText, timeoutText] = rest;
  const port = Number(portText);
  const count = Number(countText);
  const concurrency = Number(concurrencyText);
  const timeoutMs = Number(timeoutText);
  const samplesUs: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      const result = await once(port, what ?? 'connect', timeoutMs);
      if (typeof result === 'number') samplesUs.push(result);
      else if (++failed <= KEEP_ERRORS) errors.push(result);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stdout.write(`${JSON.stringify({ samplesUs, failed, errors })}\n`);
}

if (mode === 'server') server();
else await client();

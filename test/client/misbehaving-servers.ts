// Small raw node:net servers that behave as servers in public bug reports of HTTP clients do: one per conformance case.

import { startLiteralServer, type RequestInfo } from './literal-server.js';

/** One request head as the server saw it. */
export type SeenRequest = RequestInfo;

export interface CaseServer {
  readonly url: URL;
  /** Connections accepted (TCP handshakes seen by the server). */
  readonly connections: number;
  /** Request heads received. */
  readonly requests: number;
  /** Connections whose FIN from the client arrived before the server ended its side. */
  readonly clientClosedFirst: number;
  /** Resolves once the server has accepted `count` connections (a client's handshake can complete before the accept). */
  accepted(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Start a server on 127.0.0.1:0 that calls `answer` for every request head it reads. */
export async function startCaseServer(answer: (req: SeenRequest) => void): Promise<CaseServer> {
  const server = await startLiteralServer(answer);
  return {
    url: server.url,
    get connections() {
      return server.accepted;
    },
    get requests() {
      return server.requests;
    },
    get clientClosedFirst() {
      return server.clientClosedFirst;
    },
    accepted: (count) => server.whenAccepted(count),
    close: () => server.close(),
  };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const OK_CLOSE = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';

/**
 * Write `text` one byte per write, a loop turn apart, so the client reads it in as many pieces as TCP allows; answers
 * to pipelined requests queue behind each other (one trickle per connection).
 */
function writeByteByByte(req: SeenRequest, text: string): void {
  const state = req.state;
  const idle = state.trickle === '';
  state.trickle += text;
  if (!idle) return;
  const next = (): void => {
    if (req.socket.destroyed || state.trickle === '') return;
    req.socket.write(state.trickle[0]!, 'latin1');
    state.trickle = state.trickle.slice(1);
    setImmediate(next);
  };
  next();
}

/** Answers to every request of a case; `lateFinMs` timers are unref'd so a test never waits on them. */
export const CASE_SERVERS = {
  /** F1: `Connection: close`, no length: the body runs until the FIN, 2 ms later; later requests are ignored. */
  closeDelimited: (req: SeenRequest): void => {
    if (req.state.done) return;
    req.state.done = true;
    req.socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nHello World!');
    setTimeout(() => req.socket.end(), 2).unref();
  },
  /** F1's other half: the same close with a Content-Length. */
  closeWithLength: (req: SeenRequest): void => {
    if (req.state.done) return;
    req.state.done = true;
    req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\nHello World!');
    setTimeout(() => req.socket.end(), 2).unref();
  },
  /** No length and never a close: nothing ever completes (timeouts). */
  noLengthNeverCloses: (req: SeenRequest): void => {
    req.socket.write('HTTP/1.1 200 OK\r\n\r\npartial body');
  },
  /** HEAD answered with the Content-Length a GET would have, and no body (RFC 9110 §9.3.2). */
  headWithLength: (req: SeenRequest): void => {
    req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
  },
  /** 204 and 304, with and without a Content-Length: never a body (RFC 9110 §6.4.1). */
  noContent: (req: SeenRequest): void => {
    const answers = [
      'HTTP/1.1 204 No Content\r\n\r\n',
      'HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 304 Not Modified\r\n\r\n',
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n',
    ];
    req.socket.write(answers[req.onConnection % answers.length]!);
  },
  /** 100 and 103 before the final answer (never to an HTTP/1.0 request: RFC 9110 §15.2). */
  interim: (req: SeenRequest): void => {
    const interim = req.http10 ? '' : 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n';
    req.socket.write(interim + (req.http10 ? 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok' : OK));
    if (req.http10 && !req.keepAlive) req.socket.end();
  },
  /** Chunked with extensions and a trailer, one byte per write (1.1 only: chunked is not HTTP/1.0). */
  chunkedByteByByte: (req: SeenRequest): void => {
    const body = '5;ext=1;q="a b"\r\nhello\r\n6;x\r\n world\r\n0;end=1\r\nX-Trailer: yes\r\n\r\n';
    writeByteByByte(req, `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Trailer\r\n\r\n${body}`);
  },
  /** `Connection: close` on the third response of each connection; requests after it are not processed. */
  closeAfter3: (req: SeenRequest): void => {
    if (req.state.done) return;
    if (req.onConnection === 2) {
      req.state.done = true;
      req.socket.end(OK_CLOSE);
    } else req.socket.write(OK);
  },
  /** Three keep-alive answers, then a FIN without any announcement. */
  silentFinAfter3: (req: SeenRequest): void => {
    if (req.state.done) return;
    req.socket.write(OK);
    if (req.onConnection === 2) {
      req.state.done = true;
      req.socket.end();
    }
  },
  /** Three answers, then an RST when the fourth request arrives (SO_LINGER 0). */
  resetAfter3: (req: SeenRequest): void => {
    if (req.state.done) return;
    if (req.onConnection < 3) req.socket.write(OK);
    else {
      req.state.done = true;
      req.socket.resetAndDestroy();
    }
  },
  /** F3: a complete `Connection: close` answer, the FIN only 3 s later. */
  lateFinAfterClose: (req: SeenRequest): void => {
    if (req.state.done) return;
    req.state.done = true;
    req.socket.write(OK_CLOSE);
    setTimeout(() => req.socket.end(), 3000).unref();
  },
  /** F3's HTTP/1.0 form: a 1.0 answer without keep-alive (so it closes), the FIN 3 s later. */
  lateFinAfter10: (req: SeenRequest): void => {
    if (req.state.done) return;
    req.state.done = true;
    req.socket.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    setTimeout(() => req.socket.end(), 3000).unref();
  },
  /**
   * `Keep-Alive: timeout=1`, and the idle timer fires just as the third request arrives: the server closes instead
   * of answering it (the request crossed the FIN on the wire), the race RFC 9112 §9.3.1 tells clients to expect.
   */
  idleCloseRace: (req: SeenRequest): void => {
    if (req.state.done) return;
    if (req.onConnection < 2) req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=1\r\n\r\nok');
    else {
      req.state.done = true;
      req.socket.end();
    }
  },
  /** An HTTP/1.0 answer (no keep-alive, so the server closes) to every request, HTTP/1.1 ones too. */
  http10Answer: (req: SeenRequest): void => {
    if (req.state.done) return;
    req.state.done = true;
    req.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
  },
  /** A 1.1 keep-alive answer (no Connection field) to every request, HTTP/1.0 ones too; never closes. */
  http11KeepAliveAnswer: (req: SeenRequest): void => {
    req.socket.write(OK);
  },
  /** A 1.0 server that honours `Connection: keep-alive` (echoing it) and closes otherwise. */
  http10KeepAliveEcho: (req: SeenRequest): void => {
    if (req.state.done) return;
    if (req.keepAlive) req.socket.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
    else {
      req.state.done = true;
      req.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
    }
  },
  /** Accepts, reads, never answers. */
  neverAnswers: (_req: SeenRequest): void => {},
  /** Answers with bytes that are not HTTP. */
  garbage: (req: SeenRequest): void => {
    req.socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n');
  },
} satisfies Record<string, (req: SeenRequest) => void>;

export type CaseServerName = keyof typeof CASE_SERVERS;

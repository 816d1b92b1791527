// HeartbeatFleet against literal-byte servers: 1.1 reuses one connection, 1.0 opens one per beat, silence → server down, FIN/RST/freeze on the wire.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { monotonicClock } from '../../src/clock.js';
import { HeartbeatFleet, type FleetPlan } from '../../src/client/heartbeat/fleet.js';

const OK_11 = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const OK_10 = 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok';

interface WireLog {
  accepted: number;
  requests: string[];
  ends: Array<'fin' | 'reset'>;
}

/**
 * Answers every request (or none when `answer` is false); records connections, request lines, and how each ended.
 * `finDelayMs`: a 1.0 answer's FIN follows it this much later (a server slow to close).
 */
async function literalServer(answer: boolean, finDelayMs = 0): Promise<{ port: number; log: WireLog; changes: EventEmitter; close: () => Promise<void> }> {
  const log: WireLog = { accepted: 0, requests: [], ends: [] };
  // 'change' after every update of the log, so tests wait on what the server saw instead of polling it.
  const changes = new EventEmitter();
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    log.accepted++;
    changes.emit('change');
    sockets.add(socket);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        log.requests.push(head.split('\r\n')[0] as string);
        changes.emit('change');
        if (!answer) continue;
        if (head.includes('HTTP/1.0')) {
          if (finDelayMs === 0) socket.end(OK_10);
          else {
            socket.write(OK_10);
            setTimeout(() => socket.end(), finDelayMs);
          }
        } else socket.write(OK_11);
      }
    });
    socket.on('end', () => {
      log.ends.push('fin');
      changes.emit('change');
      socket.end();
    });
    socket.on('error', () => {
      log.ends.push('reset');
      changes.emit('change');
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    log,
    changes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function plan(port: number, mode: '1.0' | '1.1', clients: number, victims: string[] = []): FleetPlan {
  return {
    url: `http://127.0.0.1:${port}/`,
    mode,
    intervalMs: 50,
    timeoutMs: 150,
    totalClients: clients,
    clients: Array.from({ length: clients }, (_, index) => ({ id: `c${index}`, index })),
    victims,
  };
}

/**
 * Resolve once `check()` holds, re-checked whenever the test server's log changes or the fleet reports a timeout or
 * a closed socket; fail after `limitMs` rather than hang.
 */
function until(check: () => boolean, server: { changes: EventEmitter }, fleet: HeartbeatFleet, limitMs = 3_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const recheck = (): void => {
      if (!check()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`condition not met within ${limitMs} ms: ${check.toString()}`));
    }, limitMs);
    function done(): void {
      clearTimeout(timer);
      server.changes.off('change', recheck);
      fleet.watch(null);
    }
    server.changes.on('change', recheck);
    fleet.watch(recheck);
  });
}

describe('HeartbeatFleet', () => {
  test('1.1: one keep-alive connection per client, every beat answered, beats carry id and interval', async () => {
    const srv = await literalServer(true);
    const fleet = new HeartbeatFleet(plan(srv.port, '1.1', 4), monotonicClock);
    try {
      await fleet.warmUp();
      fleet.start(monotonicClock.nowUs());
      await until(() => srv.log.requests.length >= 4 * 6, srv, fleet);
      const result = fleet.finish(null);
      assert.equal(srv.log.accepted, 4);
      assert.equal(result.preopened, 4);
      assert.equal(result.opened, 0);
      assert.ok(result.answered >= 4 * 4, `answered ${result.answered}`);
      assert.equal(result.timeouts, 0);
      assert.match(srv.log.requests[0] as string, /^GET \/heartbeat\?id=c\d&interval=50 HTTP\/1\.1$/);
    } finally {
      await srv.close();
    }
  });

  test('1.0: a new connection per beat, and the server closes first', async () => {
    const srv = await literalServer(true);
    const fleet = new HeartbeatFleet(plan(srv.port, '1.0', 2), monotonicClock);
    try {
      await fleet.warmUp();
      fleet.start(monotonicClock.nowUs());
      await until(() => srv.log.requests.length >= 2 * 5, srv, fleet);
      const result = fleet.finish(null);
      assert.equal(srv.log.accepted, srv.log.requests.length, 'one connection per request');
      assert.ok(result.opened >= result.answered && result.answered >= 6, `opened ${result.opened}, answered ${result.answered}`);
      assert.match(srv.log.requests[0] as string, / HTTP\/1\.0$/);
    } finally {
      await srv.close();
    }
  });

  test('no answer within the timeout: each client marks the server down, once per unanswered beat', async () => {
    const srv = await literalServer(false);
    const fleet = new HeartbeatFleet(plan(srv.port, '1.1', 3), monotonicClock);
    try {
      const startUs = monotonicClock.nowUs();
      fleet.start(startUs);
      await until(() => fleet.timeouts >= 3, srv, fleet);
      const result = fleet.finish(startUs);
      assert.equal(result.serverDownNoticedUs.length, 3);
      for (const n of result.serverDownNoticedUs) {
        assert.ok(n.atUs - startUs >= 150_000, 'never before the timeout');
      }
      assert.ok(result.timeouts >= 3);
      assert.equal(result.falseAlarms, 0, 'timeouts after the failure are detections, not false alarms');
      assert.equal(result.answered, 0);
    } finally {
      await srv.close();
    }
  });

  test('close sends FIN, reset sends RST, freeze sends nothing; victims go silent, the others keep beating', async () => {
    for (const [failure, expected] of [['close', ['fin']], ['reset', ['reset']], ['freeze', []]] as const) {
      const srv = await literalServer(true);
      const fleet = new HeartbeatFleet(plan(srv.port, '1.1', 3, ['c1']), monotonicClock);
      try {
        await fleet.warmUp();
        fleet.start(monotonicClock.nowUs());
        await until(() => srv.log.requests.length >= 6, srv, fleet);
        fleet.inject(failure);
        await until(() => srv.log.ends.length >= expected.length, srv, fleet);
        const victimBeats = srv.log.requests.filter((r) => r.includes('id=c1&')).length;
        const othersBefore = srv.log.requests.length - victimBeats;
        await until(() => srv.log.requests.length - victimBeats >= othersBefore + 4, srv, fleet);
        assert.deepEqual(srv.log.ends, expected, failure);
        assert.equal(srv.log.requests.filter((r) => r.includes('id=c1&')).length, victimBeats, `${failure}: the victim is silent`);
        fleet.finish(null);
      } finally {
        await srv.close();
      }
    }
  });

  test('one count per event: a timeout is one H1B_TIMEOUT, a victim\'s FIN and RST are its client close and reset', async () => {
    const silent = await literalServer(false);
    const fleet = new HeartbeatFleet(plan(silent.port, '1.1', 2), monotonicClock);
    try {
      fleet.start(monotonicClock.nowUs());
      await until(() => fleet.timeouts >= 4, silent, fleet);
      const result = fleet.finish(null);
      assert.equal(result.errors['H1B_TIMEOUT'], result.timeouts, 'the connection keeps no timer of its own');
      assert.equal(result.answered, 0);
    } finally {
      await silent.close();
    }
    for (const failure of ['close', 'reset'] as const) {
      const srv = await literalServer(true);
      const victims = new HeartbeatFleet(plan(srv.port, '1.1', 2, ['c0']), monotonicClock);
      try {
        await victims.warmUp();
        victims.start(monotonicClock.nowUs());
        await until(() => srv.log.requests.length >= 4, srv, victims);
        victims.inject(failure);
        await until(() => victims.recorder.closes.closedByClient + victims.recorder.closes.reset >= 1, srv, victims);
        const result = victims.finish(null);
        assert.equal(failure === 'close' ? result.closedByClient : result.reset, 1, failure);
        assert.equal(result.preopened, 2);
        assert.equal(result.timeouts, 0);
      } finally {
        await srv.close();
      }
    }
  });

  test('1.0, a server slow to close: a beat does not wait for its client\'s previous socket, which still closes server-first', async () => {
    const srv = await literalServer(true, 60);
    const fleet = new HeartbeatFleet(plan(srv.port, '1.0', 1), monotonicClock);
    try {
      await fleet.warmUp();
      fleet.start(monotonicClock.nowUs());
      await until(() => srv.log.requests.length >= 5, srv, fleet);
      const result = fleet.finish(null);
      // The answered socket waits for its FIN in the background (RFC 9112 §9.6): the next beat opens its own at once.
      // A beat every 50 ms, each FIN 60 ms late: the beat's socket and at most two earlier ones still closing.
      assert.ok(result.maxOpen <= 3, `maxOpen ${result.maxOpen}`);
      assert.equal(srv.log.accepted, srv.log.requests.length, 'still one connection per beat');
      assert.equal(result.timeouts, 0, 'nothing waits for the 60 ms close');
      assert.ok(result.answered >= 3, `answered ${result.answered}`);
      assert.ok(result.closedByServer >= result.answered - 1, `closed by server ${result.closedByServer}`);
      assert.equal(result.serverCloseLate, 0, 'a 60 ms late FIN is within the wait');
    } finally {
      await srv.close();
    }
  });
});

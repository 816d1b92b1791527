// Pipelining transport: persistent connections with up to N requests in flight, responses matched in order.

import type { Transport } from './connection.js';
import { sendPersistent } from './http11.js';

/**
 * RFC 9112 §9.3.2: responses come back in request order, so each completes the oldest request in the ring and its
 * latency runs from its own send time. Requests written after a response that said `close` were not processed by the
 * server; they are sent again on a new connection at once (their latency keeps the original start).
 */
export function createPipelineTransport(depth: number): Transport {
  return {
    mode: 'pipeline',
    httpVersion: '1.1',
    requestFields: [],
    depth,
    noDelay: true,
    send: sendPersistent,
    keeps: (keepAlive: boolean): boolean => keepAlive,
  };
}

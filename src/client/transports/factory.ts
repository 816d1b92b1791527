// The one place that branches on the HTTP mode: picks the transport for a run.

import type { ClientMode } from '../../types.js';
import type { Transport } from './connection.js';
import { http10KeepAliveTransport, http10Transport } from './http10.js';
import { http11Transport } from './http11.js';
import { createPipelineTransport } from './pipeline.js';

/** `keepAlive`: HTTP/1.0 requests ask for `Connection: keep-alive` (`--mode 1.0 --keep-alive`); ignored otherwise. */
export function createTransport(mode: ClientMode, pipelining: number, keepAlive = false): Transport {
  switch (mode) {
    case '1.0':
      return keepAlive ? http10KeepAliveTransport : http10Transport;
    case '1.1':
      return http11Transport;
    case 'pipeline':
      return createPipelineTransport(pipelining);
  }
}

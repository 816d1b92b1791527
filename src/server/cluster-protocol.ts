// The IPC messages between `bench serve --workers N`'s primary and its worker processes (node:cluster's channel).

import type { ServerStats } from '../measurements.js';
import type { ServerConfig } from '../types.js';

/** Every message carries `h1b` so nothing else on the cluster channel (Node's own internal messages) is mistaken for one. */
export type ToClusterWorker =
  /** Start serving with this config (sent once, when the worker says it is ready). */
  | { readonly h1b: 'config'; readonly config: ServerConfig }
  /**
   * The primary collects every worker's counters: answer with this worker's snapshot; with `quiescentMs` > 0, once
   * no connection other than the `/stats` long-polls held here is open, or after `quiescentMs` as things are then.
   */
  | { readonly h1b: 'snapshot'; readonly id: number; readonly quiescentMs: number }
  /** The summed counters this worker asked for (request `id`); null when the cluster could not collect them. */
  | { readonly h1b: 'stats'; readonly id: number; readonly stats: ServerStats | null }
  /** Stop accepting and close gracefully within `graceMs`, then exit 0. */
  | { readonly h1b: 'shutdown'; readonly graceMs: number };

export type FromClusterWorker =
  /**
   * The worker's module has loaded and listens for messages: only now may the primary send its config. An ES module
   * worker is evaluated asynchronously, so a message sent at fork time can be emitted before its listener exists.
   */
  | { readonly h1b: 'ready' }
  | { readonly h1b: 'listening'; readonly port: number }
  /** The server could not start (an H1Error's code and message); the worker exits after sending it. */
  | { readonly h1b: 'failed'; readonly code: string | null; readonly message: string }
  /** A client asked this worker for `/stats`: the primary asks every worker and answers with the sum. */
  | { readonly h1b: 'stats-request'; readonly id: number; readonly quiescentMs: number }
  | { readonly h1b: 'snapshot'; readonly id: number; readonly stats: ServerStats };

/** True for a message of this protocol (Node's own cluster messages have no `h1b`). */
export function isClusterMessage(message: unknown): message is { readonly h1b: string } {
  return typeof message === 'object' && message !== null && typeof (message as { h1b?: unknown }).h1b === 'string';
}

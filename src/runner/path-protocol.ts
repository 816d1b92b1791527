// The messages between h1bench (which owns an emulated path, its servers and the signals) and its generator child in the path's client namespace, over Node's IPC channel.

import type { LoadProgress } from '../client/engine.js';
import type { HeartbeatProgress } from '../client/heartbeat/run.js';
import { ERROR_CODES, H1Error, type ErrorCode } from '../errors.js';
import type { RunReport } from '../report/schema.js';
import type { EngineName, HeartbeatConfig, RunConfig, ServerMode } from '../types.js';
import type { CaptureStats } from '../wire/capture.js';
import type { ExchangeResult } from '../wire/exchange.js';
import type { RelayStats } from '../wire/path/index.js';
import type { PathContext } from './path-view.js';

/** The embedded server the owner started in the server namespace; the child only loads and observes it. */
export interface AttachedServer {
  readonly url: string;
  /** Its PID (same PID namespace): CPU from /proc/<pid>/stat, its namespace's sockets from /proc/<pid>/net. */
  readonly pid: number;
  readonly mode: ServerMode;
}

/** One measured run (warm-up, views, load, report) against `server`; the child builds and returns its report. */
export interface RunJob {
  readonly kind: 'run';
  readonly config: RunConfig;
  /** 1-based run number (capture file names, progress). */
  readonly run: number;
  readonly server: AttachedServer;
  readonly path: PathContext;
}

/** `bench trace`: a tiny exchange captured in the client namespace into `file`; the owner reads the file. */
export interface TraceJob {
  readonly kind: 'trace';
  readonly url: string;
  readonly mode: '1.0' | '1.1';
  readonly requests: number;
  readonly file: string;
  readonly timeoutMs: number;
}

/** `bench heartbeat`: the heartbeat clients (child processes of the child) against `server`; the child builds the report. */
export interface HeartbeatJob {
  readonly kind: 'heartbeat';
  readonly config: HeartbeatConfig;
  readonly server: AttachedServer;
  readonly path: PathContext;
}

export type Job = RunJob | TraceJob | HeartbeatJob;

/** An error as it crosses IPC (an Error object does not survive the structured clone with its class and code). */
export interface ErrorMessage {
  readonly code: ErrorCode | null;
  readonly message: string;
}

export const errorMessage = (error: unknown): ErrorMessage => ({
  code: error instanceof H1Error ? error.code : null,
  message: error instanceof Error ? error.message : String(error),
});

/** The error again, typed when it was one of ours. */
export function errorFrom(sent: ErrorMessage): Error {
  return sent.code !== null && sent.code in ERROR_CODES ? new H1Error(sent.code, sent.message) : new Error(sent.message);
}

export interface TraceOutcome {
  /** Null when the exchange failed; `failure` then says why (the capture still shows how). */
  readonly exchange: ExchangeResult | null;
  readonly failure: ErrorMessage | null;
  readonly capture: CaptureStats;
}

/** What each job kind resolves with. */
export interface JobResults {
  readonly run: RunReport;
  readonly trace: TraceOutcome;
  readonly heartbeat: RunReport;
}

/** Owner → child. */
export type ToGenerator =
  | { readonly type: 'job'; readonly id: number; readonly job: Job }
  /** Stop job `id` as Ctrl-C would: the load ends, its report is still built (interrupted). */
  | { readonly type: 'abort'; readonly id: number }
  /** The answer to `relay-stats?` number `ask`. */
  | { readonly type: 'relay-stats'; readonly ask: number; readonly stats: RelayStats | null; readonly error: string | null };

/** Child → owner. */
export type FromGenerator =
  | { readonly type: 'ready' }
  /** Job `id` started a load phase; `seq` numbers the phases so progress finds its phase. */
  | { readonly type: 'phase'; readonly id: number; readonly seq: number; readonly phase: 'warmup' | 'measure'; readonly run: number; readonly runs: number; readonly engine: EngineName }
  | { readonly type: 'progress'; readonly seq: number; readonly progress: LoadProgress }
  | { readonly type: 'first-response'; readonly seq: number; readonly value: boolean }
  | { readonly type: 'heartbeat-progress'; readonly id: number; readonly progress: HeartbeatProgress }
  /** The child needs the relay's counters now (the path view, before and after the measured load). */
  | { readonly type: 'relay-stats?'; readonly ask: number }
  | { readonly type: 'done'; readonly id: number; readonly result: JobResults[Job['kind']] }
  | { readonly type: 'failed'; readonly id: number; readonly error: ErrorMessage };

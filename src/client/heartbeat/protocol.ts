// IPC messages between the heartbeat coordinator and its client processes (plain JSON-serialisable data).

import type { ClientFailure } from './client.js';
import type { FleetResult } from '../../measurements.js';
import type { FleetPlan } from './fleet.js';

export type ParentMessage =
  | { type: 'plan'; plan: FleetPlan }
  | { type: 'start'; startUs: number }
  | { type: 'inject'; failure: ClientFailure }
  | { type: 'finish'; serverStoppedAtUs: number | null };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'injected'; atUs: number }
  | { type: 'result'; result: FleetResult };

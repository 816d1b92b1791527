// Emulated network paths, the entry point: validate a PathSpec, sweep what killed runs left, pick netem or the delay line, open the path.

import { H1Error } from '../../errors.js';
import { openDelayLine } from './delay-line.js';
import { netemSupport, openNetem } from './netem.js';
import { validatePathSpec, type PathImpl, type PathImplChoice, type PathSpec } from './spec.js';
import { sweepStalePaths } from './sweep.js';
import { missingPrerequisite } from './system.js';
import type { HelperPriority } from './helper-process.js';
import type { EmulatedPath } from './types.js';

export type { EmulatedPath, PathEnd, RelayStats, RttMeasurement } from './types.js';
export type { RelayCounters, UsSummary } from './relay-protocol.js';
export { validatePathSpec, oneWay, type OneWay, type PathImpl, type PathImplChoice, type PathSpec } from './spec.js';
export { sweepStalePaths } from './sweep.js';
export { netemSupport } from './netem.js';
export { CLIENT_ADDRESS, SERVER_ADDRESS } from './emulated-path.js';
export { HELPER_NICE, HELPER_RT_PRIORITY, type HelperPriority } from './helper-process.js';

/** Which implementation `choice` means on this machine, or why there is none. */
export type PathSupport = { readonly state: 'available'; readonly impl: PathImpl } | { readonly state: 'unavailable'; readonly reason: string };

/**
 * Resolve `choice` without building anything: `netem` needs root, ip, tc and sch_netem; `delay-line`
 * needs root, ip and socat; `auto` is netem where it works, else the delay line. For a CLI to say
 * early why --rtt cannot work here, and for tests to skip with that reason.
 */
export async function pathSupport(choice: PathImplChoice): Promise<PathSupport> {
  const delayLineMissing = missingPrerequisite(['ip', 'socat']);
  if (choice === 'delay-line') return delayLineMissing ? { state: 'unavailable', reason: delayLineMissing } : { state: 'available', impl: 'delay-line' };
  const netemMissing = await netemSupport();
  if (choice === 'netem') return netemMissing ? { state: 'unavailable', reason: netemMissing } : { state: 'available', impl: 'netem' };
  if (!netemMissing) return { state: 'available', impl: 'netem' };
  if (!delayLineMissing) return { state: 'available', impl: 'delay-line' };
  return { state: 'unavailable', reason: `netem: ${netemMissing}; delay line: ${delayLineMissing}` };
}

/**
 * Open an emulated path: the server end and the client end in two fresh namespaces, every packet
 * between them delayed rttMs / 2 each way (± jitter, lossPct dropped, paced at the bandwidth).
 * Stale paths of dead owners are swept first. Throws H1B_INVALID_OPTION for a bad spec,
 * H1B_PATH_UNAVAILABLE (exit 2) where it cannot be built here, H1B_PATH_FAILED when building fails.
 * The caller must close() it; process exit closes it as a last resort.
 */
export async function openPath(spec: PathSpec, options: OpenPathOptions = {}): Promise<EmulatedPath> {
  const valid = validatePathSpec(spec);
  const support = await pathSupport(valid.impl);
  if (support.state === 'unavailable') throw new H1Error('H1B_PATH_UNAVAILABLE', `cannot build a ${valid.impl} network path here: ${support.reason}`);
  await sweepStalePaths();
  const priority = options.priority ?? 'nice';
  return support.impl === 'netem' ? openNetem(valid, priority) : openDelayLine(valid, priority);
}

export interface OpenPathOptions {
  /**
   * Scheduling of the delay line's relay and socat bridges (see HelperPriority): 'nice' (default)
   * or 'realtime' (SCHED_FIFO; keeps the delay when the benchmark saturates the CPUs, at the cost of
   * everything else on the machine). The RTT probe runs the same way. netem itself runs in the
   * kernel, so there only the probe is affected.
   */
  readonly priority?: HelperPriority;
}

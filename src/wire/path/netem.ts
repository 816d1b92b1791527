// The kernel path: a veth pair between the two end namespaces, a netem qdisc on each end (delay rtt/2, jitter, loss, rate), where the kernel has sch_netem.

import { H1Error, isH1Error } from '../../errors.js';
import { PrivateNetns } from '../netns.js';
import { CLIENT_ADDRESS, CLIENT_DEVICE, OpenedPath, PATH_PREFIX_LENGTH, SERVER_ADDRESS, SERVER_DEVICE, pathEnd } from './emulated-path.js';
import type { HelperPriority } from './helper-process.js';
import { PathResources } from './resources.js';
import { oneWay, type OneWay, type PathSpec } from './spec.js';
import { namespaceLabel } from './sweep.js';
import { missingPrerequisite, run } from './system.js';
import type { EmulatedPath } from './types.js';

/**
 * `tc qdisc add … netem` arguments for one direction (tc-netem(8)): delay D [J] (uniform jitter,
 * as the delay line draws it), loss P%, rate R bit, limit N. netem reorders packets whose jittered
 * delays cross; the delay line does not (see DelayQueue).
 */
export function netemArgs(way: OneWay): string[] {
  const args = ['delay', `${way.delayUs}us`];
  if (way.jitterUs > 0) args.push(`${way.jitterUs}us`);
  if (way.lossFraction > 0) args.push('loss', `${way.lossFraction * 100}%`);
  if (way.rateBitsPerSec !== null) args.push('rate', `${way.rateBitsPerSec}bit`);
  args.push('limit', String(way.queueLimit));
  return args;
}

let support: Promise<string | null> | null = null;

/**
 * null when this kernel has sch_netem, else why not. Found by trying: a netem qdisc on the loopback
 * of a throwaway namespace, which is deleted again, so the host's interfaces are never touched
 * (/proc/modules and modinfo miss a built-in netem, and containers often have neither). Where netem
 * is a module, the try loads it, as any tc user would. Asked once per process.
 */
export function netemSupport(): Promise<string | null> {
  support ??= checkNetem();
  return support;
}

async function checkNetem(): Promise<string | null> {
  const missing = missingPrerequisite(['ip', 'tc']);
  if (missing) return missing;
  let netns: PrivateNetns;
  try {
    netns = await PrivateNetns.create(namespaceLabel('check'));
  } catch (error) {
    return `no network namespace for the netem check: ${isH1Error(error) ? error.message : String(error)}`;
  }
  try {
    await run('tc', ['-n', netns.name, 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']);
    return null;
  } catch (error) {
    // "Error: Specified qdisc kind is unknown." (no sch_netem) is the usual answer; any failure means no netem here.
    // Only tc's own words: the throwaway namespace's name would tell the reader nothing.
    const said = isH1Error(error) ? error.message.replace(/^.*? failed: /s, '') : String(error);
    return `the kernel has no usable netem qdisc (sch_netem); tc said: ${said}`;
  } finally {
    await netns.delete();
  }
}

/** Configure one end: address, no GSO super-packets, up, netem on its egress. */
async function configureEnd(end: PrivateNetns, device: string, address: string, way: OneWay): Promise<void> {
  await run('ip', ['-n', end.name, 'addr', 'add', `${address}/${PATH_PREFIX_LENGTH}`, 'dev', device]);
  // One segment per skb: otherwise TCP hands veth 64 KiB GSO packets and netem drops, delays and
  // paces each as one packet, so --loss would hit whole bursts.
  await run('ip', ['-n', end.name, 'link', 'set', 'dev', device, 'gso_max_segs', '1', 'addrgenmode', 'none', 'up']);
  await run('tc', ['-n', end.name, 'qdisc', 'add', 'dev', device, 'root', 'netem', ...netemArgs(way)]);
}

/**
 * Build the netem path for a validated spec; H1B_PATH_UNAVAILABLE where the kernel has no sch_netem.
 * Undone on failure. The kernel does the work; `priority` only schedules the RTT probe.
 */
export async function openNetem(spec: PathSpec, priority: HelperPriority): Promise<EmulatedPath> {
  const reason = await netemSupport();
  if (reason) throw new H1Error('H1B_PATH_UNAVAILABLE', `netem path: ${reason}`);
  const resources = new PathResources();
  try {
    const serverNs = await resources.namespace('srv');
    const clientNs = await resources.namespace('cli');
    // Created inside the server namespace with its peer inside the client's: the host never holds either end.
    await run('ip', ['-n', serverNs.name, 'link', 'add', SERVER_DEVICE, 'type', 'veth', 'peer', 'name', CLIENT_DEVICE, 'netns', clientNs.name]);
    const way = oneWay(spec);
    await configureEnd(serverNs, SERVER_DEVICE, SERVER_ADDRESS, way);
    await configureEnd(clientNs, CLIENT_DEVICE, CLIENT_ADDRESS, way);
    return new OpenedPath({
      impl: 'netem',
      spec,
      server: pathEnd(serverNs, SERVER_ADDRESS, SERVER_DEVICE),
      client: pathEnd(clientNs, CLIENT_ADDRESS, CLIENT_DEVICE),
      resources,
      relay: null,
      bridges: [],
      wire: null,
      priority,
    });
  } catch (error) {
    await resources.undo(error);
    throw error;
  }
}

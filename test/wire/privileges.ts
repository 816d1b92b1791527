// Test helper: why live captures or namespaces cannot run here (tool missing, not permitted), found by trying.

import { spawnSync } from 'node:child_process';
import { isH1Error } from '../../src/errors.js';
import { preflightCapture } from '../../src/wire/capture.js';
import { PrivateNetns } from '../../src/wire/netns.js';

/** null when `tool` runs here (`tool --version`); else the reason to print with t.skip(), naming the Debian package. */
export function toolSkipReason(tool: string, debianPackage: string): string | null {
  return spawnSync(tool, ['--version']).error ? `${tool} is not installed (apt-get install ${debianPackage})` : null;
}

/** null when tcpdump can capture on lo; else the reason to print with t.skip(). */
export async function captureSkipReason(): Promise<string | null> {
  const missing = toolSkipReason('tcpdump', 'tcpdump');
  if (missing !== null) return missing;
  try {
    await preflightCapture();
    return null;
  } catch (error) {
    // Root in a container without CAP_NET_RAW lands here too: uid alone does not tell.
    return `tcpdump cannot capture here: ${isH1Error(error) ? `${error.code} ${error.message}` : String(error)}`;
  }
}

/** null when a private network namespace can be made (and is removed again); else the reason. */
export async function netnsSkipReason(): Promise<string | null> {
  if (spawnSync('ip', ['-V']).error) return "'ip' (iproute2) is not installed";
  try {
    const netns = await PrivateNetns.create();
    await netns.delete();
    return null;
  } catch (error) {
    return `network namespaces are not available: ${isH1Error(error) ? `${error.code} ${error.message}` : String(error)}`;
  }
}

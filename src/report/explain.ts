// Why two counts that should agree do not: the explanations printed where the numbers appear (terminal and HTML),
// not only in the report's `sources` (pure; each returns null when there is nothing to explain).

import type { RunReport } from './schema.js';
import { count, counted } from './formats/units.js';

/** Linux keeps a socket in TIME_WAIT for TCP_TIMEWAIT_LEN = 60 s (include/net/tcp.h); not tunable per socket. */
export const TIME_WAIT_SECONDS = 60;

/** What TIME_WAIT figures mean, said once for every renderer. */
export const TIME_WAIT_NOTE =
  `TIME_WAIT is a snapshot at the end of the run: sockets of the target port still in that state, on the side that ` +
  `closed first (the server in HTTP/1.0). Linux keeps each for ${TIME_WAIT_SECONDS} s, so earlier runs and the warm-up ` +
  `within the last ${TIME_WAIT_SECONDS} s are included, and it reuses one at once when a new SYN for the same address ` +
  'pair arrives with a newer timestamp (RFC 6191), which loopback clients cycling through ephemeral ports do constantly.';

/**
 * The TIME_WAIT explanation for one run when its count differs visibly from the closes it should mirror (fewer
 * server-side TIME_WAIT sockets than server-first closes, or more than there were closes); else null.
 */
export function timeWaitExplanation(report: RunReport): string | null {
  const closes = report.connections.closedByServer;
  const left = report.timeWait.serverSide;
  // The engine could not tell who closed first (its notes say why): nothing to set the snapshot against.
  if (closes === null || (closes === 0 && left === 0)) return null;
  if (left < closes) {
    return (
      `${counted(left, 'server-side TIME_WAIT socket')} for ${counted(closes, 'server-first close')}: the rest were reused by new ` +
      `connections on the same address pair (RFC 6191) or expired (${TIME_WAIT_SECONDS} s).`
    );
  }
  if (left > closes) {
    return (
      `${counted(left, 'server-side TIME_WAIT socket')} for ${counted(closes, 'server-first close')} in this run: the count is a ` +
      `snapshot that includes the warm-up and earlier runs of the last ${TIME_WAIT_SECONDS} s.`
    );
  }
  return null;
}

/** Why the kernel's handshake count differs from the client's, when it does; else null. */
export function kernelCountExplanation(report: RunReport): string | null {
  const kernel = report.handshakes.kernel;
  const client = report.handshakes.client;
  if (!kernel || client === null || kernel.activeOpens === client) return null;
  if (kernel.scope === 'namespace') {
    return `kernel ActiveOpens ${count(kernel.activeOpens)} vs client ${count(client)}: connections opened in the namespace outside the measured load (probes) are counted too.`;
  }
  return (
    `kernel ActiveOpens ${count(kernel.activeOpens)} vs client ${count(client)}: the kernel counts every connect() in the host ` +
    "network namespace during the measured phase (other processes, h1bench's own server probe), so it differs from the " +
    "client's own count; bench run --netns (root) gives an exact kernel count."
  );
}

// Where a run connects: the target host resolved once (all addresses, resolver order), then probed in that order;
// the first address that accepts a TCP connection is the one every engine loads.

import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';
import { monotonicClock, type Clock } from '../clock.js';
import { H1Error } from '../errors.js';
import type { ResolvePin } from '../types.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** How the host became addresses: an IP literal, a `--resolve` pin, or the system resolver (getaddrinfo). */
export type ResolutionSource = 'literal' | 'pin' | 'dns';

export interface Resolution {
  /** The URL's host, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  /** Every address, in the order the resolver (or the pin) gave them, duplicates removed. */
  readonly addresses: readonly ResolvedAddress[];
  /** Time the lookup took, ms with µs resolution; 0 for a literal or a pin. */
  readonly lookupMs: number;
  readonly source: ResolutionSource;
}

/** The resolver, injectable in tests: every address of `host`, in the order the system gives them. */
export type LookupAll = (host: string) => Promise<ResolvedAddress[]>;

/** One probe connect and how it ended. */
export interface ProbeAttempt {
  readonly address: ResolvedAddress;
  /** null: it accepted; else the reason (`ECONNREFUSED`, `no answer within 2000 ms`). */
  readonly failure: string | null;
}

/** A resolved and probed target: the address that accepted, and all that were known. */
export interface Located {
  readonly resolution: Resolution;
  readonly chosen: ResolvedAddress;
  readonly attempts: readonly ProbeAttempt[];
}

/** Longest wait for one probe connect before the next address is tried (a black-holed address sends nothing back). */
export const PROBE_TIMEOUT_MS = 3_000;

/**
 * getaddrinfo(3) through node, all addresses, `verbatim`: in the resolver's own order (RFC 6724 sorting and
 * /etc/gai.conf apply), not reordered IPv4-first by node.
 */
export const systemLookup: LookupAll = async (host) => {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/** `127.0.0.1:80`, `[::1]:443`. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Resolve `url`'s host once: an IP literal as is, a `--resolve` pin for its host and port, else every address the
 * system resolver returns, in its order (wrk and curl resolve once too; a per-connection lookup would run
 * getaddrinfo on libuv's thread pool once per request in 1.0 mode).
 * @param port the URL's port, or its scheme's default.
 * @throws H1Error H1B_RESOLVE_FAILED when the lookup fails or returns nothing (the message carries its code).
 */
export async function resolveTarget(
  url: URL,
  port: number,
  pins: readonly ResolvePin[] = [],
  lookupAll: LookupAll = systemLookup,
  clock: Clock = monotonicClock,
): Promise<Resolution> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const pin = pins.find((candidate) => candidate.host === host.toLowerCase() && candidate.port === port);
  if (pin !== undefined) return { host, port, addresses: pin.addresses.map(toAddress), lookupMs: 0, source: 'pin' };
  if (isIP(host) !== 0) return { host, port, addresses: [toAddress(host)], lookupMs: 0, source: 'literal' };
  const startUs = clock.nowUs();
  let answers: ResolvedAddress[];
  try {
    answers = await lookupAll(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new H1Error('H1B_RESOLVE_FAILED', `cannot resolve ${host} (${code}); fix --url or pin an address with --resolve ${host}:${port}:ADDR`, { cause: error });
  }
  const lookupMs = Math.round(clock.nowUs() - startUs) / 1000;
  const seen = new Set<string>();
  const addresses = answers.filter((answer) => !seen.has(answer.address) && seen.add(answer.address));
  if (addresses.length === 0) throw new H1Error('H1B_RESOLVE_FAILED', `cannot resolve ${host}: the resolver returned no address`);
  return { host, port, addresses, lookupMs, source: 'dns' };
}

function toAddress(address: string): ResolvedAddress {
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

/**
 * One TCP connect to `address:port`, aborted at once with an RST (SO_LINGER 0) before any byte is sent: null when it
 * was accepted, else why not. An RST, not a FIN, because a FIN would leave a TIME_WAIT socket on the target's port
 * for 60 s, counted in the run's `timeWait`; an aborted connection leaves none on either side. It resolves once the
 * socket is closed, so the probe is over before any capture or measured phase starts.
 */
export function probeConnect(address: ResolvedAddress, port: number, timeoutMs: number = PROBE_TIMEOUT_MS): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: address.address, port, family: address.family });
    let accepted = false;
    let failure: string | null = null;
    const timer = setTimeout(() => {
      failure = `no answer within ${timeoutMs} ms`;
      socket.destroy();
    }, timeoutMs);
    socket.once('connect', () => {
      accepted = true;
      clearTimeout(timer);
      socket.resetAndDestroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!accepted) failure ??= error.code ?? error.message;
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(accepted ? null : (failure ?? 'closed before connecting'));
    });
  });
}

/**
 * Probe the addresses in resolver order and keep the first that accepts, so a `localhost` that resolves to ::1
 * first still reaches a server listening on 127.0.0.1 only (curl and browsers fall back the same way; RFC 8305
 * races them, a benchmark wants one fixed address). The probe is one TCP connect, closed before any byte is sent.
 * @throws H1Error H1B_CONNECT_REFUSED naming every address tried and why each failed.
 */
export async function probeTarget(resolution: Resolution, timeoutMs: number = PROBE_TIMEOUT_MS, onNone: 'throw' | 'first' = 'throw'): Promise<Located> {
  const attempts: ProbeAttempt[] = [];
  for (const address of resolution.addresses) {
    const failure = await probeConnect(address, resolution.port, timeoutMs);
    attempts.push({ address, failure });
    if (failure === null) return { resolution, chosen: address, attempts };
  }
  // `bench trace` wants to see the refusal itself: it loads the first address anyway.
  if (onNone === 'first') return { resolution, chosen: resolution.addresses[0]!, attempts };
  const tried = attempts.map((attempt) => `${formatEndpoint(attempt.address.address, resolution.port)} (${attempt.failure})`).join(', ');
  const name = resolution.source === 'literal' ? '' : ` (${resolution.host} → ${resolution.addresses.length} address${resolution.addresses.length === 1 ? '' : 'es'})`;
  throw new H1Error('H1B_CONNECT_REFUSED', `nothing accepts a connection at the target${name}: tried ${tried}`);
}

/**
 * Resolve once, then probe: what every measuring command does before its warm-up. `onNone`: throw when no address
 * accepts (the default), or take the first one anyway (`bench trace`, which draws the refused connection). `family`:
 * probe only addresses of that family (`--source`), when there are any.
 */
export async function locateTarget(
  url: URL,
  port: number,
  pins: readonly ResolvePin[] = [],
  lookupAll: LookupAll = systemLookup,
  onNone: 'throw' | 'first' = 'throw',
  family?: 4 | 6,
): Promise<Located> {
  const resolution = await resolveTarget(url, port, pins, lookupAll);
  const located = await probeTarget(preferFamily(resolution, family), PROBE_TIMEOUT_MS, onNone);
  // The report lists every resolved address, also those a --source family left out of the probe.
  return { ...located, resolution };
}

/**
 * Only the addresses of `family` (connections bound to --source addresses of that family cannot reach the others),
 * in resolver order; all of them when none is of that family (the engine then refuses the mismatch, naming both).
 */
export function preferFamily(resolution: Resolution, family: 4 | 6 | undefined): Resolution {
  if (family === undefined) return resolution;
  const addresses = resolution.addresses.filter((address) => address.family === family);
  return addresses.length === 0 ? resolution : { ...resolution, addresses };
}

// `--source ADDR[,ADDR…]` and `--source A-B`: the local addresses a run's connections bind to, expanded and checked once.

import { isIP } from 'node:net';
import os from 'node:os';
import { H1Error } from '../errors.js';
import { formatIpv6 } from '../wire/ip.js';

/**
 * Most addresses one `--source` may name. Each loopback address brings its own ephemeral port range (~28,000 ports
 * on Linux defaults), so 4096 addresses already cover ~115 million connections a minute; a longer list is a typo
 * (a range across a whole /8), not a plan.
 */
export const MAX_SOURCE_ADDRESSES = 4096;

const invalid = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);

/**
 * Parse `--source` values (repeatable; each a comma-separated list of IPv4/IPv6 literals or `FIRST-LAST` ranges)
 * into the distinct addresses in the order given, ranges expanded.
 *
 * Rules (each refused with H1B_INVALID_OPTION, exit 2, naming the value):
 * - literals only: a host name would be resolved per connect, and the point is to choose the address;
 * - a range `FIRST-LAST` has both ends of one family, FIRST ≤ LAST, and spans at most {@link MAX_SOURCE_ADDRESSES};
 * - one family for the whole list, and the target's when the target host is an IP literal (`targetHost`; a host
 *   name is checked by the engine once resolved): a socket cannot bind an IPv4 address and connect to IPv6;
 * - every address is loopback (`127.0.0.0/8`, `::1`) or an address of one of this machine's interfaces: bind(2)
 *   fails with EADDRNOTAVAIL for any other, which would be counted as an error per connection instead.
 *
 * @param values the option's raw values (a string or several)
 * @param targetHost the URL's host without brackets, or null for the embedded server (127.0.0.1)
 * @returns the addresses, frozen; at least one
 */
export function parseSourceAddresses(values: unknown, targetHost: string | null): readonly string[] {
  const items = (Array.isArray(values) ? values : [values]).flatMap((value) => String(value).split(','));
  const addresses: string[] = [];
  const seen = new Set<string>();
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') throw invalid('--source has an empty address; give e.g. --source 127.0.0.2,127.0.0.3 or --source 127.0.0.2-127.0.0.50');
    for (const address of expand(item)) {
      if (addresses.length >= MAX_SOURCE_ADDRESSES) {
        throw invalid(`--source names more than ${MAX_SOURCE_ADDRESSES} addresses; each adds a whole ephemeral port range, so a few dozen are plenty`);
      }
      if (seen.has(address)) continue;
      seen.add(address);
      addresses.push(address);
    }
  }
  const family = isIP(addresses[0]!);
  const mixed = addresses.find((address) => isIP(address) !== family);
  if (mixed !== undefined) throw invalid(`--source mixes IPv${family} and IPv${isIP(mixed)} addresses (${addresses[0]}, ${mixed}); use one family`);
  const target = targetHost ?? '127.0.0.1';
  if (isIP(target) !== 0 && isIP(target) !== family) {
    throw invalid(`--source addresses are IPv${family} but the target ${target} is IPv${isIP(target)}: a connection binds and connects in one family`);
  }
  const foreign = addresses.find((address) => !isLocal(address));
  if (foreign !== undefined) {
    throw invalid(
      `--source ${foreign} is not an address of this machine: use loopback addresses (all of 127.0.0.0/8 works on Linux without setup) ` +
        'or addresses of its interfaces (ip -brief address)',
    );
  }
  return Object.freeze(addresses);
}

/** One list item: a literal, or a FIRST-LAST range expanded in order. */
function expand(item: string): string[] {
  const dash = item.indexOf('-');
  if (dash < 0) return [literal(item)];
  const first = literal(item.slice(0, dash).trim());
  const last = literal(item.slice(dash + 1).trim());
  if (isIP(first) !== isIP(last)) throw invalid(`--source range ${item} mixes IPv4 and IPv6`);
  const from = toBigInt(first);
  const to = toBigInt(last);
  if (to < from) throw invalid(`--source range ${item} runs backwards; give the lower address first`);
  if (to - from + 1n > BigInt(MAX_SOURCE_ADDRESSES)) {
    throw invalid(`--source range ${item} spans ${to - from + 1n} addresses, more than ${MAX_SOURCE_ADDRESSES}`);
  }
  const v6 = isIP(first) === 6;
  const out: string[] = [];
  for (let value = from; value <= to; value++) out.push(v6 ? fromBigInt6(value) : fromBigInt4(value));
  return out;
}

/** An IP literal in canonical text (IPv6 per RFC 5952), or H1B_INVALID_OPTION. */
function literal(text: string): string {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 0) throw invalid(`--source '${text}' is not an IPv4 or IPv6 address (host names are not accepted: the point is to pick the address)`);
  return family === 4 ? bare : fromBigInt6(toBigInt(bare));
}

function toBigInt(address: string): bigint {
  if (isIP(address) === 4) return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
  return ipv6Groups(address).reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** The eight 16-bit groups of a valid IPv6 literal (`::` expanded, a trailing dotted IPv4 part as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

function fromBigInt4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

function fromBigInt6(value: bigint): string {
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(value & 255n);
    value >>= 8n;
  }
  return formatIpv6(bytes, 0);
}

/** Loopback, or an address one of this machine's interfaces holds. */
function isLocal(address: string): boolean {
  if (isIP(address) === 4 && address.startsWith('127.')) return true;
  if (address === '::1') return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((entry) => entry.address === address));
}

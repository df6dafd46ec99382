// IPv4 and IPv6 addresses as bigints, ipBlocks as address sets, and the cutting of the address
// space into the disjoint pieces that connlist prints as external peers.
import ipaddr from 'ipaddr.js';
import { type IntervalList, contains, normalize, subtract } from './intervals.ts';

export type Family = 'IPv4' | 'IPv6';
export const FAMILIES: readonly Family[] = ['IPv4', 'IPv6'];
const BITS: Record<Family, number> = { IPv4: 32, IPv6: 128 };

/** A set of addresses of both families, each as half-open bigint intervals. */
export interface IpSet {
  readonly IPv4: IntervalList<bigint>;
  readonly IPv6: IntervalList<bigint>;
}

/** A contiguous range of one family, bounds inclusive (as printed: `first-last`). */
export interface IpRange {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
}

export function familySize(family: Family): bigint {
  return 1n << BigInt(BITS[family]);
}

function familyOf(address: ipaddr.IPv4 | ipaddr.IPv6): Family {
  return address.kind() === 'ipv4' ? 'IPv4' : 'IPv6';
}

function toBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** Only the usual notations: ipaddr.js would also take legacy forms such as `10.1` or `0x0a.0.0.1`. */
function isStrictAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || (text.includes(':') && ipaddr.IPv6.isValid(text));
}

/** Parses one address; undefined when it is not a valid IPv4 or IPv6 address. */
export function parseAddress(text: string): { family: Family; value: bigint } | undefined {
  if (!isStrictAddress(text)) return undefined;
  const address = ipaddr.parse(text);
  return { family: familyOf(address), value: toBigInt(address) };
}

/** Parses a CIDR (host bits are masked off); undefined when invalid. */
export function parseCidr(text: string): IpRange | undefined {
  if (!ipaddr.isValidCIDR(text) || !isStrictAddress(text.slice(0, text.lastIndexOf('/')))) return undefined;
  const [address, prefix] = ipaddr.parseCIDR(text);
  const family = familyOf(address);
  const hostBits = BigInt(BITS[family] - prefix);
  const first = (toBigInt(address) >> hostBits) << hostBits;
  return { family, first, last: first + (1n << hostBits) - 1n };
}

export const EMPTY_IP_SET: IpSet = { IPv4: [], IPv6: [] };

export function ipSetOfRanges(ranges: readonly IpRange[]): IpSet {
  const of = (family: Family) =>
    normalize(ranges.filter((r) => r.family === family).map((r) => [r.first, r.last + 1n] as const));
  return { IPv4: of('IPv4'), IPv6: of('IPv6') };
}

export function ipSetMinus(a: IpSet, b: IpSet): IpSet {
  return { IPv4: subtract(a.IPv4, b.IPv4), IPv6: subtract(a.IPv6, b.IPv6) };
}

export function ipSetContains(set: IpSet, family: Family, value: bigint): boolean {
  return contains(set[family], value);
}

export function formatAddress(family: Family, value: bigint): string {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** `first-last`, also for a single address (`a.b.c.d-a.b.c.d`), as netpol-analyzer prints. */
export function formatRange(range: IpRange): string {
  return `${formatAddress(range.family, range.first)}-${formatAddress(range.family, range.last)}`;
}

/**
 * Cuts a family's whole address space at every boundary of the given sets: each piece is then
 * either wholly inside or wholly outside each set, so one address decides for the whole piece.
 */
export function cutAddressSpace(family: Family, sets: readonly IpSet[]): IpRange[] {
  const bounds = new Set<bigint>([0n, familySize(family)]);
  for (const set of sets) for (const [start, end] of set[family]) bounds.add(start).add(end);
  const sorted = [...bounds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.slice(1).map((end, i) => ({ family, first: sorted[i], last: end - 1n }));
}

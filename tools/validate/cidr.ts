// CIDR parsing as the API server's IsValidCIDRForLegacyField does it with strict validation
// (StrictIPCIDRValidation): the value must parse as netutils.ParseCIDRSloppy reads it (any number of digits
// per IPv4 octet and in the prefix length, no IPv6 zone), and then, as netip.ParsePrefix and Masked() check
// it: no leading zeros, no IPv4-mapped IPv6 address, no bits set beyond the prefix length. Non-canonical
// IPv6 text (`2001:DB8:0::/32`) is valid there: the server only warns about it (GetWarningsForCIDR).
import ipaddr from 'ipaddr.js';
import { apiText } from './messages.ts';

export interface Cidr {
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export type CidrParse = { cidr: Cidr; problems: string[] } | { cidr: undefined; problems: string[] };

const ipv4Syntax = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/;

/** Parses a CIDR; `cidr` is set when the value is usable at all, `problems` lists what the API rejects. */
export function parseCidr(value: string): CidrParse {
  const invalid = { cidr: undefined, problems: [apiText.cidrInvalid] };
  const slash = value.indexOf('/');
  if (slash < 0) return invalid;
  const ipText = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  if (!/^\d+$/.test(prefixText)) return invalid;
  let leadingZeros = prefixText.length > 1 && prefixText.startsWith('0');
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  const v4 = ipv4Syntax.exec(ipText);
  if (v4) {
    const octets = v4.slice(1);
    if (octets.some((o) => Number(o) > 255)) return invalid;
    if (octets.some((o) => o.length > 1 && o.startsWith('0'))) leadingZeros = true;
    address = ipaddr.IPv4.parse(octets.map(Number).join('.'));
  } else if (ipText.includes(':') && !ipText.includes('%') && ipaddr.IPv6.isValid(ipText)) {
    address = ipaddr.IPv6.parse(ipText);
  } else {
    return invalid;
  }
  const prefix = Number(prefixText);
  if (prefix > (address.kind() === 'ipv4' ? 32 : 128)) return invalid;
  const cidr: Cidr = { address, prefix, family: address.kind() };
  const problems: string[] = [];
  if (leadingZeros) problems.push(apiText.cidrLeadingZeros);
  else if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) problems.push(apiText.cidrIPv4Mapped);
  else if (!sameAddress(networkAddress(cidr), address)) problems.push(apiText.cidrHostBits);
  return { cidr, problems };
}

function networkAddress({ address, prefix }: Cidr): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray();
  const masked = bytes.map((byte, i) => {
    const bitsInByte = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & ((0xff << (8 - bitsInByte)) & 0xff);
  });
  return ipaddr.fromByteArray(masked);
}

function sameAddress(a: ipaddr.IPv4 | ipaddr.IPv6, b: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return a.kind() === b.kind() && a.toByteArray().every((byte, i) => byte === b.toByteArray()[i]);
}

/** True when `inner` lies inside `outer` and is strictly smaller (the API's rule for `except`). */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  return (networkAddress(inner) as ipaddr.IPv4).match(outer.address as ipaddr.IPv4, outer.prefix);
}

/** `0.0.0.0/0` and `::/0`, however they are written. */
export function isAnyAddress(value: string): 'ipv4' | 'ipv6' | undefined {
  const parsed = parseCidr(value);
  return parsed.cidr && parsed.cidr.prefix === 0 ? parsed.cidr.family : undefined;
}

// CIDR parsing with the API server's strict rules (StrictIPCIDRValidation): dotted-decimal IPv4
// without leading zeros, no IPv4-mapped IPv6, no zone, no bits set beyond the prefix length.
// The issue also asks for canonical text (as the API's IsValidCIDR does for newer fields): IPv6 in
// RFC 5952 form. An API server without StrictIPCIDRValidation accepts both, with a warning.
import ipaddr from 'ipaddr.js';
import { apiText } from './messages.ts';

export interface Cidr {
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export type CidrParse = { cidr: Cidr; problems: string[] } | { cidr: undefined; problems: string[] };

const ipv4Syntax = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a CIDR; `cidr` is set when the value is usable at all, `problems` lists what the API rejects. */
export function parseCidr(value: string): CidrParse {
  const invalid = { cidr: undefined, problems: [apiText.cidrInvalid] };
  const slash = value.indexOf('/');
  if (slash < 0) return invalid;
  const ipText = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return invalid;
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
  else if (value !== canonicalText(cidr)) problems.push(apiText.cidrCanonical(canonicalText(cidr)));
  return { cidr, problems };
}

function canonicalText({ address, prefix }: Cidr): string {
  const ip = address instanceof ipaddr.IPv6 ? address.toRFC5952String() : address.toString();
  return `${ip}/${prefix}`;
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

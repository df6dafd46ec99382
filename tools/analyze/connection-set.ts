// An exact set of allowed connections: per protocol, the allowed destination ports as merged
// intervals. Immutable; printed in netpol-analyzer's notation.
import { type IntervalList, equal, intersect, isSubset, normalize, subtract, union, contains } from './intervals.ts';

export type Protocol = 'SCTP' | 'TCP' | 'UDP';
/** Sorted by name, the order in which they print. */
export const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;
const ALL_PORTS: IntervalList<number> = [[MIN_PORT, MAX_PORT + 1]];

type PortsByProtocol = Readonly<Record<Protocol, IntervalList<number>>>;

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);
}

export class ConnectionSet {
  static readonly NONE = new ConnectionSet({ SCTP: [], TCP: [], UDP: [] });
  static readonly ALL = new ConnectionSet({ SCTP: ALL_PORTS, TCP: ALL_PORTS, UDP: ALL_PORTS });

  private constructor(private readonly ports: PortsByProtocol) {}

  /** Ports first..last (inclusive) of one protocol; all its ports when no range is given. */
  static of(protocol: Protocol, first?: number, last?: number): ConnectionSet {
    const start = first ?? MIN_PORT;
    const end = last ?? (first === undefined ? MAX_PORT : first);
    const ports = normalize<number>([[Math.max(start, MIN_PORT), Math.min(end, MAX_PORT) + 1]]);
    return new ConnectionSet({ ...ConnectionSet.NONE.ports, [protocol]: ports });
  }

  /** Builds a set from `{TCP: [[80, 80], [8080, 8090]]}` (inclusive ranges), the JSON form. */
  static fromJSON(json: Partial<Record<Protocol, readonly (readonly [number, number])[]>>): ConnectionSet {
    const of = (p: Protocol) => normalize<number>((json[p] ?? []).map(([a, b]) => [a, b + 1] as const));
    return new ConnectionSet({ SCTP: of('SCTP'), TCP: of('TCP'), UDP: of('UDP') });
  }

  private combine(other: ConnectionSet, op: typeof union<number>): ConnectionSet {
    return new ConnectionSet({
      SCTP: op(this.ports.SCTP, other.ports.SCTP),
      TCP: op(this.ports.TCP, other.ports.TCP),
      UDP: op(this.ports.UDP, other.ports.UDP),
    });
  }

  union(other: ConnectionSet): ConnectionSet {
    if (this.isAll() || other.isEmpty()) return this;
    if (other.isAll() || this.isEmpty()) return other;
    return this.combine(other, union);
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (this.isAll() || other.isEmpty()) return other;
    if (other.isAll() || this.isEmpty()) return this;
    return this.combine(other, intersect);
  }

  minus(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty()) return this;
    return this.combine(other, subtract);
  }

  isEmpty(): boolean {
    return this === ConnectionSet.NONE || PROTOCOLS.every((p) => this.ports[p].length === 0);
  }

  isAll(): boolean {
    return this === ConnectionSet.ALL || PROTOCOLS.every((p) => equal(this.ports[p], ALL_PORTS));
  }

  equals(other: ConnectionSet): boolean {
    return PROTOCOLS.every((p) => equal(this.ports[p], other.ports[p]));
  }

  isSubsetOf(other: ConnectionSet): boolean {
    return PROTOCOLS.every((p) => isSubset(this.ports[p], other.ports[p]));
  }

  allows(protocol: Protocol, port: number): boolean {
    return contains(this.ports[protocol], port);
  }

  /** Protocols with at least one allowed port, sorted. */
  protocols(): Protocol[] {
    return PROTOCOLS.filter((p) => this.ports[p].length > 0);
  }

  /** Inclusive port ranges of one protocol. */
  portRanges(protocol: Protocol): [number, number][] {
    return this.ports[protocol].map(([start, end]) => [start, end - 1]);
  }

  /** `All Connections`, `No Connections`, or e.g. `SCTP 7070,TCP 8080-8081,UDP 9090`. */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    return this.protocols()
      .map((p) => `${p} ${this.portRanges(p).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`)
      .join(',');
  }

  /** `{TCP: [[80, 80]]}`: inclusive ranges of each protocol with allowed ports. */
  toJSON(): Partial<Record<Protocol, [number, number][]>> {
    return Object.fromEntries(this.protocols().map((p) => [p, this.portRanges(p)]));
  }
}

// Every allowed connection between workloads and external address ranges, as netpol-analyzer's
// `list` shows them: pods merged into their workloads, the address space cut into the pieces that
// the policies' ipBlocks induce (sources from `from` blocks, destinations from `to` blocks).
import type { Cluster, Pod } from './cluster.ts';
import { ConnectionSet } from './connection-set.ts';
import { type AnalysisOptions, type Endpoint, classKey, evaluatorFor } from './engine.ts';
import { type Family, type IpRange, type IpSet, cutAddressSpace, formatRange } from './ip.ts';
import { messages } from './messages.ts';
import type { Rule } from './policy.ts';

export interface ConnlistPeer {
  /** `namespace/name[Kind]` or `first-last[External]`. */
  readonly name: string;
  readonly external: boolean;
  /** For a workload: its namespace. */
  readonly namespace?: string;
  /** For an external peer: its address range. */
  readonly range?: IpRange;
}

export interface Connection {
  readonly src: ConnlistPeer;
  readonly dst: ConnlistPeer;
  readonly connections: ConnectionSet;
}

export interface ConnlistOptions extends AnalysisOptions {
  /** Show the IPv6 address space even when no ipBlock is IPv6 (by default only then). */
  readonly includeIPv6?: boolean;
}

export interface ConnlistResult {
  readonly connections: Connection[];
  readonly warnings: string[];
}

interface Node {
  readonly peer: ConnlistPeer;
  /** One endpoint per class of pods in a workload, or the piece's first address. */
  readonly endpoints: readonly Endpoint[];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function blocksOf(rules: readonly Rule[]): IpSet[] {
  return rules.flatMap((r) => r.peers ?? []).flatMap((p) => (p.type === 'ipBlock' ? [p.addresses] : []));
}

function externalNodes(families: readonly Family[], blocks: readonly IpSet[]): Node[] {
  return families.flatMap((family) =>
    cutAddressSpace(family, blocks).map((range) => ({
      peer: { name: `${formatRange(range)}[External]`, external: true, range },
      endpoints: [{ addresses: [{ family, value: range.first }] }],
    })),
  );
}

/** All allowed connections, sorted by source then destination; none for a workload to itself. */
export function connlist(cluster: Cluster, options: ConnlistOptions = {}): ConnlistResult {
  const evaluator = evaluatorFor(cluster, options);
  const warnings: string[] = [];
  const podsByWorkload = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    const list = podsByWorkload.get(pod.workload) ?? [];
    if (list.length === 0) podsByWorkload.set(pod.workload, list);
    list.push(pod);
  }
  const workloads: Node[] = [...podsByWorkload].map(([name, pods]) => {
    const byClass = new Map<number, Endpoint>();
    for (const pod of pods) byClass.set(evaluator.podClass(pod), evaluator.podEndpoint(pod));
    if (new Set(pods.map((p) => classKey(p, false))).size > 1) warnings.push(messages.mixedWorkload(name));
    return { peer: { name, external: false, namespace: pods[0].namespace }, endpoints: [...byClass.values()] };
  });
  const ingressBlocks = blocksOf(cluster.policies.flatMap((p) => p.ingress));
  const egressBlocks = blocksOf(cluster.policies.flatMap((p) => p.egress));
  const hasIPv6 = options.includeIPv6 || [...ingressBlocks, ...egressBlocks].some((b) => b.IPv6.length > 0);
  const families: Family[] = hasIPv6 ? ['IPv4', 'IPv6'] : ['IPv4'];
  const sources = [...workloads, ...externalNodes(families, ingressBlocks)];
  const destinations = [...workloads, ...externalNodes(families, egressBlocks)];

  const connections: Connection[] = [];
  for (const src of sources) {
    for (const dst of destinations) {
      if (src === dst || (src.peer.external && dst.peer.external)) continue;
      let set = ConnectionSet.NONE;
      for (const from of src.endpoints) for (const to of dst.endpoints) set = set.union(evaluator.connections(from, to));
      if (!set.isEmpty()) connections.push({ src: src.peer, dst: dst.peer, connections: set });
    }
  }
  connections.sort((a, b) => compareStrings(a.src.name, b.src.name) || compareStrings(a.dst.name, b.dst.name));
  return { connections, warnings };
}

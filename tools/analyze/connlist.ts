// Every allowed connection between workloads, nodes and external address ranges, as netpol-analyzer's
// `list` shows them: pods merged into their workloads, the address space cut into the pieces that
// the policies' ipBlocks induce (sources from `from` blocks, destinations from `to` blocks).
import type { Cluster } from './cluster.ts';
import { ConnectionSet } from './connection-set.ts';
import { type Endpoint, type EndpointKind, classKey, evaluatorFor } from './engine.ts';
import { type Family, type IpRange, type IpSet, cutAddressSpace, formatRange } from './ip.ts';
import { messages } from './messages.ts';
import type { Rule } from './policy.ts';
import type { AnalysisOptions } from './reading.ts';

export interface ConnlistPeer {
  /** `namespace/name[Kind]`, `name[Node]` or `first-last[External]`. */
  readonly name: string;
  /** `pod`: a workload on the pod network; `host`: a node, or a workload on the host network. */
  readonly kind: EndpointKind;
  /** For a workload: its namespace (nodes and external ranges have none). */
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

interface Vertex {
  readonly peer: ConnlistPeer;
  /** One endpoint per class of pods in a workload, the node, or the piece's first address. */
  readonly endpoints: readonly Endpoint[];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function blocksOf(rules: readonly Rule[]): IpSet[] {
  return rules.flatMap((r) => r.peers ?? []).flatMap((p) => (p.type === 'ipBlock' ? [p.addresses] : []));
}

function externalVertices(families: readonly Family[], blocks: readonly IpSet[]): Vertex[] {
  return families.flatMap((family) =>
    cutAddressSpace(family, blocks).map((range): Vertex => ({
      peer: { name: `${formatRange(range)}[External]`, kind: 'external', range },
      endpoints: [{ kind: 'external', addresses: [{ family, value: range.first }] }],
    })),
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** All allowed connections, sorted by source then destination; none for a workload to itself. */
export function connlist(cluster: Cluster, options: ConnlistOptions = {}): ConnlistResult {
  const evaluator = evaluatorFor(cluster, options);
  const warnings: string[] = [];
  const workloads = [...groupBy(cluster.pods, (p) => p.workload)].map(([name, pods]): Vertex => {
    const byClass = new Map<number, Endpoint>();
    for (const pod of pods) byClass.set(evaluator.podClass(pod), evaluator.podEndpoint(pod));
    if (new Set(pods.map((p) => classKey(p, false))).size > 1) warnings.push(messages.mixedWorkload(name));
    // host-network pods and pod-network pods never share a class, so the classes tell
    const kind = [...byClass.values()].every((e) => e.kind === 'host') ? 'host' : 'pod';
    return { peer: { name, kind, namespace: pods[0].namespace }, endpoints: [...byClass.values()] };
  });
  const nodes = [...groupBy(cluster.nodes ?? [], (n) => n.display)].map(([name, same]): Vertex => ({
    peer: { name, kind: 'host' },
    endpoints: same.map((n) => evaluator.nodeEndpoint(n)),
  }));
  const ingressBlocks = blocksOf(cluster.policies.flatMap((p) => p.ingress));
  const egressBlocks = blocksOf(cluster.policies.flatMap((p) => p.egress));
  const hasIPv6 = options.includeIPv6 || [...ingressBlocks, ...egressBlocks].some((b) => b.IPv6.length > 0);
  const families: Family[] = hasIPv6 ? ['IPv4', 'IPv6'] : ['IPv4'];
  const sources = [...workloads, ...nodes, ...externalVertices(families, ingressBlocks)];
  const destinations = [...workloads, ...nodes, ...externalVertices(families, egressBlocks)];

  const connections: Connection[] = [];
  for (const src of sources) {
    for (const dst of destinations) {
      if (src === dst || (src.peer.kind === 'external' && dst.peer.kind === 'external')) continue;
      let set = ConnectionSet.NONE;
      for (const from of src.endpoints) for (const to of dst.endpoints) set = set.union(evaluator.connections(from, to));
      if (!set.isEmpty()) connections.push({ src: src.peer, dst: dst.peer, connections: set });
    }
  }
  connections.sort((a, b) => compareStrings(a.src.name, b.src.name) || compareStrings(a.dst.name, b.dst.name));
  return { connections, warnings };
}

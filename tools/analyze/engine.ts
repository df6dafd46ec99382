// The semantics of networking.k8s.io/v1 NetworkPolicy between two endpoints (pods, host endpoints
// or external addresses): a connection is allowed when the source's egress and the destination's
// ingress both allow it; a pod selected by no policy of a direction is open in that direction; within a
// direction the allowed set is the union over every rule of every policy selecting the pod. Host
// endpoints and external addresses are never selected: they are open in both directions.
//
// Pods with the same namespace, labels, container ports (and addresses, when they matter) behave
// alike, so selector matches and named-port resolutions are computed once per such class.
import type { Cluster, ClusterNode, Pod } from './cluster.ts';
import { ConnectionSet } from './connection-set.ts';
import { type Family, ipSetContains } from './ip.ts';
import type { Policy, Rule, RulePeer } from './policy.ts';
import { type AnalysisOptions, type Reading, readingOf } from './reading.ts';
import { selectorMatches } from './selectors.ts';

export type Direction = 'ingress' | 'egress';

/** A pod on the pod network; a host endpoint (a node, a host-network pod); an external address. */
export type EndpointKind = 'pod' | 'host' | 'external';

type EndpointAddresses = readonly { readonly family: Family; readonly value: bigint }[];

/**
 * One side of a connection, with its addresses (all of them: whether an ipBlock sees them is the
 * reading's question).
 */
export type Endpoint =
  | { readonly kind: 'pod'; readonly pod: Pod; readonly podClass: number; readonly addresses: EndpointAddresses }
  | { readonly kind: 'host'; /** Display name. */ readonly name: string; readonly addresses: EndpointAddresses }
  | { readonly kind: 'external'; readonly addresses: EndpointAddresses };

/** What one direction (the source's egress or the destination's ingress) allows. */
export interface DirectionVerdict {
  /** Ids (`namespace/name`) of the policies that select the pod in this direction; empty: open. */
  readonly selectedBy: readonly string[];
  readonly connections: ConnectionSet;
  /** Every rule whose peers match, with what it admits (filled only when asked for). */
  readonly rules: readonly { readonly policy: string; readonly index: number; readonly connections: ConnectionSet }[];
}

/** Pods with equal keys behave alike under every policy; host-network pods (read as hosts) differ only in addresses. */
export function classKey(pod: Pod, withAddresses: boolean, hostsApart = true): string {
  if (pod.hostNetwork && hostsApart) return JSON.stringify(['hostNetwork', withAddresses ? pod.ips.map((a) => a.text).sort() : []]);
  const labels = Object.entries(pod.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ports = pod.ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).sort();
  const ips = withAddresses ? pod.ips.map((a) => a.text).sort() : [];
  return JSON.stringify([pod.namespace, labels, ports, ips]);
}

export class Evaluator {
  readonly reading: Reading;
  /** Whether an ipBlock matches pods and host endpoints by their addresses (`calico`). */
  private readonly ipBlockSeesCluster: boolean;
  /** Whether host-network pods are host endpoints (the CNI readings) or pods like any other (`kubernetes`). */
  private readonly hostsApart: boolean;
  private readonly classOfPod = new Map<Pod, number>();
  private readonly classRepresentatives: Pod[] = [];
  private readonly selecting: { ingress: Policy[]; egress: Policy[] }[] = [];
  private readonly peerMatchCache = new Map<RulePeer, (boolean | undefined)[]>();
  private readonly namedPortCache = new Map<Rule, (ConnectionSet | undefined)[]>();

  constructor(
    readonly cluster: Cluster,
    options: AnalysisOptions = {},
  ) {
    this.reading = readingOf(options);
    this.ipBlockSeesCluster = this.reading === 'calico';
    this.hostsApart = this.reading !== 'kubernetes';
    const classIds = new Map<string, number>();
    for (const pod of cluster.pods) {
      const host = this.isHost(pod);
      const key = classKey(pod, this.ipBlockSeesCluster, this.hostsApart);
      let id = classIds.get(key);
      if (id === undefined) {
        id = this.classRepresentatives.length;
        classIds.set(key, id);
        this.classRepresentatives.push(pod);
        // No policy selects a host-network pod.
        this.selecting.push({
          ingress: host ? [] : cluster.policies.filter((p) => p.affectsIngress && this.policySelects(p, pod)),
          egress: host ? [] : cluster.policies.filter((p) => p.affectsEgress && this.policySelects(p, pod)),
        });
      }
      this.classOfPod.set(pod, id);
    }
  }

  /** A host-network pod is a host endpoint under the CNI readings. */
  private isHost(pod: Pod): boolean {
    return pod.hostNetwork === true && this.hostsApart;
  }

  private policySelects(policy: Policy, pod: Pod): boolean {
    return policy.namespace === pod.namespace && selectorMatches(policy.podSelector, pod.labels);
  }

  /** The endpoint of a pod of the cluster: a host endpoint for a host-network pod. */
  podEndpoint(pod: Pod): Endpoint {
    const podClass = this.podClass(pod);
    if (this.isHost(pod)) return { kind: 'host', name: pod.workload, addresses: pod.ips };
    return { kind: 'pod', pod, podClass, addresses: pod.ips };
  }

  /** The endpoint of a node: a host endpoint. */
  nodeEndpoint(node: ClusterNode): Endpoint {
    return { kind: 'host', name: node.display, addresses: node.ips };
  }

  /** Pods that behave alike (host-network pods among them) share a class; connlist evaluates one pod per class. */
  podClass(pod: Pod): number {
    const podClass = this.classOfPod.get(pod);
    if (podClass === undefined) throw new Error(`pod ${pod.namespace}/${pod.name} is not part of the analyzed cluster`);
    return podClass;
  }

  private podsPeerMatches(peer: Extract<RulePeer, { type: 'pods' }>, policy: Policy, pod: Pod): boolean {
    const namespace = this.cluster.namespaces.get(pod.namespace);
    const namespaceOk = peer.namespaceSelector
      ? namespace !== undefined && selectorMatches(peer.namespaceSelector, namespace.labels)
      : pod.namespace === policy.namespace;
    return namespaceOk && (!peer.podSelector || selectorMatches(peer.podSelector, pod.labels));
  }

  private peerMatches(peer: RulePeer, policy: Policy, endpoint: Endpoint): boolean {
    if (peer.type === 'invalid') return false;
    if (peer.type === 'ipBlock') {
      // Every reading matches external addresses; only `calico` pods and host endpoints.
      if (endpoint.kind !== 'external' && !this.ipBlockSeesCluster) return false;
      return endpoint.addresses.some((a) => ipSetContains(peer.addresses, a.family, a.value));
    }
    // Selectors match pods only.
    if (endpoint.kind !== 'pod') return false;
    let cache = this.peerMatchCache.get(peer);
    if (!cache) this.peerMatchCache.set(peer, (cache = []));
    return (cache[endpoint.podClass] ??= this.podsPeerMatches(peer, policy, endpoint.pod));
  }

  private ruleMatches(rule: Rule, policy: Policy, other: Endpoint): boolean {
    return rule.peers === undefined || rule.peers.some((peer) => this.peerMatches(peer, policy, other));
  }

  /**
   * The rule's ports toward `dst`: named ports resolve against a pod's container ports, same
   * protocol; toward a host endpoint or an address only the numeric ports count.
   */
  ruleConnections(rule: Rule, dst: Endpoint): ConnectionSet {
    if (rule.namedPorts.length === 0) return rule.numericPorts;
    if (dst.kind !== 'pod') return rule.numericPorts;
    let cache = this.namedPortCache.get(rule);
    if (!cache) this.namedPortCache.set(rule, (cache = []));
    return (cache[dst.podClass] ??= rule.namedPorts.reduce((set, named) => {
      const resolved = dst.pod.ports.filter((p) => p.name === named.name && p.protocol === named.protocol);
      return resolved.reduce((acc, p) => acc.union(ConnectionSet.of(p.protocol, p.port)), set);
    }, rule.numericPorts));
  }

  /**
   * What `direction` allows between `src` and `dst`: the source's egress policies, or the
   * destination's ingress policies. `withRules` also lists the rules that match.
   */
  verdict(direction: Direction, src: Endpoint, dst: Endpoint, withRules = false): DirectionVerdict {
    const [subject, other] = direction === 'egress' ? [src, dst] : [dst, src];
    // Host endpoints and external addresses are open: no policy selects them.
    if (subject.kind !== 'pod') return { selectedBy: [], connections: ConnectionSet.ALL, rules: [] };
    const policies = this.selecting[subject.podClass][direction];
    if (policies.length === 0) return { selectedBy: [], connections: ConnectionSet.ALL, rules: [] };
    let connections = ConnectionSet.NONE;
    const rules: DirectionVerdict['rules'][number][] = [];
    for (const policy of policies) {
      for (const rule of policy[direction]) {
        if (!this.ruleMatches(rule, policy, other)) continue;
        const admitted = this.ruleConnections(rule, dst);
        connections = connections.union(admitted);
        if (withRules) rules.push({ policy: policy.id, index: rule.index, connections: admitted });
      }
    }
    return { selectedBy: withRules ? policies.map((p) => p.id) : [], connections, rules };
  }

  /** The exact set of connections from `src` to `dst`. */
  connections(src: Endpoint, dst: Endpoint): ConnectionSet {
    const egress = this.verdict('egress', src, dst).connections;
    if (egress.isEmpty()) return egress;
    return egress.intersect(this.verdict('ingress', src, dst).connections);
  }
}

const evaluators = new WeakMap<Cluster, Map<Reading, Evaluator>>();

/** One evaluator per cluster and reading, so repeated queries reuse its caches. */
export function evaluatorFor(cluster: Cluster, options: AnalysisOptions = {}): Evaluator {
  let byReading = evaluators.get(cluster);
  if (!byReading) evaluators.set(cluster, (byReading = new Map()));
  const reading = readingOf(options);
  let evaluator = byReading.get(reading);
  if (!evaluator) byReading.set(reading, (evaluator = new Evaluator(cluster, { reading })));
  return evaluator;
}

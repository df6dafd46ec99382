// Questions about one pair of peers: which connections are allowed, and which policies and
// rules decide whether one port is.
import { UserError } from '../errors.ts';
import type { Cluster, ClusterNode, Pod } from './cluster.ts';
import type { ConnectionSet, Protocol } from './connection-set.ts';
import { type Endpoint, evaluatorFor } from './engine.ts';
import { parseAddress } from './ip.ts';
import { messages } from './messages.ts';
import type { AnalysisOptions } from './reading.ts';

/**
 * A pod of the cluster (a host endpoint when it is on the host network), a node, or an external
 * IPv4/IPv6 address as text. `resolvePeer` turns an IP of a node or host-network pod into that host.
 */
export type Peer = Pod | ClusterNode | string;

export interface DirectionExplanation {
  readonly allowed: boolean;
  /** Policies (`namespace/name`) selecting the pod in this direction; empty: unrestricted. */
  readonly selectedBy: string[];
  /** The rules (index into the policy's ingress or egress list) that admit this port. */
  readonly matchingRules: { policy: string; index: number }[];
}

export interface Explanation {
  readonly allowed: boolean;
  readonly egress: DirectionExplanation;
  readonly ingress: DirectionExplanation;
}

function endpointOf(cluster: Cluster, peer: Peer, options: AnalysisOptions): Endpoint {
  if (typeof peer !== 'string') {
    const evaluator = evaluatorFor(cluster, options);
    return 'workload' in peer ? evaluator.podEndpoint(peer) : evaluator.nodeEndpoint(peer);
  }
  const address = parseAddress(peer);
  if (!address) throw new UserError(messages.unknownPeer(peer));
  return { kind: 'external', addresses: [address] };
}

/** The exact set of connections the policies allow from `src` to `dst`. */
export function allowedConnections(cluster: Cluster, src: Peer, dst: Peer, options: AnalysisOptions = {}): ConnectionSet {
  return evaluatorFor(cluster, options).connections(endpointOf(cluster, src, options), endpointOf(cluster, dst, options));
}

/** Whether `protocol`/`port` is allowed from `src` to `dst`, and which policies and rules decide it. */
export function explain(
  cluster: Cluster,
  src: Peer,
  dst: Peer,
  port: number,
  protocol: Protocol = 'TCP',
  options: AnalysisOptions = {},
): Explanation {
  const evaluator = evaluatorFor(cluster, options);
  const [from, to] = [endpointOf(cluster, src, options), endpointOf(cluster, dst, options)];
  const side = (direction: 'egress' | 'ingress'): DirectionExplanation => {
    const verdict = evaluator.verdict(direction, from, to, true);
    return {
      allowed: verdict.connections.allows(protocol, port),
      selectedBy: [...verdict.selectedBy],
      matchingRules: verdict.rules.filter((r) => r.connections.allows(protocol, port)).map(({ policy, index }) => ({ policy, index })),
    };
  };
  const egress = side('egress');
  const ingress = side('ingress');
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/**
 * Finds a peer by text: `namespace/name` of a pod, a workload display name (`namespace/name[Kind]`,
 * the first of its pods), a node's name or display name (`name[Node]`), or an IP address: the node
 * that has it, else the host-network pod that has it, else the external address itself (a pod on the
 * pod network is never found by IP). Throws UserError when nothing matches.
 */
export function resolvePeer(cluster: Cluster, text: string): Peer {
  const address = parseAddress(text);
  if (address) {
    const has = (ips: Pod['ips']) => ips.some((a) => a.family === address.family && a.value === address.value);
    return cluster.nodes?.find((n) => has(n.ips)) ?? cluster.pods.find((p) => p.hostNetwork && has(p.ips)) ?? text;
  }
  const found =
    cluster.pods.find((p) => `${p.namespace}/${p.name}` === text) ??
    cluster.pods.find((p) => p.workload === text) ??
    cluster.nodes?.find((n) => n.name === text || n.display === text);
  if (!found) throw new UserError(messages.unknownPeer(text));
  return found;
}

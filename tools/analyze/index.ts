/**
 * NetworkPolicy analysis (networking.k8s.io/v1, as the Kubernetes documentation defines it) for
 * any set of manifests: not tied to the Telemetry model.
 *
 * ```ts
 * import { loadManifests, buildCluster, allowedConnections, explain, connlist, resolvePeer } from '../analyze/index.ts';
 *
 * const { objects, warnings } = loadManifests(['rendered/']);     // files and folders, YAML or JSON
 * const cluster = buildCluster(objects);                           // namespaces, pods, nodes, policies
 * const agent = resolvePeer(cluster, 'kyma-system/telemetry-log-agent');  // a pod, a node, or an IP as text
 * allowedConnections(cluster, agent, '10.1.2.3').toString();       // e.g. 'TCP 4317-4318'
 * explain(cluster, agent, '10.1.2.3', 4317, 'TCP');                // which policies and rules decide
 * connlist(cluster).connections;                                   // every allowed connection
 * connlist(cluster, { reading: 'calico' });                        // as Calico reads ipBlocks
 * ```
 *
 * Semantics in brief: a policy selects pods of its own namespace by `podSelector`; `policyTypes`
 * defaults to Ingress, plus Egress when egress rules exist. A pod selected by no policy of a
 * direction is open in that direction; otherwise that direction allows the union of the rules of
 * all its policies. A connection needs the source's egress and the destination's ingress. An
 * absent or empty `from`/`to` admits every peer of every kind, absent or empty `ports` every port.
 * Named ports resolve against the destination pod's container ports with the same protocol.
 *
 * Endpoints are of three kinds. Pods on the pod network. Host endpoints: `Node` objects (their
 * InternalIP and ExternalIP addresses, shown `name[Node]`) and pods or workloads with
 * `spec.hostNetwork: true` (the kubelet, node-local-dns, an apiserver-proxy); no policy selects them
 * (open in both directions) and no pod or namespace selector matches them. External addresses, open
 * in both directions too. An IP given as text is an external address; `resolvePeer` finds the node or
 * host-network pod an IP belongs to.
 *
 * An ipBlock is read as a CNI reads it, `{ reading }` (see reading.ts): `cilium` (the default, the
 * Kubernetes documentation's intent: "cluster-external IPs") matches external addresses only, never
 * a pod or a host endpoint; `calico` matches every address in it, pods (by status.podIP/podIPs) and
 * host endpoints included. Selectors and rules without peers read the same under both.
 */

// Reading manifests.
export { loadManifests, parseManifests, ANALYZED_KINDS, type Manifest, type ParsedManifests } from './manifests.ts';

// The cluster model.
export { buildCluster, type Cluster, type Namespace, type Pod, type ClusterNode, type ContainerPort, type Address } from './cluster.ts';
export type { Policy, Rule, RulePeer, NamedPort } from './policy.ts';
export type { Labels, Selector, Requirement } from './selectors.ts';

// Questions about pairs of peers.
export { READINGS, ALL_READINGS, DEFAULT_READING, type Reading, type AnalysisOptions } from './reading.ts';
export type { Endpoint, EndpointKind } from './engine.ts';
export { allowedConnections, explain, resolvePeer, type Peer, type Explanation, type DirectionExplanation } from './queries.ts';

// The whole connectivity.
export { connlist, type Connection, type ConnlistPeer, type ConnlistOptions, type ConnlistResult } from './connlist.ts';
export { FORMATS, FORMAT_NAMES, type FormatName } from './format/index.ts';

// Value types.
export { ConnectionSet, PROTOCOLS, type Protocol } from './connection-set.ts';
export { formatAddress, formatRange, parseCidr, parseAddress, type IpRange, type Family } from './ip.ts';

/**
 * NetworkPolicy analysis (networking.k8s.io/v1, as the Kubernetes documentation defines it) for
 * any set of manifests: not tied to the Telemetry model.
 *
 * ```ts
 * import { loadManifests, buildCluster, allowedConnections, explain, connlist, resolvePeer } from '../analyze/index.ts';
 *
 * const { objects, warnings } = loadManifests(['rendered/']);     // files and folders, YAML or JSON
 * const cluster = buildCluster(objects);                           // namespaces, pods, policies
 * const agent = resolvePeer(cluster, 'kyma-system/telemetry-log-agent');  // a pod, or an IP as text
 * allowedConnections(cluster, agent, '10.1.2.3').toString();       // e.g. 'TCP 4317-4318'
 * explain(cluster, agent, '10.1.2.3', 4317, 'TCP');                // which policies and rules decide
 * connlist(cluster).connections;                                   // every allowed connection
 * ```
 *
 * Semantics in brief: a policy selects pods of its own namespace by `podSelector`; `policyTypes`
 * defaults to Ingress, plus Egress when egress rules exist. A pod selected by no policy of a
 * direction is open in that direction; otherwise that direction allows the union of the rules of
 * all its policies. A connection needs the source's egress and the destination's ingress. An
 * absent or empty `from`/`to` admits every peer (pods and addresses), absent or empty `ports`
 * every port. Named ports resolve against the destination pod's container ports with the same
 * protocol. External addresses have no policies. By default an ipBlock never matches a pod;
 * `{ ipBlockMatchesPods: true }` takes Calico's reading (it matches pods whose podIP lies in it).
 */

// Reading manifests.
export { loadManifests, parseManifests, ANALYZED_KINDS, type Manifest, type ParsedManifests } from './manifests.ts';

// The cluster model.
export { buildCluster, type Cluster, type Namespace, type Pod, type ContainerPort, type PodAddress } from './cluster.ts';
export type { Policy, Rule, RulePeer, NamedPort } from './policy.ts';
export type { Labels, Selector, Requirement } from './selectors.ts';

// Questions about pairs of peers.
export type { AnalysisOptions } from './engine.ts';
export { allowedConnections, explain, resolvePeer, type Peer, type Explanation, type DirectionExplanation } from './queries.ts';

// The whole connectivity.
export { connlist, type Connection, type ConnlistPeer, type ConnlistOptions, type ConnlistResult } from './connlist.ts';
export { FORMATS, FORMAT_NAMES, type FormatName } from './format/index.ts';

// Value types.
export { ConnectionSet, PROTOCOLS, type Protocol } from './connection-set.ts';
export { formatAddress, formatRange, parseCidr, parseAddress, type IpRange, type Family } from './ip.ts';

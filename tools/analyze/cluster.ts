// The cluster model the engine analyzes: namespaces, pods (workload objects stand for their pods),
// nodes and normalized policies, built from any set of manifests.
//
// Endpoints are of three kinds: pods on the pod network, host endpoints (a Node, or a pod or
// workload with `spec.hostNetwork: true`: the kubelet, node-local-dns, an apiserver-proxy) and
// external addresses (which have no manifest: they are addresses given as text).
import { type Protocol, isProtocol } from './connection-set.ts';
import { type Family, parseAddress } from './ip.ts';
import type { Manifest } from './manifests.ts';
import { messages } from './messages.ts';
import { type Policy, parsePolicy } from './policy.ts';
import { type Labels, toLabels } from './selectors.ts';

export interface Namespace {
  readonly name: string;
  /** Always includes `kubernetes.io/metadata.name`, as the API server sets it. */
  readonly labels: Labels;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** An address of a pod or a node: its text as given, family and value. */
export interface Address {
  readonly text: string;
  readonly family: Family;
  readonly value: bigint;
}

export interface Pod {
  readonly namespace: string;
  /** The Pod's name, or the workload's name for a pod that a workload object stands for. */
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  /** From `status.podIP(s)`, when given. */
  readonly ips: readonly Address[];
  /** Display name, e.g. `ns/name[Deployment]`, `ns/web-7d9c8f[ReplicaSet]`, `ns/name[Pod]`. */
  readonly workload: string;
  /**
   * `spec.hostNetwork: true` (of the pod or the workload's pod template), present only then: the pod
   * is a host endpoint. No policy selects it, selectors never match it, an ipBlock only under `calico`.
   */
  readonly hostNetwork?: true;
}

/** A Node object: a host endpoint, cluster-scoped. */
export interface ClusterNode {
  readonly name: string;
  /** The InternalIP and ExternalIP entries of `status.addresses`. */
  readonly ips: readonly Address[];
  /** Display name `<name>[Node]`. */
  readonly display: string;
}

export interface Cluster {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** Pods on the pod network and host-network pods (`hostNetwork: true`) alike. */
  readonly pods: readonly Pod[];
  /** Node objects; absent: none (a cluster composed by hand need not list any). */
  readonly nodes?: readonly ClusterNode[];
  readonly policies: readonly Policy[];
  readonly warnings: readonly string[];
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'ReplicationController'];

function podTemplate(manifest: Manifest): any {
  return manifest.kind === 'CronJob' ? manifest.spec?.jobTemplate?.spec?.template : manifest.spec?.template;
}

function containerPorts(podSpec: any): ContainerPort[] {
  const containers: any[] = Array.isArray(podSpec?.containers) ? podSpec.containers : [];
  return containers.flatMap((c) =>
    (Array.isArray(c?.ports) ? c.ports : []).flatMap((p: any): ContainerPort[] => {
      const protocol = p?.protocol ?? 'TCP';
      if (typeof p?.containerPort !== 'number' || !isProtocol(protocol)) return [];
      return [{ ...(p.name ? { name: String(p.name) } : {}), port: p.containerPort, protocol }];
    }),
  );
}

const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The display name of a Pod object: its owner's name and kind. The owner is the controller (or else
 * the first owner); an owner of kind Node (static pods) is no workload. As netpol-analyzer does, an
 * owner without a name leaves the pod's own name and one without a kind is shown as `Pod`
 * (np-guard/netpol-analyzer `pkg/netpol/eval/internal/k8s/peer.go`, `WorkloadPeer.Name` and `Kind`).
 */
function podDisplayName(manifest: Manifest, namespace: string, name: string): string {
  const refs: any[] = Array.isArray(manifest.metadata?.ownerReferences) ? (manifest.metadata.ownerReferences as any[]) : [];
  const owner = refs.find((r) => r?.controller === true) ?? refs[0];
  if (!owner || owner.kind === 'Node') return `${namespace}/${name}[Pod]`;
  return `${namespace}/${nonEmpty(owner.name) ?? name}[${nonEmpty(owner.kind) ?? 'Pod'}]`;
}

function addresses(texts: readonly string[], onInvalid: (text: string) => void): Address[] {
  return [...new Set(texts)].flatMap((text) => {
    const parsed = parseAddress(text);
    if (!parsed) onInvalid(text);
    return parsed ? [{ text, ...parsed }] : [];
  });
}

function podAddresses(manifest: Manifest, display: string, warn: (m: string) => void): Address[] {
  const texts: string[] = [];
  if (typeof manifest.status?.podIP === 'string' && manifest.status.podIP) texts.push(manifest.status.podIP);
  for (const entry of Array.isArray(manifest.status?.podIPs) ? manifest.status.podIPs : []) {
    if (typeof entry?.ip === 'string') texts.push(entry.ip);
  }
  return addresses(texts, (text) => warn(messages.invalidPodIp(display, text)));
}

const NODE_ADDRESS_TYPES = ['InternalIP', 'ExternalIP'];

function nodeAddresses(manifest: Manifest, name: string, warn: (m: string) => void): Address[] {
  const entries: any[] = Array.isArray(manifest.status?.addresses) ? manifest.status.addresses : [];
  const texts = entries.filter((e) => NODE_ADDRESS_TYPES.includes(e?.type) && typeof e?.address === 'string').map((e) => e.address as string);
  return addresses(texts, (text) => warn(messages.invalidNodeIp(name, text)));
}

const hostNetwork = (podSpec: any): { hostNetwork?: true } => (podSpec?.hostNetwork === true ? { hostNetwork: true } : {});

/** Builds the model; warnings about policies and pods are collected in `cluster.warnings`. */
export function buildCluster(objects: readonly Manifest[]): Cluster {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const namespaceLabels = new Map<string, Labels>();
  const pods: Pod[] = [];
  const nodes: ClusterNode[] = [];
  const policies: Policy[] = [];
  for (const object of objects) {
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace || 'default';
    if (object.kind === 'Namespace') {
      namespaceLabels.set(name, toLabels(object.metadata?.labels));
    } else if (object.kind === 'NetworkPolicy') {
      policies.push(parsePolicy(object, warn));
    } else if (object.kind === 'Node') {
      nodes.push({ name, ips: nodeAddresses(object, name, warn), display: `${name}[Node]` });
    } else if (object.kind === 'Pod') {
      pods.push({
        namespace,
        name,
        labels: toLabels(object.metadata?.labels),
        ports: containerPorts(object.spec),
        ips: podAddresses(object, `${namespace}/${name}`, warn),
        workload: podDisplayName(object, namespace, name),
        ...hostNetwork(object.spec),
      });
    } else if (WORKLOAD_KINDS.includes(object.kind)) {
      const template = podTemplate(object);
      pods.push({
        namespace,
        name,
        labels: toLabels(template?.metadata?.labels),
        ports: containerPorts(template?.spec),
        ips: [],
        workload: `${namespace}/${name}[${object.kind}]`,
        ...hostNetwork(template?.spec),
      });
    }
  }
  // Namespaces that pods or policies live in exist even when no manifest declares them.
  for (const ns of [...pods.map((p) => p.namespace), ...policies.map((p) => p.namespace)]) {
    if (!namespaceLabels.has(ns)) namespaceLabels.set(ns, {});
  }
  const namespaces = new Map(
    [...namespaceLabels].map(([name, labels]) => [name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } }]),
  );
  return { namespaces, pods, nodes, policies, warnings };
}

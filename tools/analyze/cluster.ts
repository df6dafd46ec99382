// The cluster model the engine analyzes: namespaces, pods (workload objects stand for their pods)
// and normalized policies, built from any set of manifests.
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

export interface PodAddress {
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
  readonly ips: readonly PodAddress[];
  /** Display name, e.g. `ns/name[Deployment]`, `ns/web-7d9c8f[ReplicaSet]`, `ns/name[Pod]`. */
  readonly workload: string;
}

export interface Cluster {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly pods: readonly Pod[];
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

/** The controller owner (or else the first owner); an owner of kind Node (static pods) is no workload. */
function ownerOf(manifest: Manifest): { kind: string; name: string } | undefined {
  const refs: any[] = Array.isArray(manifest.metadata?.ownerReferences) ? (manifest.metadata.ownerReferences as any[]) : [];
  const owner = refs.find((r) => r?.controller === true) ?? refs[0];
  if (!owner || owner.kind === 'Node' || typeof owner.name !== 'string') return undefined;
  return { kind: String(owner.kind), name: owner.name };
}

function podAddresses(manifest: Manifest, display: string, warn: (m: string) => void): PodAddress[] {
  const texts = new Set<string>();
  if (typeof manifest.status?.podIP === 'string' && manifest.status.podIP) texts.add(manifest.status.podIP);
  for (const entry of Array.isArray(manifest.status?.podIPs) ? manifest.status.podIPs : []) {
    if (typeof entry?.ip === 'string') texts.add(entry.ip);
  }
  return [...texts].flatMap((text) => {
    const parsed = parseAddress(text);
    if (!parsed) warn(messages.invalidPodIp(display, text));
    return parsed ? [{ text, ...parsed }] : [];
  });
}

/** Builds the model; warnings about policies and pods are collected in `cluster.warnings`. */
export function buildCluster(objects: readonly Manifest[]): Cluster {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const namespaceLabels = new Map<string, Labels>();
  const pods: Pod[] = [];
  const policies: Policy[] = [];
  for (const object of objects) {
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace || 'default';
    if (object.kind === 'Namespace') {
      namespaceLabels.set(name, toLabels(object.metadata?.labels));
    } else if (object.kind === 'NetworkPolicy') {
      policies.push(parsePolicy(object, warn));
    } else if (object.kind === 'Pod') {
      const owner = ownerOf(object);
      const workload = owner ? `${namespace}/${owner.name}[${owner.kind}]` : `${namespace}/${name}[Pod]`;
      pods.push({
        namespace,
        name,
        labels: toLabels(object.metadata?.labels),
        ports: containerPorts(object.spec),
        ips: podAddresses(object, `${namespace}/${name}`, warn),
        workload,
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
  return { namespaces, pods, policies, warnings };
}

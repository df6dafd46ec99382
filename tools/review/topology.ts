// The reference topology a reviewer puts the rendered policies in: the module pods with their real
// labels, the clients around them (an RMA scraper, OTLP customers, a scrape target, in-cluster
// backends), the cluster DNS pods and the external addresses the module talks to. Built from the full
// values, so that the peers sit where the landscape says they are (RMA namespace, backend CIDRs, ...).
import type { Manifest } from '../analyze/index.ts';
import { parseAddress, parseCidr } from '../analyze/index.ts';
import { formatAddress } from '../analyze/ip.ts';
import { defaultNamespace } from '../render/render.ts';
import { componentKeys, istioMetricsPort, podLabels, workloads, type Signal, type Values } from '../model/index.ts';

export type PeerGroup = 'module' | 'workloads' | 'kube-system' | 'external';

export const groupTitles: Record<PeerGroup, string> = {
  module: `module namespace (${defaultNamespace})`,
  workloads: 'workload namespaces',
  'kube-system': 'kube-system',
  external: 'outside the pod network',
};

export interface TopologyPeer {
  /** Short name for --from/--to and the matrix headers: `log-agent`, `rma-scraper`, `api-server`. */
  readonly alias: string;
  /** What it stands for, for --help and the diagram. */
  readonly title: string;
  readonly group: PeerGroup;
  /** A pod: `namespace/name`; an external peer: its IP address. */
  readonly ref: string;
  readonly kind: 'pod' | 'address';
  /** Rows (sources) and columns (destinations) of the matrix it appears in. */
  readonly source: boolean;
  readonly destination: boolean;
}

export interface Topology {
  readonly moduleNamespace: string;
  /** Namespace and Pod manifests for the analyzer. */
  readonly objects: Manifest[];
  readonly peers: TopologyPeer[];
}

const SOURCE = 'reference topology';
const signals: Signal[] = ['logs', 'metrics', 'traces'];
export const otlpLabel = { 'networking.kyma-project.io/telemetry-otlp': 'allowed' } as const;
export const scrapingLabel = { 'networking.kyma-project.io/metrics-scraping': 'allowed' } as const;
export const kubeSystemLabels = { 'kubernetes.io/metadata.name': 'kube-system', 'gardener.cloud/purpose': 'kube-system' } as const;

/** Fixed addresses where the values name none. */
export const defaultAddresses = {
  nodeLocalDns: '169.254.20.10',
  apiServer: '100.64.0.1',
  node: '10.250.0.10',
  backends: { logs: '203.0.113.10', metrics: '203.0.113.11', traces: '203.0.113.12' } as Record<Signal, string>,
  outside: '192.0.2.77',
};

/** An address inside the first CIDR of the list (IPv4 first), `offset` hosts into it when it is that large. */
export function addressIn(cidrs: readonly string[], offset: number, fallback: string): string {
  const ranges = cidrs.map((c) => parseCidr(c)).filter((r) => r !== undefined);
  const range = ranges.find((r) => r.family === 'IPv4') ?? ranges[0];
  if (!range) return fallback;
  const candidate = range.first + BigInt(offset);
  return formatAddress(range.family, candidate <= range.last ? candidate : range.first);
}

/** Whether `address` lies in one of the CIDRs. */
export function inCidrs(cidrs: readonly string[], address: string): boolean {
  const a = parseAddress(address);
  return a !== undefined && cidrs.some((c) => {
    const r = parseCidr(c);
    return r !== undefined && r.family === a.family && r.first <= a.value && a.value <= r.last;
  });
}

/** The workload name without the `telemetry-` prefix: `log-agent`, `self-monitor`, `manager`. */
export function moduleAlias(name: string): string {
  return name.replace(/^telemetry-/, '');
}

interface PodSpec {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: { port: number; protocol?: string; name?: string }[];
}

function podManifest(p: PodSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
    spec: { containers: [{ name: 'main', ports: p.ports.map((x) => ({ containerPort: x.port, protocol: x.protocol ?? 'TCP', ...(x.name ? { name: x.name } : {}) })) }] },
    source: SOURCE,
  };
}

function namespaceManifest(name: string, labels: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } }, source: SOURCE };
}

/**
 * The topology for one or more full values trees (several: the union, for a diff between them; the
 * first one places the external addresses). Module pods exist for the components enabled in
 * `moduleValues` (by default: in any of them): a diff puts only the workloads each render deploys.
 */
export function buildTopology(valuesList: readonly Values[], moduleValues: readonly Values[] = valuesList): Topology {
  const moduleNamespace = defaultNamespace;
  const pods = new Map<string, PodSpec>();
  const namespaces = new Map<string, Record<string, string>>([[moduleNamespace, {}], ['kube-system', { ...kubeSystemLabels }]]);
  const peers = new Map<string, TopologyPeer>();
  const addPeer = (peer: TopologyPeer) => {
    if (!peers.has(peer.alias)) peers.set(peer.alias, peer);
  };
  const addPod = (alias: string, title: string, group: PeerGroup, pod: PodSpec, roles: { source: boolean; destination: boolean }) => {
    const ref = `${pod.namespace}/${pod.name}`;
    if (!namespaces.has(pod.namespace)) namespaces.set(pod.namespace, {});
    if (!pods.has(ref)) pods.set(ref, pod);
    // a second landscape may place the same role elsewhere: keep both pods, suffix the alias
    const taken = peers.get(alias);
    const unique = taken && taken.ref !== ref ? `${alias}@${pod.namespace}` : alias;
    addPeer({ alias: unique, title, group, ref, kind: 'pod', ...roles });
  };
  const addAddress = (alias: string, title: string, address: string, roles: { source: boolean; destination: boolean }) =>
    addPeer({ alias, title, group: 'external', ref: address, kind: 'address', ...roles });
  const both = { source: true, destination: true };

  for (const key of componentKeys) {
    if (!moduleValues.some((v) => v.components[key].enabled)) continue;
    const w = workloads[key];
    const istio = w.istioSidecar && moduleValues.some((v) => v.istio.enabled);
    const ports = [...w.ports.map((p) => ({ port: p.port, name: p.purpose })), ...(istio ? [{ port: istioMetricsPort, name: 'http-envoy-prom' }] : [])];
    addPod(moduleAlias(w.name), w.title, 'module', { namespace: moduleNamespace, name: w.name, labels: podLabels(w), ports }, both);
  }
  for (const v of valuesList) {
    const rmaNamespace = v.rma.namespaces[0] ?? 'rma';
    const customerNamespace = v.otlp.namespaces[0] ?? v.scrapeTargets.namespaces[0] ?? 'customer';
    const targetNamespace = v.scrapeTargets.namespaces[0] ?? customerNamespace;
    addPod('rma-scraper', 'a Prometheus of RMA, labelled for scraping', 'workloads',
      { namespace: rmaNamespace, name: 'rma-scraper', labels: { 'app.kubernetes.io/name': 'rma-scraper', ...scrapingLabel, ...v.rma.podLabels }, ports: [] },
      { source: true, destination: false });
    addPod('customer-otlp', 'a customer workload labelled telemetry-otlp: allowed', 'workloads',
      { namespace: customerNamespace, name: 'otlp-client', labels: { 'app.kubernetes.io/name': 'otlp-client', ...otlpLabel }, ports: [{ port: 8080, name: 'http' }] },
      both);
    addPod('customer', 'a customer workload without telemetry labels', 'workloads',
      { namespace: customerNamespace, name: 'plain-workload', labels: { 'app.kubernetes.io/name': 'plain-workload' }, ports: [{ port: 8080, name: 'http' }] },
      both);
    addPod('scrape-target', 'a customer workload labelled metrics-scraping: allowed', 'workloads',
      { namespace: targetNamespace, name: 'scrape-target', labels: { 'app.kubernetes.io/name': 'scrape-target', ...scrapingLabel }, ports: [{ port: 8080, name: 'metrics' }] },
      { source: false, destination: true });
    for (const signal of signals) {
      (v.backends[signal].inCluster as { namespace: string; podLabels: Record<string, string>; ports?: number[] }[]).forEach((b, i) => {
        const alias = `backend-${signal}-in-cluster${i ? `-${i + 1}` : ''}`;
        const name = b.podLabels['app.kubernetes.io/name'] ?? `${signal}-backend`;
        addPod(alias, `an in-cluster ${signal} backend (backends.${signal}.inCluster[${i}])`, 'workloads',
          { namespace: b.namespace, name, labels: { ...b.podLabels }, ports: (b.ports ?? []).map((port) => ({ port })) },
          { source: false, destination: true });
      });
    }
  }
  addPod('kube-dns', 'the cluster DNS pods (CoreDNS)', 'kube-system',
    { namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' },
      ports: [53, 8053].flatMap((port) => [{ port, protocol: 'UDP' }, { port, protocol: 'TCP' }]) },
    { source: false, destination: true });

  const first = valuesList[0];
  addAddress('node-local-dns', 'node-local-dns on the host network', defaultAddresses.nodeLocalDns, { source: false, destination: true });
  if (first.dns.cidrs.length && !inCidrs(first.dns.cidrs, defaultAddresses.nodeLocalDns)) {
    addAddress('dns-address', 'a DNS address of dns.cidrs (e.g. the DNS Service)', addressIn(first.dns.cidrs, 0, defaultAddresses.nodeLocalDns), { source: false, destination: true });
  }
  const apiServer = addressIn(first.apiServer.cidrs, 0, defaultAddresses.apiServer);
  const webhooks = first.apiServer.webhookSourceCidrs;
  const callsWebhooks = webhooks.length === 0 || inCidrs(webhooks, apiServer);
  addAddress('api-server', `a Kubernetes API server endpoint${callsWebhooks ? ' (also the webhook caller)' : ''}`, apiServer, both);
  if (!callsWebhooks) {
    addAddress('webhook-caller', 'where the API server calls webhooks from (apiServer.webhookSourceCidrs)', addressIn(webhooks, 10, apiServer), { source: true, destination: false });
  }
  addAddress('kubelet', 'a node, where the kubelet serves metrics', addressIn(first.nodes.cidrs, 10, defaultAddresses.node), { source: false, destination: true });
  for (const signal of signals) {
    addAddress(`backend-${signal}`, `a ${signal} backend outside the cluster`, addressIn(first.backends[signal].cidrs, 10, defaultAddresses.backends[signal]),
      { source: false, destination: true });
  }
  addAddress('outside', 'an address no values name', defaultAddresses.outside, both);

  const objects = [
    ...[...namespaces].map(([name, labels]) => namespaceManifest(name, labels)),
    ...[...pods.values()].map(podManifest),
  ];
  return { moduleNamespace, objects, peers: [...peers.values()] };
}

/** `--help` text: every alias and what it stands for. */
export function describeAliases(topology: Topology): string {
  const width = Math.max(...topology.peers.map((p) => p.alias.length));
  const refWidth = Math.max(...topology.peers.map((p) => p.ref.length));
  return topology.peers.map((p) => `  ${p.alias.padEnd(width)}  ${p.ref.padEnd(refWidth)}  ${p.title}`).join('\n');
}

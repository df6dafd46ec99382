// The reference topology instantiated for one values tree: Namespace and Pod objects for the analyzer,
// and the addresses the flows name. Pods exist only for enabled components; namespaces, scraper labels,
// in-cluster backends and addresses follow the switches (see the header of test/contract/topology.yaml).
import { UserError } from '../../errors.ts';
import { type Cluster, type Family, type IpRange, type Manifest, type Namespace, type Pod, parseAddress, parseCidr } from '../../analyze/index.ts';
import { formatAddress } from '../../analyze/ip.ts';
import { type ContractSpec, conditionsHold, listAt, valueAt } from './spec.ts';
import type { Protocol } from '../../analyze/index.ts';
import { contractText } from './messages.ts';

export interface ContractPeer {
  /** unique: `manager`, `apiServer`, `apiServer#2`, `inCluster.logs.0` */
  key: string;
  /** the names it answers to in flows: its topology id and the groups holding it */
  names: Set<string>;
  /** `kyma-system/manager`, or `apiServer 10.250.0.1` */
  display: string;
  kind: 'pod' | 'address';
  /** an address peer's address; a pod's first address */
  address: string;
  ips: { family: Family; value: bigint }[];
  namespace?: string;
  labels?: Record<string, string>;
  ports?: { name?: string; port: number; protocol: string }[];
  module: boolean;
}

export interface Topology {
  peers: ContractPeer[];
  /** Namespace and Pod manifests (what `cluster` holds, for printing or for buildCluster) */
  objects: Manifest[];
  /** the analyzer's cluster of these namespaces and pods, without policies */
  cluster: Cluster;
}

// Address parsing is the costliest step of instantiation; the same few texts recur in every permutation.
const cidrMemo = new Map<string, IpRange | undefined>();
const addressMemo = new Map<string, { family: Family; value: bigint } | undefined>();
export function cidrOf(text: string): IpRange | undefined {
  if (!cidrMemo.has(text)) cidrMemo.set(text, parseCidr(text));
  return cidrMemo.get(text);
}
export function addressOf(text: string): { family: Family; value: bigint } | undefined {
  if (!addressMemo.has(text)) addressMemo.set(text, parseAddress(text));
  return addressMemo.get(text);
}
const podIpMemo = new Map<string, string>();
function podIp(network: IpRange, n: bigint): string {
  const key = `${network.family} ${network.first} ${n}`;
  let text = podIpMemo.get(key);
  if (!text) podIpMemo.set(key, (text = formatAddress(network.family, network.first + n)));
  return text;
}

const kebab = (id: string) => id.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const SIGNALS = ['logs', 'metrics', 'traces'] as const;
const NAMESPACE_KEYS = ['rma.namespaces', 'otlp.namespaces', 'scrapeTargets.namespaces'];
export const CIDR_KEYS = ['apiServer.cidrs', 'apiServer.webhookSourceCidrs', 'dns.cidrs', 'nodes.cidrs', ...SIGNALS.map((s) => `backends.${s}.cidrs`)];

function ranges(values: object, key: string) {
  return listAt(values, key).map((c) => {
    const r = cidrOf(String(c));
    if (!r) throw new UserError(contractText.badCidr(key, String(c)));
    return r;
  });
}

/** The `host`-th address of the block (its last address when the block is smaller). */
function hostIn(cidr: { family: Family; first: bigint; last: bigint }, host: number): string {
  const value = cidr.first + BigInt(host) <= cidr.last ? cidr.first + BigInt(host) : cidr.last;
  return formatAddress(cidr.family, value);
}

const LAST_ADDRESS: Record<Family, bigint> = { IPv4: (1n << 32n) - 1n, IPv6: (1n << 128n) - 1n };

/**
 * The first candidate no taken range holds; else the nearest free address found by stepping from the first
 * candidate past the ranges that hold it, upward then downward; undefined when the ranges cover the family.
 */
export function outsideAddress(family: Family, candidates: string[], taken: IpRange[]): string | undefined {
  const holder = (value: bigint) => taken.find((r) => r.first <= value && value <= r.last);
  const free = candidates.find((text) => !holder(addressOf(text)!.value));
  if (free) return free;
  const start = addressOf(candidates[0])!.value;
  for (const step of [1n, -1n]) {
    let value = start;
    for (let block = holder(value); block; block = holder(value)) {
      value = step > 0n ? block.last + 1n : block.first - 1n;
      if (value < 0n || value > LAST_ADDRESS[family]) break;
    }
    if (value >= 0n && value <= LAST_ADDRESS[family]) return formatAddress(family, value);
  }
  return undefined;
}

export function instantiate(spec: ContractSpec, values: object): Topology {
  const t = spec.topology;
  const groupsOf = new Map<string, string[]>();
  for (const [group, members] of Object.entries(t.groups ?? {})) for (const m of members) groupsOf.set(m, [...(groupsOf.get(m) ?? []), group]);
  const moduleIds = new Set(t.groups?.module ?? []);

  const listed = new Set<string>([...NAMESPACE_KEYS.flatMap((k) => listAt(values, k).map(String)),
    ...SIGNALS.flatMap((s) => listAt(values, `backends.${s}.inCluster`).map((e) => String((e as { namespace?: string })?.namespace)))]);
  let outsideNamespace = t.outsideNamespace;
  for (let i = 2; listed.has(outsideNamespace); i++) outsideNamespace = `${t.outsideNamespace}-${i}`;

  const peers: ContractPeer[] = [];
  const objects: Manifest[] = [];
  const v4 = cidrOf(t.podNetwork.IPv4)!;
  const v6 = cidrOf(t.podNetwork.IPv6)!;
  const pods: Pod[] = [];

  const addPod = (id: string, key: string, namespace: string, labels: Record<string, string>, ports: ContractPeer['ports'] = []) => {
    const n = BigInt(10 + objects.length);
    const ips = [podIp(v4, n), podIp(v6, n)];
    const name = kebab(key);
    const addresses = ips.map((text) => ({ text, ...addressOf(text)! }));
    pods.push({ namespace, name, labels, ports: ports.map((p) => ({ ...p, protocol: p.protocol as Protocol })), ips: addresses, workload: `${namespace}/${name}[Pod]` });
    objects.push({
      kind: 'Pod', apiVersion: 'v1', source: 'test/contract/topology.yaml',
      metadata: { name, namespace, labels },
      spec: { containers: [{ name: 'main', ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.port, protocol: p.protocol })) }] },
      status: { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) },
    });
    peers.push({
      key, names: new Set([id, key, ...(groupsOf.get(id) ?? [])]), display: `${namespace}/${name}`, kind: 'pod',
      address: ips[0], ips: addresses, namespace, labels, ports, module: moduleIds.has(id),
    });
  };

  for (const p of t.pods) {
    if (p.component && valueAt(values, `components.${p.component}.enabled`) !== true) continue;
    if (p.when && !conditionsHold(p.when, values)) continue;
    const each = typeof p.namespace === 'string' ? [] : [...new Set(listAt(values, p.namespace.each).map(String))];
    const namespaces = typeof p.namespace === 'string'
      ? [p.namespace === '$outside' ? outsideNamespace : p.namespace]
      : (each.length ? each : [p.namespace.else]);
    const fromValues = p.labelsFrom ? (valueAt(values, p.labelsFrom) as Record<string, string> | undefined) ?? {} : {};
    const labels = Object.fromEntries(Object.entries({ ...p.labels, ...fromValues }).map(([k, v]) => [k, String(v)]));
    const ports = (p.ports ?? []).map((q) => ({ ...q, protocol: q.protocol ?? 'TCP' }));
    namespaces.forEach((namespace, i) => addPod(p.id, i === 0 ? p.id : `${p.id}.${i + 1}`, namespace, labels, ports));
  }
  if (t.inCluster) {
    for (const signal of SIGNALS) {
      for (const [i, raw] of listAt(values, `backends.${signal}.inCluster`).entries()) {
        const entry = raw as { namespace: string; podLabels?: Record<string, string>; ports?: number[] };
        const labels = Object.fromEntries(Object.entries(entry.podLabels ?? {}).map(([k, v]) => [k, String(v)]));
        const ports = (entry.ports ?? []).map((port) => ({ port, protocol: 'TCP' }));
        addPod(`inCluster.${signal}`, `inCluster.${signal}.${i}`, entry.namespace, labels, ports);
        addPod(`inClusterDecoy.${signal}`, `inClusterDecoy.${signal}.${i}`, outsideNamespace, labels, ports);
      }
    }
  }

  const addAddress = (id: string, key: string, address: string) => {
    peers.push({ key, names: new Set([id, key, ...(groupsOf.get(id) ?? [])]), display: `${key} ${address}`, kind: 'address', address, ips: [addressOf(address)!], module: false });
  };
  for (const a of t.addresses) {
    const blocks = a.cidrs ? ranges(values, a.cidrs) : [];
    const addresses = blocks.length ? blocks.map((b) => hostIn(b, a.host ?? 1)) : a.else;
    addresses.forEach((address, i) => addAddress(a.id, i === 0 ? a.id : `${a.id}#${i + 1}`, address));
  }
  // taken: every configured CIDR and every address peer so far (an outside address must be none of them)
  const taken = [...CIDR_KEYS.flatMap((k) => ranges(values, k)),
    ...peers.flatMap((p) => p.ips.map((ip) => ({ family: ip.family, first: ip.value, last: ip.value })))];
  for (const family of ['IPv4', 'IPv6'] as const) {
    const address = outsideAddress(family, t.outside[family], taken.filter((r) => r.family === family));
    // none when the values' CIDRs cover the whole family: nothing is outside then
    if (address !== undefined) addAddress('outside', family === 'IPv4' ? 'outside' : 'outside#2', address);
  }

  const names = new Set(objects.map((o) => o.metadata!.namespace!));
  names.add(t.releaseNamespace);
  const namespaces = new Map<string, Namespace>();
  for (const ns of names) {
    const extra = t.namespaces?.find((n) => n.name === ns)?.labelsWhen ?? [];
    const labels = Object.assign({}, ...extra.filter((l) => conditionsHold(l.when, values)).map((l) => l.labels));
    objects.unshift({ kind: 'Namespace', apiVersion: 'v1', source: 'test/contract/topology.yaml', metadata: { name: ns, labels } });
    namespaces.set(ns, { name: ns, labels: { ...labels, 'kubernetes.io/metadata.name': ns } });
  }
  return { peers, objects, cluster: { namespaces, pods, policies: [], warnings: [] } };
}

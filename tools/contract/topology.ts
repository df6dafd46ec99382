// The reference topology instantiated for one values tree and the cluster facts: the peers the flows name
// (pods, host-network endpoints and outside addresses), as the analyzer's Namespace, Pod and Node objects.
// Namespaces, scraper labels, list entries and addresses follow the values (see the header of
// test/contract/topology.yaml). Every peer of the file is instantiated; which of them exist for the values
// (`component`, `when`) is a mask over them (`presence`), so that one topology serves every permutation that
// differs only in which workloads run. Each peer carries an interned identity: everything a
// policy rule can see of it (kind, namespace and its labels, labels, ports, addresses), equal across
// topologies for equal peers, so that verdicts can be shared between permutations.
import { UserError } from '../errors.ts';
import {
  type Address, type ClusterNode, type Family, type Peer, type IpRange, type Manifest, type Namespace, type Pod, type Protocol,
  formatAddress, parseAddress, parseCidr,
} from '../analyze/index.ts';
import { familySize } from '../analyze/ip.ts';
import type { ContractSpec, PeerKind, PodsEntry, ValuesReader } from './spec.ts';
import { contractText } from './messages.ts';

export interface ContractPeer {
  /** position in `Topology.peers` */
  index: number;
  /** unique: `manager`, `rmaScraper.2`, `nodeLocalDns#3`, `inCluster.logs.0` */
  key: string;
  /** the topology id it was made from */
  id: string;
  /** the names it answers to in flows: its id, its key and the groups holding it */
  names: Set<string>;
  /** `kyma-system/manager`, `node (host) 10.250.0.10`, `metadata 169.254.169.254` */
  display: string;
  kind: PeerKind;
  /** the first address */
  address: string;
  ips: readonly Address[];
  namespace?: string;
  labels?: Record<string, string>;
  ports: { name?: string; port: number; protocol: Protocol }[];
  /** one of the module's workloads (the `module` group) */
  module: boolean;
  /** the position of its spec in `peers:` (its `component` and `when` decide whether it exists); -1: always */
  spec: number;
  /** the analyzer's object: a pod (on the pod network or the host network) or a node */
  pod?: Pod;
  node?: ClusterNode;
  /** interned: equal for peers that every policy sees alike */
  identity: number;
}

/** The analyzer's peer for a topology peer: its pod (host-network too), its node, or its address. */
export const analyzerPeer = (p: ContractPeer): Peer => p.pod ?? p.node ?? p.address;

export interface Topology {
  peers: ContractPeer[];
  namespaces: Map<string, Namespace>;
  pods: Pod[];
  nodes: ClusterNode[];
  /** the namespace no values key lists */
  outsideNamespace: string;
  /** Namespace, Pod and Node manifests of the same (for printing, or for buildCluster) */
  readonly objects: Manifest[];
  /** caches that live as long as the topology (peer resolutions, pair lists) */
  readonly memo: Map<unknown, unknown>;
}

// Address parsing is the costliest step of instantiation; the same few texts recur in every permutation.
const cidrMemo = new Map<string, IpRange | undefined>();
const addressMemo = new Map<string, Address | undefined>();
export function cidrOf(text: string): IpRange | undefined {
  if (!cidrMemo.has(text)) cidrMemo.set(text, parseCidr(text));
  return cidrMemo.get(text);
}
export function addressOf(text: string): Address | undefined {
  if (!addressMemo.has(text)) {
    const parsed = parseAddress(text);
    addressMemo.set(text, parsed && { text, ...parsed });
  }
  return addressMemo.get(text);
}

const identities = new Map<string, number>();
/** The interned id of an identity text. */
function identityOf(text: string): number {
  let id = identities.get(text);
  if (id === undefined) identities.set(text, (id = identities.size));
  return id;
}

const kebab = (id: string) => id.replace(/[.#]/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const sortedEntries = (labels: Record<string, string>) => Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Labels as Kubernetes sees them: strings; a null value (deleted by a values override) is no label. */
function labelMap(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
}

/** The CIDRs at a values key, parsed; throws UserError for one that is no CIDR. */
export function cidrsAt(reader: ValuesReader, key: string): IpRange[] {
  return reader.list(key).map((c) => {
    const r = cidrOf(String(c));
    if (!r) throw new UserError(contractText.badCidr(key, String(c)));
    return r;
  });
}

/** The `host`-th address of the block (its last address when the block is smaller). */
function hostIn(cidr: IpRange, host: number): string {
  const value = cidr.first + BigInt(host) <= cidr.last ? cidr.first + BigInt(host) : cidr.last;
  return formatAddress(cidr.family, value);
}


/**
 * The first candidate no taken range holds; else the nearest free address found by stepping from the first
 * candidate past the ranges that hold it, upward then downward; undefined when the ranges cover the family.
 */
export function outsideAddress(family: Family, candidates: string[], taken: readonly IpRange[]): string | undefined {
  const holder = (value: bigint) => taken.find((r) => r.first <= value && value <= r.last);
  const free = candidates.find((text) => !holder(addressOf(text)!.value));
  if (free) return free;
  const start = addressOf(candidates[0])!.value;
  for (const step of [1n, -1n]) {
    let value = start;
    for (let block = holder(value); block; block = holder(value)) {
      value = step > 0n ? block.last + 1n : block.first - 1n;
      if (value < 0n || value >= familySize(family)) break;
    }
    if (value >= 0n && value < familySize(family)) return formatAddress(family, value);
  }
  return undefined;
}

/** Every values key holding CIDRs that the topology places addresses in (an outside address avoids them all). */
export const cidrKeys = (spec: ContractSpec) => spec.topology.peers.flatMap((p) => (p.cidrs ? [p.cidrs] : []));

/** The namespace an entry of a list lives in, and the labels it asks of that namespace. */
export function entryNamespace(entry: PodsEntry, fallback: string): { name: string; labels: Record<string, string> } {
  const labels = labelMap(entry.namespaceLabels);
  return { name: entry.namespace ?? labels['kubernetes.io/metadata.name'] ?? fallback, labels };
}

export function instantiate(spec: ContractSpec, reader: ValuesReader): Topology {
  const t = spec.topology;
  const groupsOf = new Map<string, string[]>();
  for (const [group, members] of Object.entries(t.groups)) for (const m of members) groupsOf.set(m, [...(groupsOf.get(m) ?? []), group]);
  const moduleIds = new Set(t.groups.module ?? []);

  // the namespaces the values list, which the $outside namespace must not be
  const listed = new Set<string>();
  for (const p of t.peers) if (p.namespace && typeof p.namespace === 'object') for (const ns of reader.list(p.namespace.each)) listed.add(String(ns));
  const entryLists = t.entries.map((e) => reader.list(e.list) as PodsEntry[]);
  entryLists.forEach((list, i) => list.forEach((entry, j) => listed.add(entryNamespace(entry, `${kebab(t.entries[i].id)}-${j}`).name)));
  let outsideNamespace = t.outsideNamespace;
  for (let i = 2; listed.has(outsideNamespace); i++) outsideNamespace = `${t.outsideNamespace}-${i}`;

  const peers: ContractPeer[] = [];
  const pods: Pod[] = [];
  const nodes: ClusterNode[] = [];
  const namespaceLabels = new Map<string, Record<string, string>>([[t.releaseNamespace, {}]]);
  const v4 = cidrOf(t.podNetwork.IPv4)!;
  const v6 = cidrOf(t.podNetwork.IPv6)!;
  const names = (id: string, key: string) => new Set([id, key, ...(groupsOf.get(id) ?? [])]);
  const addNamespace = (name: string, labels: Record<string, string> = {}) =>
    namespaceLabels.set(name, { ...(namespaceLabels.get(name) ?? {}), ...labels });

  // a pod's addresses follow from its place: the position of its spec (slot) and its instance
  const addPod = (id: string, key: string, slot: number, instance: number, namespace: string, labels: Record<string, string>, ports: ContractPeer['ports'], spec = -1) => {
    const n = BigInt(10 + slot * 4096 + instance);
    const ips = [addressOf(formatAddress('IPv4', v4.first + n))!, addressOf(formatAddress('IPv6', v6.first + n))!];
    const name = kebab(key);
    const pod: Pod = { namespace, name, labels, ports, ips, workload: `${namespace}/${name}[Pod]` };
    pods.push(pod);
    addNamespace(namespace);
    peers.push({
      index: peers.length, key, id, names: names(id, key), display: `${namespace}/${name}`, kind: 'pod', address: ips[0].text,
      ips, namespace, labels, ports, module: moduleIds.has(id), pod, identity: -1, spec,
    });
  };

  const addressPeers = (id: string, texts: string[]) => texts.map((text, i) => {
    const address = addressOf(text);
    if (!address) throw new UserError(contractText.badAddress(id, text));
    return { key: i === 0 ? id : `${id}#${i + 1}`, address };
  });

  t.peers.forEach((p, specIndex) => {
    if (p.kind === 'pod') {
      const each = typeof p.namespace === 'object' ? [...new Set(reader.list(p.namespace.each).map(String))] : [];
      const namespaces = typeof p.namespace === 'object'
        ? (each.length ? each : [p.namespace.else])
        : [p.namespace === '$outside' ? outsideNamespace : p.namespace!];
      const labels = { ...labelMap(p.labels), ...(p.labelsFrom ? labelMap(reader.get(p.labelsFrom)) : {}) };
      const ports = (p.ports ?? []).map((q) => ({ ...(q.name ? { name: q.name } : {}), port: q.port, protocol: q.protocol ?? 'TCP' as Protocol }));
      namespaces.forEach((namespace, i) => addPod(p.id, i === 0 ? p.id : `${p.id}.${i + 1}`, specIndex, i, namespace, labels, ports, specIndex));
      return;
    }
    if (p.kind === 'host') {
      for (const { key, address } of addressPeers(p.id, p.addresses ?? [])) {
        if (p.node) {
          const node: ClusterNode = { name: kebab(key), ips: [address], display: `${kebab(key)}[Node]` };
          nodes.push(node);
          peers.push({
            index: peers.length, key, id: p.id, names: names(p.id, key), display: `${node.name} (host) ${address.text}`, kind: 'host',
            address: address.text, ips: [address], ports: [], module: false, node, identity: -1, spec: specIndex,
          });
        } else {
          const namespace = p.namespace as string;
          const name = kebab(key);
          const labels = labelMap(p.labels);
          const pod: Pod = { namespace, name, labels, ports: [], ips: [address], workload: `${namespace}/${name}[Pod]`, hostNetwork: true };
          pods.push(pod);
          addNamespace(namespace);
          peers.push({
            index: peers.length, key, id: p.id, names: names(p.id, key), display: `${namespace}/${kebab(p.id)} (host) ${address.text}`, kind: 'host',
            address: address.text, ips: [address], namespace, labels, ports: [], module: false, pod, identity: -1, spec: specIndex,
          });
        }
      }
      return;
    }
    const blocks = p.cidrs ? cidrsAt(reader, p.cidrs) : [];
    const texts = blocks.length ? blocks.map((b) => hostIn(b, p.host ?? 1)) : (p.cidrs ? p.else ?? [] : p.addresses ?? []);
    for (const { key, address } of addressPeers(p.id, texts)) {
      peers.push({
        index: peers.length, key, id: p.id, names: names(p.id, key), display: `${key} ${address.text}`, kind: 'outside',
        address: address.text, ips: [address], ports: [], module: false, identity: -1, spec: specIndex,
      });
    }
  });

  // the labels the platform gives its namespaces (labelsWhen): they have the last word over the values' entries
  const platformLabels = new Map(t.namespaces.map((n, i) => [n.name, Object.assign({}, ...(n.labelsWhen ?? [])
    .filter((_, j) => spec.namespaceConditions[i][j](reader)).map((l) => labelMap(l.labels))) as Record<string, string>]));

  t.entries.forEach((e, entryIndex) => {
    const slot = t.peers.length + 2 * entryIndex;
    entryLists[entryIndex].forEach((entry, i) => {
      const { name, labels: nsLabels } = entryNamespace(entry, `${kebab(e.id)}-${i}`);
      const labels = labelMap(entry.podLabels);
      const ports = (entry.ports ?? []).map((port) => ({ port: Number(port), protocol: 'TCP' as Protocol }));
      // an entry asking a platform namespace for other labels than the platform gives it selects no namespace
      // of the cluster: it has no pod, and nothing is required of it (its decoy still tests the selector)
      const fixed = platformLabels.get(name) ?? {};
      if (Object.entries(nsLabels).every(([k, v]) => fixed[k] === undefined || fixed[k] === v)) {
        addNamespace(name, nsLabels);
        addPod(e.id, `${e.id}.${i}`, slot, i, name, labels, ports);
      }
      if (e.decoy) addPod(e.decoy, `${e.decoy}.${i}`, slot + 1, i, outsideNamespace, labels, ports);
    });
  });

  // the outside peer: outside every CIDR of the values and every other address
  const taken = [...cidrKeys(spec).flatMap((k) => cidrsAt(reader, k)),
    ...peers.filter((p) => p.kind !== 'pod').flatMap((p) => p.ips.map((ip) => ({ family: ip.family, first: ip.value, last: ip.value })))];
  for (const family of ['IPv4', 'IPv6'] as const) {
    const text = outsideAddress(family, t.outside[family], taken.filter((r) => r.family === family));
    if (text === undefined) continue; // the values' CIDRs cover the whole family: nothing is outside
    const key = family === 'IPv4' ? 'outside' : 'outside#2';
    const address = addressOf(text)!;
    peers.push({
      index: peers.length, key, id: 'outside', names: names('outside', key), display: `outside ${text}`, kind: 'outside',
      address: text, ips: [address], ports: [], module: false, identity: -1, spec: -1,
    });
  }

  for (const [name, labels] of platformLabels) if (namespaceLabels.has(name)) addNamespace(name, labels);
  const namespaces = new Map<string, Namespace>();
  for (const [name, labels] of namespaceLabels) namespaces.set(name, { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } });

  for (const p of peers) {
    const ns = p.namespace ? sortedEntries(namespaces.get(p.namespace)!.labels) : [];
    const ports = p.ports.map((q) => `${q.name ?? ''}:${q.port}/${q.protocol}`).sort();
    p.identity = identityOf(JSON.stringify([p.kind, p.node ? 'node' : '', p.namespace ?? '', ns, sortedEntries(p.labels ?? {}), ports, p.ips.map((a) => a.text)]));
  }

  let objects: Manifest[] | undefined;
  return {
    peers, namespaces, pods, nodes, outsideNamespace, memo: new Map(),
    get objects() {
      return (objects ??= manifestsOf(namespaces, pods, nodes));
    },
  };
}

function manifestsOf(namespaces: Map<string, Namespace>, pods: Pod[], nodes: ClusterNode[]): Manifest[] {
  const source = 'test/contract/topology.yaml';
  return [
    ...[...namespaces.values()].map((ns): Manifest => {
      const { 'kubernetes.io/metadata.name': _, ...labels } = ns.labels;
      return { kind: 'Namespace', apiVersion: 'v1', source, metadata: { name: ns.name, labels } };
    }),
    ...pods.map((p): Manifest => ({
      kind: 'Pod', apiVersion: 'v1', source,
      metadata: { name: p.name, namespace: p.namespace, labels: { ...p.labels } },
      spec: {
        ...(p.hostNetwork ? { hostNetwork: true } : {}),
        containers: [{ name: 'main', ports: p.ports.map((q) => ({ ...(q.name ? { name: q.name } : {}), containerPort: q.port, protocol: q.protocol })) }],
      },
      status: { podIP: p.ips[0]?.text, podIPs: p.ips.map((a) => ({ ip: a.text })) },
    })),
    ...nodes.map((n): Manifest => ({
      kind: 'Node', apiVersion: 'v1', source,
      metadata: { name: n.name },
      status: { addresses: n.ips.map((a) => ({ type: 'InternalIP', address: a.text })) },
    })),
  ];
}

/** Which peer specs exist for the values: their `component` is enabled and their `when` holds. */
export function presence(spec: ContractSpec, reader: ValuesReader): boolean[] {
  return spec.topology.peers.map((p, i) =>
    (!p.component || reader.get(`components.${p.component}.enabled`) === true) && spec.peerConditions[i](reader));
}

/** The peers of a topology that exist for the values (the others are masked out by `presence`). */
export function presentPeers(spec: ContractSpec, reader: ValuesReader, topology: Topology): ContractPeer[] {
  const present = presence(spec, reader);
  return topology.peers.filter((p) => p.spec < 0 || present[p.spec]);
}

// Is a surviving mutant equivalent to the original? It is when the analyzer finds the same connections for
// every pair of the contract topology's peers (pods, host-network endpoints and outside addresses, those that
// exist for the landscape's values and facts) under both readings of ipBlock (`calico`, `cilium`). It is then
// also compared on a probe topology richer than the contract's: for every selector and ipBlock of either
// version, a pod that the selector matches (in a namespace its namespaceSelector matches) and the first and
// last address of every block, as outside addresses.
import {
  READINGS, buildCluster, formatAddress, parseAddress, parseCidr, type Cluster, type Endpoint, type Manifest, type Reading,
} from '../../analyze/index.ts';
import { evaluatorFor } from '../../analyze/engine.ts';
import { loadContract, presentPeersFor, topologyFor, type ContractPeer, type Facts } from '../../contract/index.ts';
import { type Doc, peers } from './types.ts';

export interface Equivalence {
  /** the same connections between the contract topology's peers under both readings */
  contractEquivalent: boolean;
  /** the same connections on the probe topology (the contract topology and the probes) too */
  probeEquivalent: boolean;
  /** pairs compared per reading on the probe topology */
  pairs: number;
  probePods: number;
  probeAddresses: number;
  /** the first pair whose connections differ: `src -> dst (reading): original X, mutant Y` */
  difference?: string;
}

type Labels = Record<string, string>;

/** Labels a pod (or namespace) needs to match a selector (none can match DoesNotExist alone: it gets none). */
function labelsFor(selector: Doc | undefined): Labels {
  const labels: Labels = { ...(selector?.matchLabels ?? {}) };
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'In' && e.values?.length) labels[e.key] = String(e.values[0]);
    if (e.operator === 'Exists') labels[e.key] = 'probe';
  }
  return labels;
}

interface ProbeTopology { objects: Manifest[]; addresses: string[] }

/**
 * Probe pods never impersonate module pods: every pod in the release namespace that carries
 * kyma-project.io/module: telemetry or a module workload's app.kubernetes.io/name is one of the module's
 * workloads, and the contract topology already holds each with exactly its labels (DESIGN "The workloads").
 */
function impersonates(namespace: string, labels: Labels, releaseNamespace: string, moduleNames: Set<string>): boolean {
  return namespace === releaseNamespace && (labels['kyma-project.io/module'] === 'telemetry' || moduleNames.has(labels['app.kubernetes.io/name']));
}

function probeTopology(versions: Doc[][], releaseNamespace: string, moduleNames: Set<string>): ProbeTopology {
  const namespaces = new Map<string, Labels>([['probe-plain', {}]]);
  const pods: { namespace: string; labels: Labels }[] = [];
  const addresses = new Set<string>();
  const seen = new Set<string>();
  const addPod = (namespace: string, labels: Labels) => {
    const key = JSON.stringify([namespace, labels]);
    if (impersonates(namespace, labels, releaseNamespace, moduleNames)) return;
    if (!seen.has(key)) { seen.add(key); pods.push({ namespace, labels }); }
  };
  const namespaceFor = (selector: Doc | undefined): string => {
    const labels = labelsFor(selector);
    const named = labels['kubernetes.io/metadata.name'];
    const name = named ?? `probe-ns-${namespaces.size}`;
    if (!named || !namespaces.has(name)) namespaces.set(name, { ...(namespaces.get(name) ?? {}), ...labels });
    return name;
  };
  for (const docs of versions) {
    for (const doc of docs) {
      const ns = doc.metadata?.namespace ?? releaseNamespace;
      addPod(ns, labelsFor(doc.spec?.podSelector));
      addPod(ns, {});
    }
    for (const { peer, p } of peers(docs)) {
      if (peer.ipBlock?.cidr) {
        const range = parseCidr(String(peer.ipBlock.cidr));
        if (range) for (const v of [range.first, range.last]) addresses.add(formatAddress(range.family, v));
        continue;
      }
      // a namespace selector by name (In [a, b, ...]) gets a pod in every namespace it names, not just the first
      const byName = (peer.namespaceSelector?.matchExpressions ?? []).find((e: Doc) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'In');
      const spaces: string[] = byName
        ? byName.values.map((v: string) => namespaceFor({ ...peer.namespaceSelector, matchExpressions: [{ ...byName, values: [v] }] }))
        : [peer.namespaceSelector ? namespaceFor(peer.namespaceSelector) : (docs[p].metadata?.namespace ?? releaseNamespace)];
      for (const ns of spaces) {
        addPod(ns, labelsFor(peer.podSelector));
        addPod(ns, {});
      }
      addPod('probe-plain', labelsFor(peer.podSelector));
    }
  }
  const objects: Manifest[] = [...namespaces].map(([name, labels]) => ({
    kind: 'Namespace', apiVersion: 'v1', source: 'probe', metadata: { name, labels },
  }));
  pods.forEach((pod, i) => objects.push({
    kind: 'Pod', apiVersion: 'v1', source: 'probe',
    metadata: { name: `probe-${i}`, namespace: pod.namespace, labels: pod.labels },
    spec: { containers: [{ name: 'main' }] },
    status: { podIP: `100.127.${Math.floor(i / 250)}.${(i % 250) + 1}`, podIPs: [{ ip: `100.127.${Math.floor(i / 250)}.${(i % 250) + 1}` }, { ip: `fd00:10:97::${(i + 1).toString(16)}` }] },
  }));
  return { objects, addresses: [...addresses] };
}

/**
 * The contract topology's objects for the peers that exist: every namespace, the pods (on the pod network and
 * the host network) and nodes of the present peers. Outside peers have no object: they are addresses.
 */
function contractObjects(values: object, facts: Facts): { objects: Manifest[]; present: ContractPeer[] } {
  const present = presentPeersFor(values, facts);
  const pods = new Set(present.flatMap((p) => (p.pod ? [`${p.pod.namespace}/${p.pod.name}`] : [])));
  const nodes = new Set(present.flatMap((p) => (p.node ? [p.node.name] : [])));
  const objects = topologyFor(values, facts).objects.filter((o) => o.kind === 'Namespace'
    || (o.kind === 'Pod' && pods.has(`${o.metadata?.namespace}/${o.metadata?.name}`))
    || (o.kind === 'Node' && nodes.has(String(o.metadata?.name))));
  return { objects, present };
}

/**
 * Every directed pair of endpoints with a pod on the pod network at one end at least (no policy selects a host
 * endpoint or an outside address), and what the policies allow between them under the reading.
 */
function connectivity(cluster: Cluster, addresses: string[], reading: Reading): { keys: string[]; sets: string[] } {
  const evaluator = evaluatorFor(cluster, { reading });
  const endpoints: { key: string; endpoint: Endpoint }[] = [
    ...cluster.pods.map((pod) => ({ key: `${pod.namespace}/${pod.name}`, endpoint: evaluator.podEndpoint(pod) })),
    ...(cluster.nodes ?? []).map((node) => ({ key: node.display, endpoint: evaluator.nodeEndpoint(node) })),
    ...addresses.map((text) => ({ key: text, endpoint: { kind: 'external' as const, addresses: [parseAddress(text)!] } })),
  ];
  const keys: string[] = [];
  const sets: string[] = [];
  for (const src of endpoints) for (const dst of endpoints) {
    if (src === dst || (src.endpoint.kind !== 'pod' && dst.endpoint.kind !== 'pod')) continue;
    keys.push(`${src.key} -> ${dst.key}`);
    sets.push(evaluator.connections(src.endpoint, dst.endpoint).toString());
  }
  return { keys, sets };
}

function firstDifference(before: Cluster, after: Cluster, addresses: string[]): { pairs: number; difference?: string } {
  let pairs = 0;
  for (const reading of READINGS) {
    const a = connectivity(before, addresses, reading);
    const b = connectivity(after, addresses, reading);
    pairs = a.keys.length;
    const i = a.sets.findIndex((x, j) => x !== b.sets[j]);
    if (i >= 0) return { pairs, difference: `${a.keys[i]} (${reading} reading): original ${a.sets[i] || 'nothing'}, mutant ${b.sets[i] || 'nothing'}` };
  }
  return { pairs };
}

export function equivalence(original: Doc[], mutant: Doc[], values: object, facts: Facts): Equivalence {
  const release = loadContract().topology.releaseNamespace;
  const { objects, present } = contractObjects(values, facts);
  const asManifests = (docs: Doc[]) => docs.map((d) => ({ ...d, source: 'rendered' }) as Manifest);
  const contractAddresses = [...new Set(present.filter((p) => p.kind === 'outside').map((p) => p.address))];
  const onContract = firstDifference(
    buildCluster([...objects, ...asManifests(original)]), buildCluster([...objects, ...asManifests(mutant)]), contractAddresses);
  const moduleNames = new Set(present.filter((p) => p.module).map((p) => p.labels?.['app.kubernetes.io/name'] ?? ''));
  const probe = probeTopology([original, mutant], release, moduleNames);
  const probePods = probe.objects.filter((o) => o.kind === 'Pod').length;
  const addresses = [...new Set([...contractAddresses, ...probe.addresses])].filter((a) => parseAddress(a));
  if (onContract.difference) {
    return { contractEquivalent: false, probeEquivalent: false, pairs: onContract.pairs, probePods, probeAddresses: addresses.length, difference: onContract.difference };
  }
  const base = [...objects, ...probe.objects];
  const onProbe = firstDifference(buildCluster([...base, ...asManifests(original)]), buildCluster([...base, ...asManifests(mutant)]), addresses);
  return { contractEquivalent: true, probeEquivalent: !onProbe.difference, pairs: onProbe.pairs, probePods, probeAddresses: addresses.length, difference: onProbe.difference };
}

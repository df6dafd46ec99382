// Is a surviving mutant equivalent to the original? It is when the analyzer finds the same connections for
// every pair of peers under both readings of ipBlock (Kubernetes/Cilium and Calico), on a probe topology
// richer than the contract's: the contract topology for the landscape's values, plus, for every selector
// and ipBlock of either version, a pod that the selector matches (in a namespace its namespaceSelector
// matches) and the first and last address of every block.
import {
  buildCluster, parseAddress, parseCidr, type Cluster, type Manifest,
} from '../../analyze/index.ts';
import { evaluatorFor, type Endpoint } from '../../analyze/engine.ts';
import { formatAddress } from '../../analyze/ip.ts';
import { loadContract } from '../../report/contract/spec.ts';
import { instantiate } from '../../report/contract/topology.ts';
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

/** Labels a pod (or namespace) needs to match a selector; undefined when none can (e.g. DoesNotExist only). */
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

function connectivity(cluster: Cluster, addresses: string[], ipBlockMatchesPods: boolean): { keys: string[]; sets: string[] } {
  const evaluator = evaluatorFor(cluster, { ipBlockMatchesPods });
  const endpoints: { key: string; endpoint: Endpoint; pod: boolean }[] = [
    ...cluster.pods.map((pod) => ({ key: `${pod.namespace}/${pod.name}`, endpoint: evaluator.podEndpoint(pod), pod: true })),
    ...addresses.map((text) => ({ key: text, endpoint: { addresses: [parseAddress(text)!] }, pod: false })),
  ];
  const keys: string[] = [];
  const sets: string[] = [];
  for (const src of endpoints) for (const dst of endpoints) {
    if (src === dst || (!src.pod && !dst.pod)) continue;
    keys.push(`${src.key} -> ${dst.key}`);
    sets.push(evaluator.connections(src.endpoint, dst.endpoint).toString());
  }
  return { keys, sets };
}

function firstDifference(before: Cluster, after: Cluster, addresses: string[]): { pairs: number; difference?: string } {
  let pairs = 0;
  for (const [reading, calico] of [['kubernetes', false], ['calico', true]] as const) {
    const a = connectivity(before, addresses, calico);
    const b = connectivity(after, addresses, calico);
    pairs = a.keys.length;
    const i = a.sets.findIndex((x, j) => x !== b.sets[j]);
    if (i >= 0) return { pairs, difference: `${a.keys[i]} (${reading} reading): original ${a.sets[i] || 'nothing'}, mutant ${b.sets[i] || 'nothing'}` };
  }
  return { pairs };
}

export function equivalence(original: Doc[], mutant: Doc[], values: object): Equivalence {
  const contract = loadContract();
  const topology = instantiate(contract, values);
  const release = contract.topology.releaseNamespace;
  const asManifests = (docs: Doc[]) => docs.map((d) => ({ ...d, source: 'rendered' }) as Manifest);
  const contractAddresses = topology.peers.filter((p) => p.kind === 'address').map((p) => p.address);
  const onContract = firstDifference(
    buildCluster([...topology.objects, ...asManifests(original)]), buildCluster([...topology.objects, ...asManifests(mutant)]), contractAddresses);
  const moduleNames = new Set(topology.peers.filter((p) => p.module).map((p) => p.labels?.['app.kubernetes.io/name'] ?? ''));
  const probe = probeTopology([original, mutant], release, moduleNames);
  const probePods = probe.objects.filter((o) => o.kind === 'Pod').length;
  const addresses = [...new Set([...contractAddresses, ...probe.addresses])].filter((a) => parseAddress(a));
  if (onContract.difference) {
    return { contractEquivalent: false, probeEquivalent: false, pairs: onContract.pairs, probePods, probeAddresses: addresses.length, difference: onContract.difference };
  }
  const base = [...topology.objects, ...probe.objects];
  const onProbe = firstDifference(buildCluster([...base, ...asManifests(original)]), buildCluster([...base, ...asManifests(mutant)]), addresses);
  return { contractEquivalent: true, probeEquivalent: !onProbe.difference, pairs: onProbe.pairs, probePods, probeAddresses: addresses.length, difference: onProbe.difference };
}

// Cross-check of connlist against a deliberately naive evaluator written straight from the
// Kubernetes documentation: it reads the raw policy manifests, has no caches, no pod classes and
// no interval arithmetic, and is asked port by port. Synthetic clusters supply the variety.
import t from 'tap';
import { syntheticManifests } from '../../tools/analyze/bench/synthetic.ts';
import { buildCluster, type Pod } from '../../tools/analyze/cluster.ts';
import { connlist } from '../../tools/analyze/connlist.ts';
import { type Protocol } from '../../tools/analyze/connection-set.ts';
import { parseAddress, parseCidr } from '../../tools/analyze/ip.ts';

type Labels = Record<string, string>;
type Ip = { family: string; value: bigint };
type End = { pod: Pod } | { ip: Ip };

function selects(selector: any, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = k(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const k = (labels: Labels, key: string) => Object.prototype.hasOwnProperty.call(labels, key);

const cidrs = new Map<string, ReturnType<typeof parseCidr>>();
function inCidr(ip: Ip, cidr: string): boolean {
  if (!cidrs.has(cidr)) cidrs.set(cidr, parseCidr(cidr));
  const r = cidrs.get(cidr)!;
  return r.family === ip.family && r.first <= ip.value && ip.value <= r.last;
}

t.test('connlist agrees with a naive evaluator', async (t) => {
  for (const seed of (process.env.SEEDS ?? '1,2,3,4,5,6,7,8').split(',').map(Number)) {
    const manifests = syntheticManifests(30, 25, seed);
    const cluster = buildCluster(manifests);
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const nsLabels = (ns: string) => cluster.namespaces.get(ns)!.labels as Labels;

    const peerMatches = (peer: any, policyNs: string, end: End): boolean => {
      if (peer.ipBlock) return 'ip' in end && inCidr(end.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(end.ip, e));
      if (!('pod' in end)) return false;
      const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, nsLabels(end.pod.namespace)) : end.pod.namespace === policyNs;
      return nsOk && (!peer.podSelector || selects(peer.podSelector, end.pod.labels as Labels));
    };
    const portMatches = (entry: any, protocol: Protocol, port: number, dst: End): boolean => {
      if ((entry.protocol ?? 'TCP') !== protocol) return false;
      if (entry.port === undefined) return true;
      if (typeof entry.port === 'number') return entry.port <= port && port <= (entry.endPort ?? entry.port);
      return 'pod' in dst && dst.pod.ports.some((p) => p.name === entry.port && p.protocol === protocol && p.port === port);
    };
    // The port lists of the rules admitting `other` (undefined: the side is not isolated).
    const admittingRules = (dir: 'ingress' | 'egress', subject: End, other: End): any[][] | undefined => {
      if (!('pod' in subject)) return undefined;
      const type = dir === 'ingress' ? 'Ingress' : 'Egress';
      const selecting = policies.filter((p) => {
        const types = p.spec.policyTypes ?? ['Ingress', ...(p.spec.egress?.length ? ['Egress'] : [])];
        return p.metadata!.namespace === subject.pod.namespace && types.includes(type) && selects(p.spec.podSelector, subject.pod.labels as Labels);
      });
      if (selecting.length === 0) return undefined;
      return selecting.flatMap((p) =>
        (p.spec[dir] ?? [])
          .filter((rule: any) => {
            const peers = rule[dir === 'ingress' ? 'from' : 'to'];
            return !peers?.length || peers.some((peer: any) => peerMatches(peer, p.metadata!.namespace!, other));
          })
          .map((rule: any) => rule.ports ?? []),
      );
    };
    const sideAllows = (rules: any[][] | undefined, dst: End, protocol: Protocol, port: number) =>
      rules === undefined || rules.some((ports) => ports.length === 0 || ports.some((e) => portMatches(e, protocol, port, dst)));
    // Ports where a set can change: every bound the manifests mention, and their neighbours.
    const bounds = new Set([1, 65535]);
    for (const p of policies) for (const dir of ['ingress', 'egress']) for (const r of p.spec[dir] ?? []) for (const e of r.ports ?? []) {
      if (typeof e.port === 'number') [e.port, e.endPort ?? e.port].forEach((b: number) => [b - 1, b, b + 1].forEach((x) => bounds.add(x)));
    }
    for (const pod of cluster.pods) for (const p of pod.ports) [p.port - 1, p.port, p.port + 1].forEach((x) => bounds.add(x));
    const samples = [...bounds].filter((x) => x >= 1 && x <= 65535);

    const byName = new Map<string, End>();
    for (const pod of cluster.pods) byName.set(pod.workload, { pod });
    const endOf = (name: string): End => byName.get(name) ?? { ip: parseAddress(name.slice(0, name.indexOf('-')))! };
    const listed = new Map(connlist(cluster).connections.map((c) => [`${c.src.name} ${c.dst.name}`, c.connections]));
    // External pieces in the roles connlist gives them (sources are cut by from-blocks, destinations by to-blocks).
    const connectionNames = [...listed.keys()].map((key) => key.split(' '));
    const sources = new Set([...byName.keys(), ...connectionNames.map(([src]) => src)]);
    const destinations = new Set([...byName.keys(), ...connectionNames.map(([, dst]) => dst)]);
    let mismatches = 0;
    let checked = 0;
    for (const src of sources) for (const dst of destinations) {
      if (src === dst || (src.endsWith('[External]') && dst.endsWith('[External]'))) continue;
      const set = listed.get(`${src} ${dst}`);
      const [from, to] = [endOf(src), endOf(dst)];
      const [egress, ingress] = [admittingRules('egress', from, to), admittingRules('ingress', to, from)];
      for (const protocol of ['TCP', 'UDP', 'SCTP'] as Protocol[]) for (const port of samples) {
        checked++;
        const naive = sideAllows(egress, to, protocol, port) && sideAllows(ingress, to, protocol, port);
        if ((set?.allows(protocol, port) ?? false) !== naive) {
          if (mismatches++ < 3) t.comment(`seed ${seed}: ${src} => ${dst} ${protocol} ${port}: connlist ${set}, naive ${naive}`);
        }
      }
    }
    t.equal(mismatches, 0, `seed ${seed}: ${checked} port checks, ${listed.size} connections`);
  }
});

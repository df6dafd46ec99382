// The NetworkPolicies already in a cluster beside the chart: NetworkPolicies add up, so whatever an existing
// policy allows stays allowed however narrow the chart is. The audit puts the chart's policies and the
// existing ones into the reference topology and, under each CNI reading, lists every connection of a module
// workload that the chart alone forbids and the union allows, with the existing rules that allow it.
import { existsSync } from 'node:fs';
import {
  READINGS, allowedConnections, buildCluster, explain, loadManifests, parseManifests, type Cluster, type ConnectionSet, type Manifest,
  type Policy, type Protocol, type Reading,
} from '../analyze/index.ts';
import { UserError } from '../errors.ts';
import { contractText } from './messages.ts';
import { analyzerPeer, type ContractPeer, type Topology } from './topology.ts';

/**
 * The NetworkPolicies in files as `kubectl get networkpolicies -A -o yaml` prints them (a List, or multi-document
 * YAML). A broken document or a file without any NetworkPolicy is an error: an audit of half a file would say
 * less than it seems to.
 */
export function loadExistingPolicies(files: readonly string[]): Manifest[] {
  const objects: Manifest[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new UserError(contractText.existingMissing(file));
    const { objects: found, undecodable } = loadManifests([file]);
    if (undecodable.length) throw new UserError(contractText.existingBroken(file, undecodable.join('; ')));
    const policies = found.filter((o) => o.kind === 'NetworkPolicy');
    if (!policies.length) throw new UserError(contractText.existingEmpty(file));
    objects.push(...policies);
  }
  return objects;
}

/** The NetworkPolicies of a rendered output. */
export function policiesOf(rendered: string): Policy[] {
  const { objects } = parseManifests(rendered, 'the rendered chart');
  return [...buildCluster(objects.filter((o) => o.kind === 'NetworkPolicy')).policies];
}

/** The existing policies that are not the chart's own: objects of the same namespace and name are the release's. */
export function foreignPolicies(existing: readonly Manifest[], chart: readonly Policy[]): Policy[] {
  const own = new Set(chart.map((p) => p.id));
  return buildCluster(existing).policies.filter((p) => !own.has(p.id));
}

/**
 * The cluster of the given topology peers (those that exist for the values: `presentPeersFor`) with these
 * policies: their pods and nodes, the topology's namespaces.
 */
export function clusterWith(topology: Topology, peers: readonly ContractPeer[], policies: readonly Policy[]): Cluster {
  const namespaces = new Map(topology.namespaces);
  for (const p of policies) {
    if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, { name: p.namespace, labels: { 'kubernetes.io/metadata.name': p.namespace } });
  }
  const pods = [...new Set(peers.flatMap((p) => (p.pod ? [p.pod] : [])))];
  const nodes = [...new Set(peers.flatMap((p) => (p.node ? [p.node] : [])))];
  return { namespaces, pods, nodes, policies: [...policies], warnings: [] };
}

/** An existing rule that admits a connection in a direction the chart alone closes, for one module workload. */
export interface ReopeningRule {
  /** `namespace/name direction rule N` */
  rule: string;
  /** the workload the direction belongs to: the source for egress, the destination for ingress */
  workload: ContractPeer;
}

export interface ReopenedFlow {
  src: ContractPeer;
  dst: ContractPeer;
  /** what the existing policies add to what the chart alone allows */
  connections: ConnectionSet;
  readings: Reading[];
  /** the existing rules that reopen it, one per direction the chart alone closes */
  rules: ReopeningRule[];
}


/** A port of the set, for asking which rules admit it. */
function representative(set: ConnectionSet): [Protocol, number] {
  const protocol = set.protocols()[0];
  return [protocol, set.portRanges(protocol)[0][0]];
}

/**
 * Every connection between the topology's peers, one of them a module workload, that the existing policies
 * reopen: allowed with them, denied by the chart alone. Pairs of peers that exist for the values only.
 */
export function auditExisting(topology: Topology, peers: readonly ContractPeer[], chart: readonly Policy[], existing: readonly Policy[]): ReopenedFlow[] {
  const alone = clusterWith(topology, peers, chart);
  const together = clusterWith(topology, peers, [...chart, ...existing]);
  const existingIds = new Set(existing.map((p) => p.id));
  const found = new Map<string, ReopenedFlow>();
  for (const reading of READINGS) {
    for (const src of peers) {
      for (const dst of peers) {
        if (src === dst || !(src.module || dst.module) || (src.kind !== 'pod' && dst.kind !== 'pod')) continue;
        const [from, to] = [analyzerPeer(src), analyzerPeer(dst)];
        const added = allowedConnections(together, from, to, { reading }).minus(allowedConnections(alone, from, to, { reading }));
        if (added.isEmpty()) continue;
        // the existing rules of the directions the chart alone closes: they are what reopens the connection
        const [protocol, port] = representative(added);
        const before = explain(alone, from, to, port, protocol, { reading });
        const after = explain(together, from, to, port, protocol, { reading });
        const directions = (['egress', 'ingress'] as const).filter((d) => !before[d].allowed);
        const rules = directions.flatMap((direction) => after[direction].matchingRules
          .filter((r) => existingIds.has(r.policy))
          .map((r) => ({ rule: `${r.policy} ${direction} rule ${r.index}`, workload: direction === 'egress' ? src : dst })));
        const key = `${src.key}\0${dst.key}\0${added}`;
        const known = found.get(key);
        if (known) known.readings.push(reading);
        else found.set(key, { src, dst, connections: added, readings: [reading], rules });
      }
    }
  }
  return [...found.values()];
}

/**
 * The reopened connections grouped by the existing rule that reopens them (a connection closed in both
 * directions by the chart appears under the rule of each), at most `limit` lines a rule.
 */
export function formatReopened(flows: readonly ReopenedFlow[], limit = 8): string[] {
  const groups = new Map<string, { header: ReopeningRule; lines: string[] }>();
  for (const f of flows) {
    for (const r of f.rules) {
      const group = groups.get(r.rule) ?? { header: r, lines: [] };
      const others = f.rules.filter((o) => o !== r).map((o) => o.rule);
      group.lines.push(contractText.reopened(f.src.display, f.dst.display, f.connections.toString(), contractText.readings(f.readings), others));
      groups.set(r.rule, group);
    }
  }
  return [...groups.values()].flatMap(({ header, lines }) => [
    contractText.reopenedBy(header.rule, header.workload.display, lines.length),
    ...lines.slice(0, limit).map((l) => `    ${l}`),
    ...(lines.length > limit ? [`    ${contractText.more(lines.length - limit)}`] : []),
  ]);
}

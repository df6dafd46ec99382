// Graphviz dot: workloads grouped by namespace, nodes (cluster-scoped) as hexagons, external ranges
// as boxes, edges labelled with the allowed connections.
import type { Connection, ConnlistPeer } from '../connlist.ts';

const quote = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

export function formatDot(connections: readonly Connection[]): string {
  const peers = new Map<string, ConnlistPeer>();
  for (const c of connections) peers.set(c.src.name, c.src).set(c.dst.name, c.dst);
  const byNamespace = new Map<string, ConnlistPeer[]>();
  const nodes: ConnlistPeer[] = [];
  const external: ConnlistPeer[] = [];
  for (const peer of [...peers.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (peer.kind === 'external') external.push(peer);
    else if (peer.namespace === undefined) nodes.push(peer);
    else byNamespace.set(peer.namespace, [...(byNamespace.get(peer.namespace) ?? []), peer]);
  }
  const lines = ['digraph {', '\trankdir=LR', '\tnode [fontname="Helvetica" fontsize=10]', '\tedge [fontname="Helvetica" fontsize=9]'];
  for (const [namespace, members] of byNamespace) {
    lines.push(`\tsubgraph ${quote(`cluster_${namespace}`)} {`, `\t\tlabel=${quote(namespace)}`);
    for (const peer of members) lines.push(`\t\t${quote(peer.name)} [label=${quote(peer.name.slice(namespace.length + 1))} shape=ellipse color=blue]`);
    lines.push('\t}');
  }
  for (const peer of nodes) lines.push(`\t${quote(peer.name)} [label=${quote(peer.name)} shape=hexagon color=darkgreen]`);
  for (const peer of external) lines.push(`\t${quote(peer.name)} [label=${quote(peer.name)} shape=box color=red2]`);
  for (const c of connections) {
    const allConnections = c.connections.isAll();
    lines.push(`\t${quote(c.src.name)} -> ${quote(c.dst.name)} [label=${quote(c.connections.toString())} color=${allConnections ? 'red' : 'gold2'}]`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

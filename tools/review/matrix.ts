// `matrix`: the module's connectivity in the reference topology, as a Markdown table (rows: sources,
// columns: destinations, cells: allowed ports) and as a Graphviz diagram laid out to SVG in process.
import { instance } from '@viz-js/viz';
import { READINGS, allowedConnections, type ConnectionSet } from '../analyze/index.ts';
import type { ContractPeer } from '../contract/index.ts';
import { UserError } from '../errors.ts';
import { generatedHeader } from '../generate/output-file.ts';
import { readmePath, replaceBetween } from '../generate/readme.ts';
import { messages } from './messages.ts';
import { peerOf, reviewValues, type Review } from './session.ts';

/** Where a peer is drawn. */
export type PeerGroup = 'workloads' | 'module' | 'platform' | 'host' | 'outside';

export const groupTitles: Record<PeerGroup, string> = {
  module: 'module namespace',
  workloads: 'workload namespaces',
  platform: 'kube-system and istio-system',
  host: 'host network',
  outside: 'outside the cluster',
};

export interface MatrixPeer {
  readonly key: string;
  readonly display: string;
  readonly group: PeerGroup;
  readonly peer: ContractPeer;
}

/** What one reading allows, per CNI reading; the same set twice when the readings agree. */
export type Cell = readonly ConnectionSet[] | undefined;

export interface MatrixCell {
  readonly src: MatrixPeer;
  readonly dst: MatrixPeer;
  /** per reading (READINGS order); undefined: not a pair the matrix evaluates (neither peer a module workload) */
  readonly connections: Cell;
}

export interface Matrix {
  readonly peers: MatrixPeer[];
  readonly cells: MatrixCell[][];
}

function groupOf(p: ContractPeer, moduleNamespace: string): PeerGroup {
  if (p.module) return 'module';
  if (p.kind !== 'pod') return p.kind;
  return p.namespace === 'kube-system' || p.namespace === 'istio-system' || p.namespace === moduleNamespace ? 'platform' : 'workloads';
}

/** The topology's `reviewed` peers that exist for the values: their first address only. */
export function matrixPeers(review: Review): MatrixPeer[] {
  const moduleNamespace = review.topology.peers.find((p) => p.module)?.namespace ?? '';
  return review.peers
    .filter((p) => (p.names.has('reviewed') || p.id === 'outside') && !p.key.includes('#'))
    .map((peer) => ({ key: peer.key, display: peer.display, group: groupOf(peer, moduleNamespace), peer }));
}

export function buildMatrix(review: Review): Matrix {
  const peers = matrixPeers(review);
  const cells = peers.map((src) =>
    peers.map((dst): MatrixCell => {
      const evaluated = src.key !== dst.key && (src.group === 'module' || dst.group === 'module') && (src.peer.kind === 'pod' || dst.peer.kind === 'pod');
      if (!evaluated) return { src, dst, connections: undefined };
      const [from, to] = [peerOf(src.peer).peer, peerOf(dst.peer).peer];
      return { src, dst, connections: READINGS.map((reading) => allowedConnections(review.cluster, from, to, { reading })) };
    }),
  );
  return { peers, cells };
}

const setText = (c: ConnectionSet) => (c.isEmpty() ? '—' : c.isAll() ? 'all' : c.toString().replace(/,(?=[A-Z])/g, ', '));

/** `TCP 8888`, `all` for every port of every protocol, `—` for none, empty where the pair is not the module's; per reading where they differ. */
export function cellText(connections: Cell): string {
  if (connections === undefined) return '';
  const texts = connections.map(setText);
  return texts.every((t) => t === texts[0]) ? texts[0] : texts.map((t, i) => `${READINGS[i]}: ${t}`).join('; ');
}

/** The connections the readings agree on (for the diagram's edges). */
const agreed = (connections: Cell) => connections?.reduce((acc, c) => acc.intersect(c));

const code = (text: string) => `\`${text}\``;

export function matrixMarkdown(matrix: Matrix): string {
  const rows = matrix.peers.map((p, i) => ({ p, row: matrix.cells[i] })).filter(({ row }) => row.some((c) => c.connections));
  const columns = matrix.peers.map((p, j) => ({ p, j })).filter(({ j }) => matrix.cells.some((row) => row[j].connections));
  const header = `| from \\ to | ${columns.map(({ p }) => code(p.key)).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const lines = rows.map(({ p, row }) => `| ${code(p.key)} | ${columns.map(({ j }) => cellText(row[j].connections)).join(' | ')} |`);
  const legend = [
    '| peer | pod, host or address | where |',
    '|---|---|---|',
    ...matrix.peers.map((p) => `| ${code(p.key)} | ${code(p.display)} | ${groupTitles[p.group]} |`),
  ];
  return [header, rule, ...lines, '', ...legend, ''].join('\n');
}

/** A dot string literal; a newline in the text becomes a line break of the label. */
const quote = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
const groupOrder: PeerGroup[] = ['workloads', 'module', 'platform', 'host', 'outside'];

interface DiagramNode { readonly id: string; readonly members: MatrixPeer[] }

/**
 * Peers outside the module that the matrix cannot tell apart (same row and same column) share one node:
 * with the defaults every external address is reached alike, and one box says so.
 */
function diagramNodes(matrix: Matrix): { nodes: DiagramNode[]; nodeOf: Map<string, string> } {
  const signature = (p: MatrixPeer, i: number) => JSON.stringify([
    p.group, matrix.cells[i].map((c) => cellText(c.connections)), matrix.cells.map((r) => cellText(r[i].connections)),
  ]);
  const nodes: DiagramNode[] = [];
  const bySignature = new Map<string, DiagramNode>();
  const nodeOf = new Map<string, string>();
  matrix.peers.forEach((p, i) => {
    if (!matrix.cells[i].some((c) => c.connections) && !matrix.cells.some((r) => r[i].connections)) return;
    const key = p.group === 'module' ? `module:${p.key}` : signature(p, i);
    let node = bySignature.get(key);
    if (!node) {
      node = { id: p.key, members: [] };
      bySignature.set(key, node);
      nodes.push(node);
    }
    node.members.push(p);
    nodeOf.set(p.key, node.id);
  });
  return { nodes, nodeOf };
}

/**
 * Graphviz dot: one node per module workload and per group of peers that behave alike, in a cluster per
 * group, and one edge per allowed pair. What every module workload may reach of a destination is one
 * edge from the module namespace's border; a workload that may reach more has its own edge.
 */
export function matrixDot(matrix: Matrix, title: string): string {
  const { nodes, nodeOf } = diagramNodes(matrix);
  const lines = [
    'digraph connectivity {',
    `\tlabel=${quote(title)} labelloc=t fontname="Helvetica" fontsize=14`,
    '\trankdir=LR compound=true nodesep=0.2 ranksep=1.5',
    '\tnode [fontname="Helvetica" fontsize=10 style=filled fillcolor=white]',
    '\tedge [fontname="Helvetica" fontsize=8 color=gray40 fontcolor=gray20]',
  ];
  for (const group of groupOrder) {
    const members = nodes.filter((n) => n.members[0].group === group);
    if (members.length === 0) continue;
    lines.push(`\tsubgraph ${quote(`cluster_${group}`)} {`, `\t\tlabel=${quote(groupTitles[group])} style=rounded color=gray60`);
    for (const n of members) {
      const p = n.members[0];
      const fill = group === 'module' ? 'lightblue' : p.peer.kind === 'outside' ? 'lightyellow' : p.peer.kind === 'host' ? 'lightgrey' : 'white';
      const label = n.members.length === 1 ? `${p.key}\n${p.display}` : n.members.map((m) => m.key).join('\n');
      lines.push(`\t\t${quote(n.id)} [label=${quote(label)} shape=${p.peer.kind === 'pod' ? 'ellipse' : 'box'} fillcolor=${fill}]`);
    }
    lines.push('\t}');
  }
  const drawn = new Set<string>();
  const edge = (src: string, dst: string, connections: ConnectionSet, extra = '') => {
    const key = `${extra}\0${src}\0${dst}`;
    if (drawn.has(key)) return;
    drawn.add(key);
    const color = connections.isAll() ? ' color=red fontcolor=red' : '';
    lines.push(`\t${quote(src)} -> ${quote(dst)} [label=${quote(`${extra}${setText(connections)}`)}${color}${extra ? ' ltail="cluster_module" style=bold' : ''}]`);
  };
  const moduleRows = matrix.cells.filter((row) => row[0].src.group === 'module');
  matrix.peers.forEach((dst, j) => {
    const id = nodeOf.get(dst.key);
    if (!id) return;
    const sets = moduleRows.map((row) => agreed(row[j].connections));
    if (dst.group === 'module' || moduleRows.length < 2 || sets.some((s) => !s)) {
      moduleRows.forEach((row, i) => {
        if (sets[i] && !sets[i]!.isEmpty()) edge(nodeOf.get(row[j].src.key)!, id, sets[i]!);
      });
      return;
    }
    const common = (sets as ConnectionSet[]).reduce((acc, set) => acc.intersect(set));
    if (!common.isEmpty()) edge(nodeOf.get(moduleRows[0][j].src.key)!, id, common, 'every module pod: ');
    moduleRows.forEach((row, i) => {
      if (!sets[i]!.isEmpty() && !sets[i]!.equals(common)) edge(nodeOf.get(row[j].src.key)!, id, sets[i]!);
    });
  });
  for (const row of matrix.cells) {
    if (row[0].src.group === 'module') continue;
    for (const cell of row) {
      const c = agreed(cell.connections);
      if (c && !c.isEmpty() && nodeOf.has(cell.src.key) && nodeOf.has(cell.dst.key)) edge(nodeOf.get(cell.src.key)!, nodeOf.get(cell.dst.key)!, c);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export async function matrixSvg(matrix: Matrix, title: string): Promise<string> {
  const viz = await instance();
  return viz.renderString(matrixDot(matrix, title), { format: 'svg' });
}

// The chart README's section for the defaults, and its diagram: generated files (tools/generated.ts writes them).
export const svgPath = 'chart/connectivity.svg';
export const BEGIN = '<!-- BEGIN generated connectivity matrix -->';
export const END = '<!-- END generated connectivity matrix -->';
const defaultsTitle = 'telemetry-netpol with the defaults (ADR 028 phase 1)';

export function readmeSection(matrix: Matrix): string {
  return [
    BEGIN,
    generatedHeader('markdown', "the chart's defaults (tools/review/matrix.ts)"),
    '',
    '## Connectivity with the defaults',
    '',
    'The policies rendered with the defaults, put into the flow contract\'s reference topology (test/contract/topology.yaml):',
    'the module workloads with their real labels, a labelled RMA scraper, customer workloads with and without the OTLP',
    'label, a labelled scrape target, the platform\'s pods, host-network endpoints (nodes, node-local-dns, apiserver-proxy)',
    'and addresses outside the cluster. A cell lists what the policies allow from the row to the column (both the',
    'source\'s egress and the destination\'s ingress), under both CNI readings of ipBlock (`calico: …; cilium: …` where',
    'they differ); `all` means every port of every protocol, `—` nothing; pairs without a module workload are left',
    'empty. In the diagram, which shows what both readings allow, peers the policies treat alike share a box.',
    `\`npx telemetry-netpol matrix -f VALUES\` prints the same for a landscape, \`explain\` tells which rule decides a port.`,
    '',
    `![Connectivity with the defaults](${svgPath.replace(/^chart\//, '')})`,
    '',
    matrixMarkdown(matrix).trimEnd(),
    '',
    END,
  ].join('\n');
}

export function replaceSection(current: string, section: string): string {
  const replaced = replaceBetween(current, BEGIN, END, section);
  if (replaced === undefined) throw new UserError(messages.readmeMarkers(readmePath, BEGIN, END));
  return replaced;
}

/** The matrix of the chart in `chart` (default: chart/) with its defaults, as the chart README and the SVG show it. */
export async function connectivityOutputs(chart?: string): Promise<{ readmeSection: (current: string) => string; svgPath: string; svg: string }> {
  const matrix = buildMatrix(await reviewValues([], { chart }));
  const section = readmeSection(matrix);
  return { readmeSection: (current) => replaceSection(current, section), svgPath, svg: await matrixSvg(matrix, defaultsTitle) };
}

export const matrixTitle = (valuesFiles: readonly string[]) =>
  valuesFiles.length ? `telemetry-netpol with ${valuesFiles.join(', ')}` : defaultsTitle;

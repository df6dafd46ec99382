// `matrix`: the module's connectivity in the reference topology, as a Markdown table (rows: sources,
// columns: destinations, cells: allowed ports) and as a Graphviz diagram laid out to SVG in process.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { instance } from '@viz-js/viz';
import { allowedConnections, type ConnectionSet } from '../analyze/index.ts';
import { UserError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { messages } from './messages.ts';
import { peerOf, reviewValues, type Review } from './session.ts';
import { groupTitles, type PeerGroup, type TopologyPeer } from './topology.ts';

export interface MatrixCell {
  readonly src: TopologyPeer;
  readonly dst: TopologyPeer;
  /** undefined: not a pair the matrix evaluates (a peer to itself, or neither peer a module workload). */
  readonly connections: ConnectionSet | undefined;
}

export interface Matrix {
  readonly sources: TopologyPeer[];
  readonly destinations: TopologyPeer[];
  readonly cells: MatrixCell[][];
}

export function buildMatrix(review: Review): Matrix {
  const sources = review.topology.peers.filter((p) => p.source);
  const destinations = review.topology.peers.filter((p) => p.destination);
  const cells = sources.map((src) =>
    destinations.map((dst): MatrixCell => {
      if (src.alias === dst.alias || (src.group !== 'module' && dst.group !== 'module')) return { src, dst, connections: undefined };
      return { src, dst, connections: allowedConnections(review.cluster, peerOf(review, src).peer, peerOf(review, dst).peer) };
    }),
  );
  return { sources, destinations, cells };
}

/** `TCP 8888`, `all` for every port of every protocol, `—` for none, empty where the pair is not the module's. */
export function cellText(connections: ConnectionSet | undefined): string {
  if (connections === undefined) return '';
  if (connections.isEmpty()) return '—';
  if (connections.isAll()) return 'all';
  return connections.toString().replace(/,(?=[A-Z])/g, ', ');
}

const code = (text: string) => `\`${text}\``;

export function matrixMarkdown(matrix: Matrix): string {
  const header = `| from \\ to | ${matrix.destinations.map((d) => code(d.alias)).join(' | ')} |`;
  const rule = `|---|${matrix.destinations.map(() => '---').join('|')}|`;
  const rows = matrix.cells.map((row, i) => `| ${code(matrix.sources[i].alias)} | ${row.map((c) => cellText(c.connections)).join(' | ')} |`);
  const peers = [...matrix.sources, ...matrix.destinations].filter((p, i, all) => all.findIndex((q) => q.alias === p.alias) === i);
  const legend = [
    '| peer | pod or address | stands for |',
    '|---|---|---|',
    ...peers.map((p) => `| ${code(p.alias)} | ${code(p.ref)} | ${p.title} |`),
  ];
  return [header, rule, ...rows, '', ...legend, ''].join('\n');
}

/** A dot string literal; a newline in the text becomes a line break of the label. */
const quote = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
const groupOrder: PeerGroup[] = ['workloads', 'module', 'kube-system', 'external'];

interface DiagramNode { readonly id: string; readonly members: TopologyPeer[] }

/**
 * Peers outside the module that the matrix cannot tell apart (same row and same column) share one node:
 * with the defaults every external address is reached alike, and one box says so.
 */
function diagramNodes(matrix: Matrix): { nodes: DiagramNode[]; nodeOf: Map<string, string> } {
  const peers = [...matrix.sources, ...matrix.destinations].filter((p, i, all) => all.findIndex((q) => q.alias === p.alias) === i);
  const signature = (p: TopologyPeer) => {
    const i = matrix.sources.findIndex((s) => s.alias === p.alias);
    const j = matrix.destinations.findIndex((d) => d.alias === p.alias);
    const row = i < 0 ? [] : matrix.cells[i].map((c) => cellText(c.connections));
    const column = j < 0 ? [] : matrix.cells.map((r) => cellText(r[j].connections));
    return JSON.stringify([p.group, p.kind, i < 0, j < 0, row, column]);
  };
  const nodes: DiagramNode[] = [];
  const bySignature = new Map<string, DiagramNode>();
  const nodeOf = new Map<string, string>();
  for (const p of peers) {
    const key = p.group === 'module' ? `module:${p.alias}` : signature(p);
    let node = bySignature.get(key);
    if (!node) {
      node = { id: p.alias, members: [] };
      bySignature.set(key, node);
      nodes.push(node);
    }
    node.members.push(p);
    nodeOf.set(p.alias, node.id);
  }
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
      const fill = group === 'module' ? 'lightblue' : p.kind === 'address' ? 'lightyellow' : 'white';
      const label = n.members.length === 1 ? `${p.alias}\n${p.ref}` : n.members.map((m) => `${m.alias} ${m.ref}`).join('\n');
      lines.push(`\t\t${quote(n.id)} [label=${quote(label)} shape=${p.kind === 'address' ? 'box' : 'ellipse'} fillcolor=${fill}]`);
    }
    lines.push('\t}');
  }
  const drawn = new Set<string>();
  const edge = (src: string, dst: string, connections: ConnectionSet, extra = '') => {
    const key = `${extra}\0${src}\0${dst}`;
    if (drawn.has(key)) return;
    drawn.add(key);
    const color = connections.isAll() ? ' color=red fontcolor=red' : '';
    lines.push(`\t${quote(src)} -> ${quote(dst)} [label=${quote(`${extra}${cellText(connections)}`)}${color}${extra ? ' ltail="cluster_module" style=bold' : ''}]`);
  };
  const moduleRows = matrix.cells.filter((row) => row[0].src.group === 'module');
  matrix.destinations.forEach((dst, j) => {
    const id = nodeOf.get(dst.alias)!;
    if (dst.group === 'module' || moduleRows.length < 2) {
      for (const row of moduleRows) {
        const c = row[j].connections;
        if (c && !c.isEmpty()) edge(nodeOf.get(row[j].src.alias)!, id, c);
      }
      return;
    }
    const sets = moduleRows.map((row) => row[j].connections!);
    const common = sets.reduce((acc, set) => acc.intersect(set));
    if (!common.isEmpty()) edge(nodeOf.get(moduleRows[0][j].src.alias)!, id, common, 'every module pod: ');
    moduleRows.forEach((row, i) => {
      if (!sets[i].isEmpty() && !sets[i].equals(common)) edge(nodeOf.get(row[j].src.alias)!, id, sets[i]);
    });
  });
  for (const row of matrix.cells) {
    if (row[0].src.group === 'module') continue;
    for (const cell of row) {
      if (cell.connections && !cell.connections.isEmpty()) edge(nodeOf.get(cell.src.alias)!, nodeOf.get(cell.dst.alias)!, cell.connections);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export async function matrixSvg(matrix: Matrix, title: string): Promise<string> {
  const viz = await instance();
  return viz.renderString(matrixDot(matrix, title), { format: 'svg' });
}

// The README section for the defaults.
export const readmePath = 'chart/README.md';
export const svgPath = 'chart/connectivity.svg';
export const readmeCommand = 'npx telemetry-netpol matrix --readme';
export const BEGIN = '<!-- BEGIN generated connectivity matrix -->';
export const END = '<!-- END generated connectivity matrix -->';
const defaultsTitle = 'telemetry-netpol with the defaults (ADR 028 phase 1)';

export function readmeSection(matrix: Matrix): string {
  return [
    BEGIN,
    `<!-- Generated by \`${readmeCommand}\` from the chart's defaults. Do not edit: regenerate the chart, then run the command. -->`,
    '',
    '## Connectivity with the defaults',
    '',
    'The policies rendered with the defaults, put into a reference topology: the module workloads with their real labels,',
    'a labelled RMA scraper, customer workloads with and without the OTLP label, a labelled scrape target, the cluster DNS',
    'pods and external addresses. A cell lists what the policies allow from the row to the column (both the source\'s',
    'egress and the destination\'s ingress); `all` means every port of every protocol, `—` nothing; pairs without a',
    'module workload are left empty. In the diagram, peers the policies treat alike share a box.',
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
  const start = current.indexOf(BEGIN);
  const stop = current.indexOf(END);
  if (start < 0 || stop < start) throw new UserError(messages.readmeMarkers(readmePath, BEGIN, END));
  return current.slice(0, start) + section + current.slice(stop + END.length);
}

/** The two generated files for the defaults, as they should be. */
export async function readmeFiles(root = projectRoot): Promise<{ path: string; content: string }[]> {
  const matrix = buildMatrix(await reviewValues([]));
  const current = readFileSync(join(root, readmePath), 'utf8');
  return [
    { path: readmePath, content: replaceSection(current, readmeSection(matrix)) },
    { path: svgPath, content: await matrixSvg(matrix, defaultsTitle) },
  ];
}

/** Paths whose committed content differs from what `matrix --readme` writes. */
export async function readmeDrift(root = projectRoot): Promise<string[]> {
  const files = await readmeFiles(root);
  return files.filter((f) => !existsSync(join(root, f.path)) || readFileSync(join(root, f.path), 'utf8') !== f.content).map((f) => f.path);
}

export async function writeReadme(root = projectRoot): Promise<string[]> {
  const files = await readmeFiles(root);
  const written: string[] = [];
  for (const f of files) {
    const target = join(root, f.path);
    if (existsSync(target) && readFileSync(target, 'utf8') === f.content) continue;
    writeFileSync(target, f.content);
    written.push(f.path);
  }
  return written;
}

export const matrixTitle = (valuesFiles: readonly string[]) =>
  valuesFiles.length ? `telemetry-netpol with ${valuesFiles.join(', ')}` : defaultsTitle;

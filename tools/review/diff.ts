// `diff`: the flows one render allows and the other does not, in the analyzer's connlist notation.
// Both renders are put into the same topology (the union of what both values place), and the external
// address space is cut by the ipBlocks of both, so that every external piece means the same in both.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { connlist, ConnectionSet, type Cluster, type Policy } from '../analyze/index.ts';
import { UserError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { messages } from './messages.ts';
import { clusterOf, fullValues, render } from './session.ts';
import { buildTopology } from './topology.ts';

export interface FlowChange {
  readonly src: string;
  readonly dst: string;
  /** Connections the second render allows and the first does not. */
  readonly added: ConnectionSet;
  /** Connections the first render allows and the second does not. */
  readonly removed: ConnectionSet;
}

/** A namespace no pod lives in: policies moved there select nothing but still cut the address space. */
const REFINEMENT_NAMESPACE = 'telemetry-netpol-diff-refinement';

function withInertPolicies(cluster: Cluster, other: Cluster): Cluster {
  const inert = other.policies.map((p): Policy => ({ ...p, namespace: REFINEMENT_NAMESPACE, id: `${REFINEMENT_NAMESPACE}/${p.name}` }));
  return { ...cluster, policies: [...cluster.policies, ...inert] };
}

function flows(cluster: Cluster): Map<string, { src: string; dst: string; connections: ConnectionSet }> {
  return new Map(
    connlist(cluster).connections.map((c) => [`${c.src.name}\0${c.dst.name}`, { src: c.src.name, dst: c.dst.name, connections: c.connections }]),
  );
}

/** Per pair of peers, the connections added and removed from `before` to `after`, sorted by source then destination. */
export function diffClusters(before: Cluster, after: Cluster): FlowChange[] {
  const a = flows(withInertPolicies(before, after));
  const b = flows(withInertPolicies(after, before));
  const changes: FlowChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key)?.connections ?? ConnectionSet.NONE;
    const y = b.get(key)?.connections ?? ConnectionSet.NONE;
    const added = y.minus(x);
    const removed = x.minus(y);
    if (added.isEmpty() && removed.isEmpty()) continue;
    const { src, dst } = (a.get(key) ?? b.get(key))!;
    changes.push({ src, dst, added, removed });
  }
  return changes.sort((p, q) => (p.src < q.src ? -1 : p.src > q.src ? 1 : p.dst < q.dst ? -1 : p.dst > q.dst ? 1 : 0));
}

/** `+ SRC => DST : CONNS` and `- SRC => DST : CONNS` lines. */
export function formatChanges(changes: readonly FlowChange[]): string {
  const lines = changes.flatMap((c) => [
    ...(c.removed.isEmpty() ? [] : [`- ${c.src} => ${c.dst} : ${c.removed}`]),
    ...(c.added.isEmpty() ? [] : [`+ ${c.src} => ${c.dst} : ${c.added}`]),
  ]);
  return lines.map((l) => `${l}\n`).join('');
}

export function countChanges(changes: readonly FlowChange[]): { added: number; removed: number } {
  return {
    added: changes.filter((c) => !c.added.isEmpty()).length,
    removed: changes.filter((c) => !c.removed.isEmpty()).length,
  };
}

/** Two renders of the working-tree chart: `before` values files against `after` values files. */
export async function diffValues(before: readonly string[], after: readonly string[]): Promise<FlowChange[]> {
  const values = [fullValues(before), fullValues(after)];
  const [x, y] = await Promise.all([render(before), render(after)]);
  // the same clients and addresses around both; the module workloads each render deploys
  return diffClusters(clusterOf(x, buildTopology(values, [values[0]])), clusterOf(y, buildTopology(values, [values[1]])));
}

const git = $({ quiet: true, nothrow: true, cwd: projectRoot });

/** Extracts chart/ as it was at `ref` into a new temporary folder; returns the chart folder. */
export async function chartAtRef(ref: string, into: string): Promise<string> {
  const prefix = await git`git rev-parse --show-prefix`;
  if (prefix.exitCode !== 0) throw new UserError(messages.badRef(ref, prefix.stderr.trim()));
  const tar = join(into, 'chart.tar');
  const archived = await git`git archive --format=tar -o ${tar} ${`${ref}:${prefix.stdout.trim()}chart`}`;
  if (archived.exitCode !== 0) throw new UserError(messages.badRef(ref, archived.stderr.trim()));
  const chart = join(into, 'chart');
  mkdirSync(chart);
  const extracted = await git`tar -xf ${tar} -C ${chart}`;
  if (extracted.exitCode !== 0) throw new UserError(messages.badRef(ref, extracted.stderr.trim()));
  return chart;
}

/** The chart at a git ref against the working tree, both rendered with the same values files. */
export async function diffRef(ref: string, valuesFiles: readonly string[]): Promise<FlowChange[]> {
  const topology = buildTopology([fullValues(valuesFiles)]);
  const temp = mkdtempSync(join(tmpdir(), 'telemetry-netpol-diff-'));
  try {
    const oldChart = await chartAtRef(ref, temp);
    const [x, y] = await Promise.all([render(valuesFiles, oldChart), render(valuesFiles)]);
    return diffClusters(clusterOf(x, topology), clusterOf(y, topology));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

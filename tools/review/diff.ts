// `diff`: the flows of the module's workloads one render allows and the other does not, in the analyzer's
// connlist notation, under each CNI reading of ipBlock. Each render is put into the reference topology of its
// own values (a peer that exists in one only, istiod without Istio say, shows all its flows as added or
// removed), and the external address space is cut by the ipBlocks of both, so that every external piece means
// the same in both.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { READINGS, connlist, ConnectionSet, type Cluster, type Policy, type Reading } from '../analyze/index.ts';
import { UserError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { messages } from './messages.ts';
import { reviewValues, type Review } from './session.ts';

export interface FlowChange {
  /** the readings under which the change holds */
  readonly readings: readonly Reading[];
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

function flows(cluster: Cluster, reading: Reading): Map<string, { src: string; dst: string; connections: ConnectionSet }> {
  return new Map(
    connlist(cluster, { reading }).connections.map((c) => [`${c.src.name}\0${c.dst.name}`, { src: c.src.name, dst: c.dst.name, connections: c.connections }]),
  );
}

/**
 * Per pair of peers, one of them a module workload (the chart speaks for no other pair), the connections added
 * and removed from `before` to `after` under each reading; a change the readings share is listed once. Sorted
 * by source, then destination.
 */
export function diffClusters(before: Cluster, after: Cluster, moduleWorkloads: ReadonlySet<string>): FlowChange[] {
  const byText = new Map<string, FlowChange>();
  for (const reading of READINGS) {
    for (const change of diffUnder(before, after, reading)) {
      if (!moduleWorkloads.has(change.src) && !moduleWorkloads.has(change.dst)) continue;
      const key = `${change.src}\0${change.dst}\0${change.added}\0${change.removed}`;
      const known = byText.get(key);
      byText.set(key, known ? { ...known, readings: [...known.readings, reading] } : change);
    }
  }
  return [...byText.values()].sort((p, q) => (p.src < q.src ? -1 : p.src > q.src ? 1 : p.dst < q.dst ? -1 : p.dst > q.dst ? 1 : 0));
}

function diffUnder(before: Cluster, after: Cluster, reading: Reading): FlowChange[] {
  const a = flows(withInertPolicies(before, after), reading);
  const b = flows(withInertPolicies(after, before), reading);
  const changes: FlowChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key)?.connections ?? ConnectionSet.NONE;
    const y = b.get(key)?.connections ?? ConnectionSet.NONE;
    const added = y.minus(x);
    const removed = x.minus(y);
    if (added.isEmpty() && removed.isEmpty()) continue;
    const { src, dst } = (a.get(key) ?? b.get(key))!;
    changes.push({ readings: [reading], src, dst, added, removed });
  }
  return changes;
}

/** `+ SRC => DST : CONNS` and `- SRC => DST : CONNS` lines, ` (calico only)` where one reading has the change. */
export function formatChanges(changes: readonly FlowChange[]): string {
  const only = (c: FlowChange) => (c.readings.length === READINGS.length ? '' : ` (${c.readings.join(', ')} only)`);
  const lines = changes.flatMap((c) => [
    ...(c.removed.isEmpty() ? [] : [`- ${c.src} => ${c.dst} : ${c.removed}${only(c)}`]),
    ...(c.added.isEmpty() ? [] : [`+ ${c.src} => ${c.dst} : ${c.added}${only(c)}`]),
  ]);
  return lines.map((l) => `${l}\n`).join('');
}

export function countChanges(changes: readonly FlowChange[]): { added: number; removed: number } {
  return {
    added: changes.filter((c) => !c.added.isEmpty()).length,
    removed: changes.filter((c) => !c.removed.isEmpty()).length,
  };
}

/** Two reviewed renders (each in the reference topology of its values), as connlist compares them. */
function diffReviews(a: Review, b: Review): FlowChange[] {
  const workloads = new Set([...a.peers, ...b.peers].filter((p) => p.module && p.pod).map((p) => p.pod!.workload));
  return diffClusters(a.cluster, b.cluster, workloads);
}

/** Two renders of the working-tree chart: `before` values files against `after` values files. */
export async function diffValues(before: readonly string[], after: readonly string[]): Promise<FlowChange[]> {
  const [a, b] = await Promise.all([reviewValues(before), reviewValues(after)]);
  return diffReviews(a, b);
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
  const temp = mkdtempSync(join(tmpdir(), 'telemetry-netpol-diff-'));
  try {
    const oldChart = await chartAtRef(ref, temp);
    const [a, b] = await Promise.all([reviewValues(valuesFiles, { chart: oldChart }), reviewValues(valuesFiles)]);
    return diffReviews(a, b);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

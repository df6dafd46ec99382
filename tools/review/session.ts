// One reviewed render: the chart rendered with helm for some values files, its policies put into the
// reference topology, and the peers named the way a reviewer names them.
import { existsSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { buildCluster, parseManifests, resolvePeer, type Cluster, type Peer } from '../analyze/index.ts';
import { HelmNotFound, resolveHelm } from '../render/helm.ts';
import { RenderFailed, renderChart } from '../render/render.ts';
import { valuesFor } from '../report/rendered-checks.ts';
import type { Values } from '../model/index.ts';
import { messages } from './messages.ts';
import { buildTopology, type Topology, type TopologyPeer } from './topology.ts';

export interface Review {
  readonly values: Values;
  readonly rendered: string;
  readonly topology: Topology;
  readonly cluster: Cluster;
}

export function fullValues(valuesFiles: readonly string[]): Values {
  for (const f of valuesFiles) if (!existsSync(f)) throw new UserError(messages.valuesFileMissing(f));
  return valuesFor([...valuesFiles]);
}

/** `helm template` (Helm 4) of the chart (default: chart/) with the values files. */
export async function render(valuesFiles: readonly string[], chart?: string): Promise<string> {
  for (const f of valuesFiles) if (!existsSync(f)) throw new UserError(messages.valuesFileMissing(f));
  try {
    return await renderChart(await resolveHelm(4), { valuesFiles: [...valuesFiles], chart });
  } catch (err) {
    if (err instanceof RenderFailed || err instanceof HelmNotFound) throw new UserError(messages.renderFailed(err.message));
    throw err;
  }
}

/** The rendered policies with the topology's namespaces and pods. */
export function clusterOf(rendered: string, topology: Topology): Cluster {
  const { objects } = parseManifests(rendered, 'the rendered chart');
  return buildCluster([...topology.objects, ...objects]);
}

export async function reviewValues(valuesFiles: readonly string[], chart?: string): Promise<Review> {
  const values = fullValues(valuesFiles);
  const rendered = await render(valuesFiles, chart);
  const topology = buildTopology([values]);
  return { values, rendered, topology, cluster: clusterOf(rendered, topology) };
}

export interface NamedPeer {
  readonly peer: Peer;
  /** `alias (namespace/name)`, `alias (address)`, or the text as given. */
  readonly label: string;
  /** `namespace/name` of a pod or the address. */
  readonly ref: string;
}

export function peerOf(review: Pick<Review, 'cluster' | 'topology'>, p: TopologyPeer): NamedPeer {
  return { peer: resolvePeer(review.cluster, p.ref), label: `${p.alias} (${p.ref})`, ref: p.ref };
}

/** A topology alias, `namespace/name` of a pod of the topology, or an IP address. */
export function findPeer(review: Pick<Review, 'cluster' | 'topology'>, text: string): NamedPeer {
  const byAlias = review.topology.peers.find((p) => p.alias === text);
  if (byAlias) return peerOf(review, byAlias);
  const byRef = review.topology.peers.find((p) => p.ref === text);
  if (byRef) return peerOf(review, byRef);
  try {
    const peer = resolvePeer(review.cluster, text);
    return { peer, label: text, ref: text };
  } catch (err) {
    if (err instanceof UserError) throw new UserError(messages.unknownPeer(text, review.topology.peers.map((p) => p.alias)));
    throw err;
  }
}

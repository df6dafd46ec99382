// One reviewed render: the chart rendered with helm for some values files, its policies (and, with
// --existing, the NetworkPolicies already in the cluster) put into the flow contract's reference topology,
// the one topology of the toolkit, instantiated for the values.
import { existsSync } from 'node:fs';
import { resolvePeer, type Cluster, type Peer } from '../analyze/index.ts';
import {
  analyzerPeer, clusterWith, foreignPolicies, loadExistingPolicies, policiesOf, presentPeersFor, topologyFor, type ContractPeer, type Topology,
} from '../contract/index.ts';
import { UserError } from '../errors.ts';
import { noClusterFacts, type ClusterFacts, type Values } from '../model/index.ts';
import { HelmNotFound, resolveHelm } from '../render/helm.ts';
import { RenderFailed, renderChart } from '../render/render.ts';
import { valuesFor } from '../render/values.ts';
import { messages } from './messages.ts';

export interface Review {
  readonly values: Values;
  readonly facts: ClusterFacts;
  readonly rendered: string;
  readonly topology: Topology;
  /** the peers that exist for the values, in topology order */
  readonly peers: ContractPeer[];
  /** the topology with the chart's policies (and the existing ones, when given) */
  readonly cluster: Cluster;
  /** ids (`namespace/name`) of the existing policies added to the cluster */
  readonly existing: ReadonlySet<string>;
}

export function fullValues(valuesFiles: readonly string[]): Values {
  for (const f of valuesFiles) if (!existsSync(f)) throw new UserError(messages.valuesFileMissing(f));
  return valuesFor([...valuesFiles]);
}

/** `helm template` (Helm 4) of the chart (default: chart/) with the values files (checked by `fullValues`). */
async function render(valuesFiles: readonly string[], chart?: string, facts: ClusterFacts = noClusterFacts): Promise<string> {
  try {
    return await renderChart(await resolveHelm(4), { valuesFiles: [...valuesFiles], chart, facts });
  } catch (err) {
    if (err instanceof RenderFailed || err instanceof HelmNotFound) throw new UserError(messages.renderFailed(err.message));
    throw err;
  }
}

export interface ReviewOptions {
  chart?: string;
  facts?: ClusterFacts;
  /** files with the NetworkPolicies already in the cluster */
  existing?: readonly string[];
}

export async function reviewValues(valuesFiles: readonly string[], opts: ReviewOptions = {}): Promise<Review> {
  const values = fullValues(valuesFiles);
  const facts = opts.facts ?? noClusterFacts;
  const rendered = await render(valuesFiles, opts.chart, facts);
  const chart = policiesOf(rendered);
  const existing = foreignPolicies(loadExistingPolicies(opts.existing ?? []), chart);
  const topology = topologyFor(values, facts);
  const peers = presentPeersFor(values, facts);
  return {
    values, facts, rendered, topology, peers,
    cluster: clusterWith(topology, peers, [...chart, ...existing]),
    existing: new Set(existing.map((p) => p.id)),
  };
}

export interface NamedPeer {
  readonly peer: Peer;
  /** `key (display)`, or the text as given */
  readonly label: string;
  readonly kind: 'pod' | 'host' | 'outside';
}

/** The analyzer's peer for a topology peer: its pod or node, or its address. */
export function peerOf(p: ContractPeer): NamedPeer {
  return { peer: analyzerPeer(p), label: `${p.key} (${p.display})`, kind: p.kind };
}

/** A topology peer's key, `namespace/name` of a topology pod, or an IP address (a topology host's, or outside). */
export function findPeer(review: Pick<Review, 'cluster' | 'peers'>, text: string): NamedPeer {
  const known = review.peers.find((p) => p.key === text || p.display === text || (p.kind !== 'pod' && p.address === text));
  if (known) return peerOf(known);
  try {
    const peer = resolvePeer(review.cluster, text);
    const kind = typeof peer === 'string' ? 'outside' : 'workload' in peer && !peer.hostNetwork ? 'pod' : 'host';
    return { peer, label: text, kind };
  } catch (err) {
    if (err instanceof UserError) throw new UserError(messages.unknownPeer(text, review.peers.filter((p) => !p.key.includes('#')).map((p) => p.key)));
    throw err;
  }
}

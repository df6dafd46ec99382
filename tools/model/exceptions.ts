// Where a rendered policy must break a hardening rule, why, and the switch that closes it. The lint in
// tools/validate accepts a violation only when it matches one of the exceptions active for the values; the
// chart's NOTES.txt lists the active ones after an install, from the same table.
import { portsText, type Direction, type HardeningException, type HardeningRule } from './hardening.ts';
import { defaultReleaseName, fullname, policyName } from './names.ts';
import { policies } from './policies.ts';
import { allHold, conditionHolds, valueAt, type ClusterFacts, type Values } from './values.ts';
import type { Condition, OpenPeerReason, Peer, PolicySpec, Ports, Rule } from './vocabulary.ts';
import { signalTitles, type Signal } from './workloads.ts';

/** A condition on the values: a rule's condition, or a values list being empty. */
export type Predicate = Condition | { empty: string };

/** An exception a rule's peer (or a backend rule) implies under conditions. */
export interface ExceptionSpec {
  id: string;
  rule: HardeningRule;
  reason: string;
  /** the values key whose setting closes it; null when no switch can */
  closedBy: string | null;
  when: Predicate[];
}

const empty = (key: string): Predicate => ({ empty: key });
const zeroTrust = (is: boolean): Predicate => ({ flag: 'zeroTrust.enabled', is });

/** Why a rule without peers is the only CNI-independent way to its peers. */
const openPeers: Record<OpenPeerReason, ExceptionSpec[]> = {
  'dns-host-network': [{
    id: 'dns-host-network', rule: 'empty-peers', closedBy: 'dns.nodeLocal', when: [],
    reason: 'node-local-dns answers on the host network (169.254.20.10, or the kube-dns ClusterIP in iptables mode): no selector reaches it and Cilium\'s ipBlock matches no host-network endpoint',
  }],
  kubelet: [{
    id: 'kubelet-any-address', rule: 'empty-peers', closedBy: null, when: [],
    reason: 'the kubelet listens on the node addresses (host network): no selector reaches it and Cilium\'s ipBlock matches no node; Gardener\'s gardener.cloud--allow-to-kubelet is the same ports-only rule',
  }],
  'api-server': [{
    id: 'api-server-any-address', rule: 'empty-peers', closedBy: null, when: [{ platform: 'gardener' }, empty('apiServer.cidrs')],
    reason: 'on Gardener pods reach the API server through apiserver-proxy on the host network and at a load balancer in the seed whose address changes; Gardener\'s gardener.cloud--allow-to-apiserver is the same ports-only rule',
  }, {
    id: 'api-server-any-address', rule: 'empty-peers', closedBy: 'apiServer.cidrs', when: [{ platform: 'kubernetes' }, empty('apiServer.cidrs')],
    reason: 'the API server endpoints are control-plane nodes on the host network, which no selector and no Cilium ipBlock matches; a managed control plane outside the cluster can be named in apiServer.cidrs',
  }],
  'webhook-callers': [{
    id: 'webhook-any-source', rule: 'empty-peers', closedBy: 'webhooks.callers',
    when: [{ platform: 'kubernetes' }, empty('webhooks.callers.pods'), empty('webhooks.callers.cidrs')],
    reason: 'the API server calls the webhooks from a control-plane node on the host network, which no selector and no Cilium ipBlock matches; name the callers in webhooks.callers where they are pods or outside addresses',
  }],
};

/** The reason a peer kind is rendered as every peer (under some values), if it can be. */
export function openPeerReason(peer: Peer): OpenPeerReason | undefined {
  if (peer.kind === 'everyPeer') return peer.reason;
  if (peer.kind === 'apiServer') return 'api-server';
  if (peer.kind === 'webhookCallers') return 'webhook-callers';
  return undefined;
}

function peerExceptions(peer: Peer): ExceptionSpec[] {
  const open = openPeerReason(peer);
  if (open) return openPeers[open];
  switch (peer.kind) {
    case 'rmaScrapers':
      return [{
        id: 'rma-any-namespace', rule: 'empty-selector', closedBy: 'rma.namespaces', when: [empty('rma.namespaces')],
        reason: 'no RMA namespaces are configured: labelled scrapers in every namespace may scrape',
      }];
    case 'otlpClients':
      return [{
        id: 'otlp-any-pod', rule: 'empty-selector', closedBy: 'zeroTrust.enabled', when: [zeroTrust(false)],
        reason: 'ADR 028 phase 1: every workload of the cluster may push OTLP data to the gateways',
      }, {
        id: 'otlp-any-namespace', rule: 'empty-selector', closedBy: 'otlp.namespaces', when: [zeroTrust(true), empty('otlp.namespaces')],
        reason: 'labelled OTLP clients may run in any namespace',
      }];
    case 'scrapeTargets':
      return [{
        id: 'scrape-any-port', rule: 'missing-ports', closedBy: null, when: [],
        reason: 'each workload chooses its metrics port through annotations',
      }, {
        id: 'scrape-any-pod', rule: 'empty-selector', closedBy: 'zeroTrust.enabled', when: [zeroTrust(false)],
        reason: 'ADR 028 phase 1: the metric agent scrapes every workload that asks for it through annotations',
      }, {
        id: 'scrape-any-namespace', rule: 'empty-selector', closedBy: 'scrapeTargets.namespaces', when: [zeroTrust(true), empty('scrapeTargets.namespaces')],
        reason: 'labelled scrape targets may run in any namespace',
      }];
    default:
      return [];
  }
}

/**
 * Phase 1 (as upstream and the final ADR write it): every address and every port, one rule without peers and
 * ports; phase 2 lists the ports; addresses only where the admin names them.
 */
const backendExceptions = (signal: Signal): ExceptionSpec[] => [{
  id: `backends-${signal}-any-address`, rule: 'empty-peers', closedBy: `backends.${signal}.cidrs`, when: [empty(`backends.${signal}.cidrs`)],
  reason: `no ${signalTitles[signal]} backend CIDRs are configured: backends may have any address (ADR 028: external services use address ranges that cannot be predicted)`,
}, {
  id: `backends-${signal}-any-port`, rule: 'missing-ports', closedBy: `backends.${signal}.ports`, when: [empty(`backends.${signal}.ports`)],
  reason: `no ${signalTitles[signal]} backend ports are configured: backends may listen on any port (ADR 028 phase 1)`,
}];

function ruleExceptionSpecs(rule: Rule): ExceptionSpec[] {
  return rule.kind === 'backends' ? backendExceptions(rule.signal) : peerExceptions(rule.peer);
}

function predicateHolds(p: Predicate, v: Values, facts: ClusterFacts): boolean {
  if ('empty' in p) return (valueAt(v, p.empty) as unknown[]).length === 0;
  return conditionHolds(p, v, facts);
}

/** The ports a rule renders with under these values, as the lint reads them from the rendered rule. */
function renderedPorts(rule: Rule, v: Values, facts: ClusterFacts): string {
  if (rule.kind === 'backends') return portsText(v.backends[rule.signal].ports.map((port) => ({ protocol: 'TCP', port })));
  const ports: Ports = rule.ports;
  if (ports.kind === 'any') return portsText([]);
  if (ports.kind === 'fromValues') return portsText(v.apiServer.ports.map((port) => ({ protocol: ports.protocol, port })));
  return portsText(ports.ports.filter((p) => allHold(p.when, v, facts)));
}

function policyExceptions(spec: PolicySpec, v: Values, facts: ClusterFacts, fullName: string): HardeningException[] {
  if (spec.component && !conditionHolds({ deployed: spec.component }, v, facts)) return [];
  const policy = policyName(fullName, spec.suffix);
  const of = (direction: Direction) => spec[direction]
    .filter((r) => allHold(r.when, v, facts))
    .flatMap((r) => ruleExceptionSpecs(r)
      .filter((e) => e.when.every((p) => predicateHolds(p, v, facts)))
      .map(({ id, rule, reason, closedBy }) => ({ id, rule, reason, closedBy, policy, direction, ports: renderedPorts(r, v, facts) })));
  return [...of('ingress'), ...of('egress')];
}

/** The exceptions in force for a full values tree, one per policy, direction, hardening rule broken and ports. */
export function activeExceptions(v: Values, facts: ClusterFacts, releaseName = defaultReleaseName): HardeningException[] {
  const fullName = fullname(releaseName, v);
  const seen = new Set<string>();
  return policies.flatMap((p) => policyExceptions(p, v, facts, fullName)).filter((e) => {
    const key = `${e.policy}/${e.direction}/${e.id}/${e.ports}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Each distinct exception with every place it can arise: the policy's component, the rule's conditions and its
 * own. It is active when one of the places holds (NOTES.txt lists it then).
 */
export function exceptionPlaces(): { spec: ExceptionSpec; places: Predicate[][] }[] {
  const found = new Map<string, { spec: ExceptionSpec; places: Predicate[][] }>();
  for (const policy of policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const spec of ruleExceptionSpecs(rule)) {
        const key = `${spec.id} ${spec.closedBy}`;
        const entry = found.get(key) ?? { spec, places: [] };
        entry.places.push([...(policy.component ? [{ deployed: policy.component } as Condition] : []), ...(rule.when ?? []), ...spec.when]);
        found.set(key, entry);
      }
    }
  }
  return [...found.values()];
}

export type { HardeningRule };

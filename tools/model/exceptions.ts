// Where a rendered policy must break a hardening rule, why, and the switch that closes it. The lint in
// tools/validate accepts a violation only when it matches one of the exceptions active for the values.
import { portsText, type Direction, type HardeningException, type HardeningRule } from './hardening.ts';
import { policies } from './policies.ts';
import type { CidrsKey, Condition, Peer, PolicySpec, Ports, Rule } from './vocabulary.ts';
import { policyName, type Signal } from './workloads.ts';

/** A backend running in the cluster: pods in a namespace carrying labels, on their ports. */
export interface InClusterBackend { namespace: string; podLabels: Record<string, string>; ports: number[] }

/** The values shape the model reads (a full values tree: defaults merged with overrides). */
export interface Values {
  zeroTrust: { enabled: boolean };
  backends: Record<Signal, { cidrs: string[]; ports: number[]; inCluster: InClusterBackend[] }>;
  rma: { namespaces: string[]; podLabels: Record<string, string> };
  otlp: { namespaces: string[] };
  scrapeTargets: { namespaces: string[] };
  istio: { enabled: boolean };
  dns: { preset: 'gardener' | 'kubernetes'; cidrs: string[] };
  apiServer: { cidrs: string[]; ports: number[]; webhookSourceCidrs: string[] };
  nodes: { cidrs: string[] };
  components: Record<string, { enabled: boolean; extraIngress: unknown[]; extraEgress: unknown[] }>;
}

const addressExceptionIds: Record<CidrsKey, string> = {
  'dns.cidrs': 'dns-any-address',
  'apiServer.cidrs': 'api-server-any-address',
  'apiServer.webhookSourceCidrs': 'webhook-any-source',
  'nodes.cidrs': 'kubelet-any-address',
};

const addressReasons: Record<CidrsKey, string> = {
  'dns.cidrs': 'DNS answers from node-local-dns on the host network and from Service addresses, which pod selectors cannot match',
  'apiServer.cidrs': 'the API server endpoint addresses are not predictable on managed clusters',
  'apiServer.webhookSourceCidrs': 'the API server calls webhooks from the host network or a VPN, which selectors cannot match',
  'nodes.cidrs': 'the kubelet listens on the node addresses, which are not known in advance',
};

export function conditionHolds(c: Condition, v: Values): boolean {
  if ('component' in c) return v.components[c.component].enabled;
  if ('flag' in c) return (c.flag === 'istio.enabled' ? v.istio.enabled : v.zeroTrust.enabled) === c.is;
  return v.dns.preset === c.dnsPreset;
}

const holds = (when: Condition[] | undefined, v: Values) => (when ?? []).every((c) => conditionHolds(c, v));

type Found = Omit<HardeningException, 'policy' | 'direction' | 'ports'>;

/** The ports a rule renders with under these values, as the lint reads them from the rendered rule. */
function renderedPorts(ports: Ports, v: Values): string {
  if (ports.kind === 'any') return portsText([]);
  if (ports.kind === 'fromValues') return portsText(v.apiServer.ports.map((port) => ({ protocol: ports.protocol, port })));
  return portsText(ports.ports.filter((p) => holds(p.when, v)));
}

function peerExceptions(peer: Peer, v: Values): Found[] {
  switch (peer.kind) {
    case 'modulePods':
    case 'kubeDns':
    case 'istiod':
      return [];
    case 'rmaScrapers':
      return v.rma.namespaces.length ? [] : [{
        id: 'rma-any-namespace', rule: 'empty-selector', closedBy: 'rma.namespaces',
        reason: 'no RMA namespaces are configured: labelled scrapers in every namespace may scrape',
      }];
    case 'otlpClients':
      if (!v.zeroTrust.enabled) {
        return [{
          id: 'otlp-any-pod', rule: 'empty-selector', closedBy: 'zeroTrust.enabled',
          reason: 'ADR 028 phase 1: every workload of the cluster may push OTLP data to the gateways',
        }];
      }
      return v.otlp.namespaces.length ? [] : [{
        id: 'otlp-any-namespace', rule: 'empty-selector', closedBy: 'otlp.namespaces',
        reason: 'labelled OTLP clients may run in any namespace',
      }];
    case 'scrapeTargets': {
      const anyPort: Found = {
        id: 'scrape-any-port', rule: 'missing-ports', closedBy: null,
        reason: 'each workload chooses its metrics port through annotations',
      };
      if (!v.zeroTrust.enabled) {
        return [anyPort, {
          id: 'scrape-any-pod', rule: 'empty-selector', closedBy: 'zeroTrust.enabled',
          reason: 'ADR 028 phase 1: the metric agent scrapes every workload that asks for it through annotations',
        }];
      }
      return v.scrapeTargets.namespaces.length ? [anyPort] : [anyPort, {
        id: 'scrape-any-namespace', rule: 'empty-selector', closedBy: 'scrapeTargets.namespaces',
        reason: 'labelled scrape targets may run in any namespace',
      }];
    }
    case 'addresses': {
      const [group, key] = peer.cidrsKey.split('.') as ['dns' | 'apiServer' | 'nodes', 'cidrs'];
      const cidrs = (v[group] as Record<string, string[]>)[key];
      return cidrs.length ? [] : [{
        id: addressExceptionIds[peer.cidrsKey],
        rule: 'any-address', closedBy: peer.cidrsKey, reason: addressReasons[peer.cidrsKey],
      }];
    }
  }
}

function ruleExceptions(rule: Rule, v: Values): Omit<HardeningException, 'policy' | 'direction'>[] {
  if (rule.kind === 'backends') {
    const b = v.backends[rule.signal];
    const ports = portsText(b.ports.map((port) => ({ protocol: 'TCP', port })));
    const found: Found[] = [];
    if (!b.cidrs.length) {
      found.push({
        id: `backends-${rule.signal}-any-address`, rule: 'any-address', closedBy: `backends.${rule.signal}.cidrs`,
        reason: `no ${rule.signal} backend CIDRs are configured: backends may have any address`,
      });
    }
    if (!b.ports.length) {
      found.push({
        id: `backends-${rule.signal}-any-port`, rule: 'missing-ports', closedBy: `backends.${rule.signal}.ports`,
        reason: `no ${rule.signal} backend ports are configured: backends may listen on any port`,
      });
    }
    return found.map((e) => ({ ...e, ports }));
  }
  const ports = renderedPorts(rule.ports, v);
  return rule.peers.flatMap((p) => peerExceptions(p, v)).map((e) => ({ ...e, ports }));
}

function policyExceptions(spec: PolicySpec, v: Values): HardeningException[] {
  if (spec.component && !v.components[spec.component].enabled) return [];
  const policy = policyName(spec.suffix);
  const of = (direction: Direction) => spec[direction]
    .filter((r) => holds(r.when, v))
    .flatMap((r) => ruleExceptions(r, v))
    .map((e) => ({ ...e, policy, direction }));
  return [...of('ingress'), ...of('egress')];
}

/** The exceptions in force for a full values tree, one per policy, direction, hardening rule broken and ports. */
export function activeExceptions(v: Values): HardeningException[] {
  const seen = new Set<string>();
  return policies.flatMap((p) => policyExceptions(p, v)).filter((e) => {
    const key = `${e.policy}/${e.direction}/${e.id}/${e.ports}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export type { HardeningRule };

// The small vocabulary flows are written in. A flow reads as a sentence:
//   ingress(from.rmaScrapers(), onPorts(tcp(8888)), 'RMA scrapes the metrics')
// and says nothing about Helm: tools/generate turns it into templates, tools/validate reads its exceptions.
import type { ComponentKey, Signal } from './workloads.ts';

/** When a rule or a port is rendered. All conditions of a list must hold. */
export type Condition =
  | { component: ComponentKey }
  | { flag: 'istio.enabled' | 'zeroTrust.enabled'; is: boolean }
  | { dnsPreset: 'gardener' | 'kubernetes' };

export type Protocol = 'TCP' | 'UDP';

export interface PortSpec {
  port: number;
  protocol: Protocol;
  when?: Condition[];
}

/** Which pods or addresses a rule talks to. Each kind is one documented helper in the chart. */
export type Peer =
  /** pods of one module workload, in the release namespace */
  | { kind: 'modulePods'; component: ComponentKey }
  /** pods carrying rma.podLabels in rma.namespaces (any namespace when empty) */
  | { kind: 'rmaScrapers' }
  /** customer pods pushing OTLP: any pod (phase 1) or labelled pods (zero trust) */
  | { kind: 'otlpClients' }
  /** customer pods the metric agent scrapes: any pod (phase 1) or labelled pods (zero trust) */
  | { kind: 'scrapeTargets' }
  /** the cluster DNS pods in kube-system, labelled per dns.preset */
  | { kind: 'kubeDns' }
  /** the Istio control plane (istiod) in istio-system */
  | { kind: 'istiod' }
  /** the CIDRs at a values key; every address (0.0.0.0/0 and ::/0) when the list is empty */
  | { kind: 'addresses'; cidrsKey: CidrsKey };

export type CidrsKey = 'dns.cidrs' | 'apiServer.cidrs' | 'apiServer.webhookSourceCidrs' | 'nodes.cidrs';

/** The ports of a rule: a fixed list, a list from values, or every port (an exception). */
export type Ports =
  | { kind: 'fixed'; ports: PortSpec[] }
  | { kind: 'fromValues'; key: 'apiServer.ports'; protocol: Protocol }
  | { kind: 'any' };

export type Rule =
  | { kind: 'peers'; intent: string; peers: Peer[]; ports: Ports; when?: Condition[] }
  /** the signal's backends: its CIDRs on its ports, and one rule per in-cluster backend */
  | { kind: 'backends'; intent: string; signal: Signal; when?: Condition[] };

export interface PolicySpec {
  /** name suffix: kyma-project.io--telemetry-<suffix> */
  suffix: string;
  /** one line for the file header and the docs */
  purpose: string;
  /** the component the policy exists for; none for the baseline */
  component?: ComponentKey;
  podSelector: Record<string, string>;
  ingress: Rule[];
  egress: Rule[];
  /** components.<component>.extraIngress/extraEgress are appended */
  extraRules: boolean;
}

export const tcp = (port: number, ...when: Condition[]): PortSpec => (when.length ? { port, protocol: 'TCP', when } : { port, protocol: 'TCP' });
export const udp = (port: number, ...when: Condition[]): PortSpec => (when.length ? { port, protocol: 'UDP', when } : { port, protocol: 'UDP' });
export const onPorts = (...ports: PortSpec[]): Ports => ({ kind: 'fixed', ports });
export const anyPort: Ports = { kind: 'any' };

export const from = {
  modulePods: (component: ComponentKey): Peer => ({ kind: 'modulePods', component }),
  rmaScrapers: (): Peer => ({ kind: 'rmaScrapers' }),
  otlpClients: (): Peer => ({ kind: 'otlpClients' }),
  addresses: (cidrsKey: CidrsKey): Peer => ({ kind: 'addresses', cidrsKey }),
};

export const to = {
  modulePods: from.modulePods,
  scrapeTargets: (): Peer => ({ kind: 'scrapeTargets' }),
  kubeDns: (): Peer => ({ kind: 'kubeDns' }),
  istiod: (): Peer => ({ kind: 'istiod' }),
  addresses: from.addresses,
};

export function rule(intent: string, peers: Peer[], ports: Ports, ...when: Condition[]): Rule {
  return when.length ? { kind: 'peers', intent, peers, ports, when } : { kind: 'peers', intent, peers, ports };
}

export function backendsOf(signal: Signal, intent: string): Rule {
  return { kind: 'backends', intent, signal };
}

export const whenEnabled = (component: ComponentKey): Condition => ({ component });
export const whenIstio: Condition = { flag: 'istio.enabled', is: true };

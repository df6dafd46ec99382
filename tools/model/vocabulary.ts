// The small vocabulary flows are written in. A flow reads as a sentence:
//   rule('RMA scrapes the log agent metrics', from.rmaScrapers(), onPorts(tcp(8888)))
// and says nothing about Helm: tools/generate turns it into templates, tools/validate reads its exceptions.
import type { ComponentKey, Signal } from './workloads.ts';

/** When a rule or a port is rendered. All conditions of a list must hold. */
export type Condition =
  /** the release serves the workload: components.K.enabled, and for a gateway its layout is gateways.layout */
  | { deployed: ComponentKey | 'gateways' }
  /** Istio sidecars run: istio.enabled true, or auto and the cluster serves an *.istio.io API */
  | { istio: true }
  | { flag: 'zeroTrust.enabled' | 'dns.nodeLocal'; is: boolean }
  | { platform: Platform };

export type Platform = 'gardener' | 'kubernetes';
export type Protocol = 'TCP' | 'UDP';

export interface PortSpec {
  port: number;
  protocol: Protocol;
  when?: Condition[];
}

/**
 * A deliberate rule without peers: it admits its ports from or to every peer, pods, host-network endpoints and
 * outside addresses alike, on every CNI. The only CNI-independent way to reach a host-network endpoint.
 */
export type OpenPeerReason = 'dns-host-network' | 'kubelet' | 'api-server' | 'webhook-callers';

/** Which pods or addresses a rule talks to. Each kind is one documented helper in the chart. */
export type Peer =
  /** pods of one module workload, by upstream's selector, in the release namespace */
  | { kind: 'modulePods'; component: ComponentKey }
  /** the gateways of either generation, by app.kubernetes.io/component: gateway, in the release namespace */
  | { kind: 'gatewayPods' }
  /** pods carrying rma.podLabels in rma.namespaces (any namespace when empty) */
  | { kind: 'rmaScrapers' }
  /** customer pods pushing OTLP: any pod (phase 1) or labelled pods (zero trust) */
  | { kind: 'otlpClients' }
  /** customer pods the metric agent scrapes: any pod (phase 1) or labelled pods (zero trust) */
  | { kind: 'scrapeTargets' }
  /** the CoreDNS pods in kube-system, as the platform labels them */
  | { kind: 'clusterDns' }
  /** the Istio control plane (istiod) in istio-system */
  | { kind: 'istiod' }
  /** who calls the manager's webhooks for the API server: the platform's callers and webhooks.callers; every peer when none */
  | { kind: 'webhookCallers' }
  /** the API server at apiServer.cidrs; every peer when the list is empty */
  | { kind: 'apiServer' }
  /** every peer, on purpose (see OpenPeerReason) */
  | { kind: 'everyPeer'; reason: OpenPeerReason };

/** The ports of a rule: a fixed list, a list from values, or every port (an exception). */
export type Ports =
  | { kind: 'fixed'; ports: PortSpec[] }
  | { kind: 'fromValues'; key: 'apiServer.ports'; protocol: Protocol }
  | { kind: 'any' };

export type Rule =
  | { kind: 'peers'; intent: string; peer: Peer; ports: Ports; when?: Condition[] }
  /**
   * The signal's backends: every address and port (phase 1), or backends.<signal>.ports to every address, or
   * backends.<signal>.cidrs on those ports; then one rule per in-cluster backend.
   */
  | { kind: 'backends'; intent: string; signal: Signal; when?: Condition[] };

export interface PolicySpec {
  /** name suffix: kyma-project.io--<fullname>-<suffix> */
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
export const apiServerPorts: Ports = { kind: 'fromValues', key: 'apiServer.ports', protocol: 'TCP' };

const everyPeer = (reason: OpenPeerReason): Peer => ({ kind: 'everyPeer', reason });

export const from = {
  modulePods: (component: ComponentKey): Peer => ({ kind: 'modulePods', component }),
  rmaScrapers: (): Peer => ({ kind: 'rmaScrapers' }),
  otlpClients: (): Peer => ({ kind: 'otlpClients' }),
  webhookCallers: (): Peer => ({ kind: 'webhookCallers' }),
};

export const to = {
  modulePods: from.modulePods,
  gatewayPods: (): Peer => ({ kind: 'gatewayPods' }),
  scrapeTargets: (): Peer => ({ kind: 'scrapeTargets' }),
  clusterDns: (): Peer => ({ kind: 'clusterDns' }),
  istiod: (): Peer => ({ kind: 'istiod' }),
  apiServer: (): Peer => ({ kind: 'apiServer' }),
  everyPeer,
};

export function rule(intent: string, peer: Peer, ports: Ports, ...when: Condition[]): Rule {
  return when.length ? { kind: 'peers', intent, peer, ports, when } : { kind: 'peers', intent, peer, ports };
}

export function backendsOf(signal: Signal, intent: string): Rule {
  return { kind: 'backends', intent, signal };
}

export const whenDeployed = (component: ComponentKey | 'gateways'): Condition => ({ deployed: component });
export const whenIstio: Condition = { istio: true };
export const onPlatform = (platform: Platform): Condition => ({ platform });
export const whenNodeLocalDns: Condition = { flag: 'dns.nodeLocal', is: true };

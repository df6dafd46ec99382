// Every flow of ADR 028 (phases 1 and 2) as the module runs today, one line of intent each, grouped into the
// policies the chart renders: the baseline for all module pods, then one policy per workload.
import {
  anyPort, apiServerPorts, backendsOf, from, onPlatform, onPorts, rule, tcp, to, udp, whenDeployed, whenIstio, whenNodeLocalDns,
  type PolicySpec, type Rule,
} from './vocabulary.ts';
import { istioMetricsPort, metricsPorts, moduleLabel, signalTitles, workloads, type ComponentKey, type Workload } from './workloads.ts';

const gardener = onPlatform('gardener');
const kubernetes = onPlatform('kubernetes');

const baseline: PolicySpec[] = [
  {
    suffix: 'dns',
    purpose: 'every module pod resolves names through the cluster DNS',
    podSelector: moduleLabel,
    ingress: [],
    egress: [
      // Egress is checked after the Service DNAT: behind the port-53 Service, CoreDNS listens on 8053 on
      // Gardener (gardener.cloud--allow-to-dns) and on 53 elsewhere.
      rule('resolve names at the CoreDNS pods', to.clusterDns(),
        onPorts(udp(53, kubernetes), tcp(53, kubernetes), udp(8053, gardener), tcp(8053, gardener))),
      // node-local-dns runs on the host network and answers on 169.254.20.10 (IPVS) or on the kube-dns
      // ClusterIP itself (iptables mode, no DNAT): no selector reaches it, and Cilium's ipBlock does not either.
      rule('resolve names at node-local-dns on the host network', to.everyPeer('dns-host-network'),
        onPorts(udp(53), tcp(53)), whenNodeLocalDns),
    ],
    extraRules: false,
  },
  {
    suffix: 'kube-api-server',
    purpose: 'every module pod talks to the Kubernetes API server',
    podSelector: moduleLabel,
    ingress: [],
    egress: [rule('reach the Kubernetes API server', to.apiServer(), apiServerPorts)],
    extraRules: false,
  },
];

/** Scraping of a workload's metrics ports by RMA, plus Envoy's port when Istio injects a sidecar. */
function scrapedByRma(w: Workload): Rule {
  const ports = metricsPorts(w).map((p) => tcp(p));
  if (w.istioSidecar) ports.push(tcp(istioMetricsPort, whenIstio));
  return rule(`RMA scrapes the ${w.title} metrics`, from.rmaScrapers(), onPorts(...ports));
}

/** The self-monitor scrapes the first metrics port of a workload (upstream selfmonitor/resources.go). */
function scrapedBySelfMonitor(w: Workload): Rule {
  return rule(`the self-monitor scrapes the ${w.title} metrics`, from.modulePods('selfMonitor'),
    onPorts(tcp(metricsPorts(w)[0])), whenDeployed('selfMonitor'));
}

const otlpIngress = (w: Workload): Rule =>
  rule(`workloads push OTLP data to the ${w.title}`, from.otlpClients(), onPorts(tcp(4317), tcp(4318)));

const exportsTo = (w: Workload): Rule[] => w.exports.map((s) => backendsOf(s, `export ${s} to the ${signalTitles[s]} backends`));

// The sidecar fetches its configuration and certificates from istiod over xDS.
const sidecarToIstiod = rule('the Istio sidecar fetches its configuration from istiod', to.istiod(), onPorts(tcp(15012)), whenIstio);

function componentPolicy(key: ComponentKey, ingress: Rule[], egress: Rule[]): PolicySpec {
  const w = workloads[key];
  return {
    suffix: w.policy,
    purpose: `ingress and egress of the ${w.title}`,
    component: key,
    podSelector: w.selector,
    ingress,
    egress: w.istioSidecar ? [...egress, sidecarToIstiod] : egress,
    extraRules: true,
  };
}

/** An exporter scraped by the self-monitor and RMA; a gateway also takes OTLP. */
function exporterPolicy(key: ComponentKey, extraEgress: Rule[] = []): PolicySpec {
  const w = workloads[key];
  const ingress = [...(w.layout ? [otlpIngress(w)] : []), scrapedBySelfMonitor(w), scrapedByRma(w)];
  return componentPolicy(key, ingress, [...exportsTo(w), ...extraEgress]);
}

const { manager, selfMonitor, fluentBit, logAgent, metricAgent } = workloads;

const perComponent: PolicySpec[] = [
  componentPolicy('manager', [
    rule('the API server calls the admission and conversion webhooks', from.webhookCallers(), onPorts(tcp(9443))),
    rule('the self-monitor sends alerts to the manager webhook', from.modulePods('selfMonitor'),
      onPorts(tcp(9443)), whenDeployed('selfMonitor')),
    scrapedByRma(manager),
  ], [
    rule('the manager queries alerts from the self-monitor', to.modulePods('selfMonitor'),
      onPorts(tcp(selfMonitor.ports[0].port)), whenDeployed('selfMonitor')),
  ]),
  componentPolicy('selfMonitor', [
    rule('the manager queries alerts', from.modulePods('manager'), onPorts(tcp(selfMonitor.ports[0].port)), whenDeployed('manager')),
    rule('RMA queries the self-monitor', from.rmaScrapers(), onPorts(tcp(selfMonitor.ports[0].port))),
  ], [
    ...[fluentBit, logAgent, metricAgent].map((w) =>
      rule(`scrape the ${w.title} metrics`, to.modulePods(w.key), onPorts(tcp(metricsPorts(w)[0])), whenDeployed(w.key))),
    rule('scrape the gateway metrics', to.gatewayPods(), onPorts(tcp(metricsPorts(workloads.otlpGateway)[0])), whenDeployed('gateways')),
    rule('send alerts to the manager webhook', to.modulePods('manager'), onPorts(tcp(9443)), whenDeployed('manager')),
  ]),
  exporterPolicy('fluentBit'),
  exporterPolicy('logAgent'),
  exporterPolicy('metricAgent', [
    // The kubelet listens on the node's host network: only a rule without peers reaches it on every CNI.
    rule('scrape the kubelet on every node', to.everyPeer('kubelet'), onPorts(tcp(10250))),
    // Workloads choose their metrics port through annotations: no port list can be known.
    rule('scrape workloads that expose metrics', to.scrapeTargets(), anyPort),
  ]),
  exporterPolicy('otlpGateway'),
  exporterPolicy('logGateway'),
  exporterPolicy('metricGateway'),
  exporterPolicy('traceGateway'),
];

export const baselinePolicies = baseline;
export const componentPolicies = perComponent;
export const policies: PolicySpec[] = [...baseline, ...perComponent];

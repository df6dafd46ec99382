// Every flow of ADR 028 (phases 1 and 2), one line of intent each, grouped into the policies the chart
// renders: the baseline for all module pods, then one policy per workload.
import {
  anyPort, backendsOf, from, onPorts, rule, tcp, to, udp, whenEnabled, whenIstio,
  type PolicySpec, type Rule,
} from './vocabulary.ts';
import { istioMetricsPort, metricsPorts, moduleLabel, workloads, type ComponentKey, type Workload } from './workloads.ts';

const gardenerDns = { dnsPreset: 'gardener' } as const;
const kubernetesDns = { dnsPreset: 'kubernetes' } as const;

const baseline: PolicySpec[] = [
  {
    suffix: 'dns',
    purpose: 'every module pod resolves names through the cluster DNS',
    podSelector: moduleLabel,
    ingress: [],
    egress: [
      // Egress is checked after the Service DNAT: behind the port-53 Service, CoreDNS pods listen on 8053 on
      // Gardener and on 53 elsewhere.
      rule('resolve names at the cluster DNS pods', [to.kubeDns()],
        onPorts(udp(53, kubernetesDns), tcp(53, kubernetesDns), udp(8053, gardenerDns), tcp(8053, gardenerDns))),
      // node-local-dns runs on the host network: only an address rule reaches it.
      rule('resolve names at node-local DNS and DNS service addresses', [to.addresses('dns.cidrs')],
        onPorts(udp(53), tcp(53))),
    ],
    extraRules: false,
  },
  {
    suffix: 'kube-api-server',
    purpose: 'every module pod talks to the Kubernetes API server',
    podSelector: moduleLabel,
    ingress: [],
    egress: [
      rule('reach the Kubernetes API server', [to.addresses('apiServer.cidrs')],
        { kind: 'fromValues', key: 'apiServer.ports', protocol: 'TCP' }),
    ],
    extraRules: false,
  },
];

/** Scraping of a workload's metrics ports by RMA, plus Envoy's port when Istio injects a sidecar. */
function scrapedByRma(w: Workload): Rule {
  const ports = metricsPorts(w).map((p) => tcp(p));
  if (w.istioSidecar) ports.push(tcp(istioMetricsPort, whenIstio));
  return rule(`RMA scrapes the ${w.title} metrics`, [from.rmaScrapers()], onPorts(...ports));
}

/** The self-monitor scrapes the first metrics port of a workload. */
function scrapedBySelfMonitor(w: Workload): Rule {
  return rule(`the self-monitor scrapes the ${w.title} metrics`, [from.modulePods('selfMonitor')],
    onPorts(tcp(metricsPorts(w)[0])), whenEnabled('selfMonitor'));
}

const otlpIngress = (w: Workload): Rule =>
  rule(`workloads push OTLP data to the ${w.title}`, [from.otlpClients()], onPorts(tcp(4317), tcp(4318)));

// The sidecar fetches its configuration and certificates from istiod over xDS.
const sidecarToIstiod = rule('the Istio sidecar fetches its configuration from istiod', [to.istiod()], onPorts(tcp(15012)), whenIstio);

function componentPolicy(key: ComponentKey, ingress: Rule[], egress: Rule[]): PolicySpec {
  const w = workloads[key];
  return {
    suffix: w.policy,
    purpose: `ingress and egress of the ${w.title}`,
    component: key,
    podSelector: { 'app.kubernetes.io/name': w.name },
    ingress,
    egress: w.istioSidecar ? [...egress, sidecarToIstiod] : egress,
    extraRules: true,
  };
}

const { manager, fluentBit, logAgent, metricAgent, logGateway, metricGateway, traceGateway } = workloads;

const perComponent: PolicySpec[] = [
  componentPolicy('manager', [
    // The API server calls admission and conversion webhooks from outside the pod network.
    rule('the API server calls the admission and conversion webhooks', [from.addresses('apiServer.webhookSourceCidrs')],
      onPorts(tcp(9443))),
    rule('the self-monitor sends alerts to the manager webhook', [from.modulePods('selfMonitor')],
      onPorts(tcp(9443)), whenEnabled('selfMonitor')),
    scrapedByRma(manager),
  ], [
    rule('the manager queries alerts from the self-monitor', [to.modulePods('selfMonitor')],
      onPorts(tcp(9090)), whenEnabled('selfMonitor')),
  ]),
  componentPolicy('selfMonitor', [
    rule('the manager queries alerts', [from.modulePods('manager')], onPorts(tcp(9090)), whenEnabled('manager')),
    rule('RMA queries the self-monitor', [from.rmaScrapers()], onPorts(tcp(9090))),
  ], [
    rule('scrape the Fluent Bit metrics', [to.modulePods('fluentBit')], onPorts(tcp(2020)), whenEnabled('fluentBit')),
    ...(['logAgent', 'metricAgent', 'logGateway', 'metricGateway', 'traceGateway'] as const).map((k) =>
      rule(`scrape the ${workloads[k].title} metrics`, [to.modulePods(k)], onPorts(tcp(8888)), whenEnabled(k))),
    rule('send alerts to the manager webhook', [to.modulePods('manager')], onPorts(tcp(9443)), whenEnabled('manager')),
  ]),
  componentPolicy('fluentBit', [scrapedBySelfMonitor(fluentBit), scrapedByRma(fluentBit)], [
    backendsOf('logs', 'ship logs to the log backends'),
  ]),
  componentPolicy('logAgent', [scrapedBySelfMonitor(logAgent), scrapedByRma(logAgent)], [
    backendsOf('logs', 'export logs to the log backends'),
  ]),
  componentPolicy('metricAgent', [scrapedBySelfMonitor(metricAgent), scrapedByRma(metricAgent)], [
    backendsOf('metrics', 'export metrics to the metric backends'),
    rule('scrape the kubelet on every node', [to.addresses('nodes.cidrs')], onPorts(tcp(10250))),
    // Workloads choose their metrics port through annotations: no port list can be known.
    rule('scrape workloads that expose metrics', [to.scrapeTargets()], anyPort),
  ]),
  componentPolicy('logGateway', [otlpIngress(logGateway), scrapedBySelfMonitor(logGateway), scrapedByRma(logGateway)], [
    backendsOf('logs', 'export logs to the log backends'),
  ]),
  componentPolicy('metricGateway', [otlpIngress(metricGateway), scrapedBySelfMonitor(metricGateway), scrapedByRma(metricGateway)], [
    backendsOf('metrics', 'export metrics to the metric backends'),
  ]),
  componentPolicy('traceGateway', [otlpIngress(traceGateway), scrapedBySelfMonitor(traceGateway), scrapedByRma(traceGateway)], [
    backendsOf('traces', 'export traces to the trace backends'),
  ]),
];

export const baselinePolicies = baseline;
export const componentPolicies = perComponent;
export const policies: PolicySpec[] = [...baseline, ...perComponent];

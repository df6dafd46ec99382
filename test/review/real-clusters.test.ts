// The chart on real clusters: six ways the chart of 2026-11-26 broke the module as it runs today
// (telemetry-manager 1.69) on Gardener, Calico and Cilium, each as `explain` verdicts under both readings.
// Every case uses values that chart accepted too, so the same test run against it shows the failures:
// REAL_CLUSTERS_CHART=<a checkout's chart/> npx tap test/review/real-clusters.test.ts
import t from 'tap';
import { explainText, parsePortArg } from '../../tools/review/explain.ts';
import { findPeer, reviewValues, type Review } from '../../tools/review/session.ts';

const chart = process.env.REAL_CLUSTERS_CHART;

interface Case {
  /** the problem, as the issue states it */
  problem: string;
  istioApi?: boolean;
  from: string;
  to: string;
  port: string;
  /** expected verdict under both readings */
  allowed: boolean;
}

const cases: Case[] = [
  { problem: '1. the OTLP gateway takes OTLP from workloads', from: 'customerPlain', to: 'otlpGateway', port: '4317', allowed: true },
  { problem: '1. the OTLP gateway exports to its backends', from: 'otlpGateway', to: 'backend.traces', port: '4317', allowed: true },
  { problem: '1. the self-monitor scrapes the OTLP gateway', from: 'selfMonitor', to: 'otlpGateway', port: '8888', allowed: true },
  { problem: '1. the OTLP gateway\'s ingress is closed on other ports', from: 'customerPlain', to: 'otlpGateway', port: '9999', allowed: false },
  { problem: '2. webhooks arrive from the vpn-shoot pods on Gardener', from: 'vpnShoot', to: 'manager', port: '9443', allowed: true },
  { problem: '3. the kubelet on the node (host network)', from: 'metricAgent', to: 'node', port: '10250', allowed: true },
  { problem: '3. the API server through apiserver-proxy (host network)', from: 'manager', to: 'apiserverProxy', port: '443', allowed: true },
  { problem: '4. DNS at the kube-dns ClusterIP answered by node-local-dns', from: 'manager', to: '100.64.0.10', port: '53/UDP', allowed: true },
  { problem: '5. Istio sidecars reach istiod where the cluster serves Istio', istioApi: true, from: 'fluentBit', to: 'istiod', port: '15012', allowed: true },
  { problem: '6. another operator\'s `manager` pod is not the Telemetry Manager', from: 'otherOperator', to: 'outside', port: '443', allowed: true },
];

// the chart's defaults, rendered once for a cluster without and once with Istio's API
const reviews = new Map<boolean, Promise<Review>>();
const reviewFor = (istioApi: boolean) => {
  if (!reviews.has(istioApi)) reviews.set(istioApi, reviewValues([], { chart, facts: { istioApi } }));
  return reviews.get(istioApi)!;
};

for (const c of cases) {
  t.test(c.problem, async (t) => {
    const review = await reviewFor(c.istioApi === true);
    const { allowed, text } = explainText(review, findPeer(review, c.from), findPeer(review, c.to), parsePortArg(c.port));
    t.same(allowed, { calico: c.allowed, cilium: c.allowed }, `${c.from} -> ${c.to} ${c.port}\n${text}`);
  });
}

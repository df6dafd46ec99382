// The labels of the peers outside the module that the chart selects: the client labels of the final ADR 028,
// and the platforms' own pods and namespaces, each from its source. The chart's helpers are generated from them.

/** Pods that may scrape the module and, in zero trust, pods the metric agent may scrape (final ADR 028). */
export const scrapingLabel = { 'networking.kyma-project.io/metrics-scraping': 'allowed' } as const;
/** Pods that may push OTLP in zero trust (final ADR 028). */
export const otlpClientLabel = { 'networking.kyma-project.io/telemetry-otlp': 'allowed' } as const;

/** kube-system as each platform labels it: Gardener adds gardener.cloud/purpose; the API server sets the name label. */
export const kubeSystemLabels = {
  gardener: { 'gardener.cloud/purpose': 'kube-system' },
  kubernetes: { 'kubernetes.io/metadata.name': 'kube-system' },
} as const;

/** CoreDNS (gardener/gardener pkg/component/networking/coredns/constants: k8s-app: kube-dns). */
export const clusterDnsLabels = { 'k8s-app': 'kube-dns' } as const;

/** The Gardener VPN pods that relay the seed's API server calls to webhooks (gardener docs/operations/network_policies.md). */
export const vpnShootLabels = { app: 'vpn-shoot' } as const;

/**
 * The port pods reach the API server on, on Gardener: apiserver-proxy on the host network and the seed's load
 * balancer both listen on 443 (gardener docs/usage/advanced/control-plane-endpoints-and-ports.md; the shoot's own
 * policy gardener.cloud--allow-to-apiserver, pkg/component/shoot/system/system.go, allows TCP 443).
 */
export const gardenerApiServerPort = 443;

/** istiod, which serves the sidecars their configuration (Istio's default installation). */
export const istiod = { namespace: 'istio-system', labels: { app: 'istiod' } } as const;

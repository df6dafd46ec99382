// Throughput of the strict schema check alone (the kubeconform part), for `make bench`.
// kubeconform publishes about 7,500 NetworkPolicy resources/s; the goal is ten times that.
import { generatorText } from './messages.ts';
import { validateSchema } from './schema/validator.ts';

/** A NetworkPolicy shaped like the chart's per-component policies, varied so no two are equal. */
function samplePolicy(i: number) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: `kyma-project.io--telemetry-gateway-${i}`,
      namespace: 'kyma-system',
      labels: { 'app.kubernetes.io/name': 'telemetry', 'kyma-project.io/module': 'telemetry' },
    },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': `telemetry-log-gateway-${i}` } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kyma-system' } },
              podSelector: { matchLabels: { 'networking.kyma-project.io/metrics-scraping': 'allowed' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 8888 }, { protocol: 'TCP', port: 15090 }],
        },
      ],
      egress: [
        {
          to: [{ ipBlock: { cidr: `10.${i % 256}.0.0/16`, except: [`10.${i % 256}.1.0/24`] } }],
          ports: [{ protocol: 'TCP', port: 443 }],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'gardener.cloud/purpose': 'kube-system' } },
              podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] },
            },
          ],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 8053 }],
        },
      ],
    },
  };
}

/** Validates n NetworkPolicies against the strict schema; returns resources per second. */
export function benchSchema(n = 100_000): number {
  const samples = Array.from({ length: 1000 }, (_, i) => samplePolicy(i));
  validateSchema(samples[0]); // load and compile once, outside the measurement
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    if (validateSchema(samples[i % samples.length]).status !== 'valid') throw new Error(generatorText.benchSampleInvalid);
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

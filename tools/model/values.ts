// The switches: every values key with its default, description, schema and permutation domain.
// values.yaml, values.schema.json and the values table are generated from this tree.
import {
  cidrList, extraRules, labelMap, namespaceList, namespacePattern, portList, type JsonSchema,
} from './formats.ts';
import { componentKeys, workloads, type Signal } from './workloads.ts';

export interface DomainValue {
  /** short name shown in permutation reports */
  label: string;
  value: unknown;
}

export interface Leaf {
  kind: 'leaf';
  description: string;
  default: unknown;
  schema: JsonSchema;
}

export interface Group {
  kind: 'group';
  description: string;
  children: Record<string, ValuesNode>;
}

export type ValuesNode = Leaf | Group;

const leaf = (schema: JsonSchema, defaultValue: unknown): Leaf => ({
  kind: 'leaf', description: String(schema.description), default: defaultValue, schema,
});
const group = (description: string, children: Record<string, ValuesNode>): Group => ({ kind: 'group', description, children });
const bool = (description: string, defaultValue: boolean) => leaf({ type: 'boolean', description }, defaultValue);

const signalTitles: Record<Signal, string> = { logs: 'log', metrics: 'metric', traces: 'trace' };

function backends(signal: Signal): Group {
  const exporters = Object.values(workloads).filter((w) => w.exports === signal).map((w) => w.title).join(', ');
  return group(`where the ${signalTitles[signal]} exporters (${exporters}) may send data`, {
    cidrs: leaf(cidrList(`IPv4 and IPv6 CIDRs of the ${signalTitles[signal]} backends. Empty: every address (0.0.0.0/0 and ::/0), a recorded exception`), []),
    ports: leaf(portList(`destination ports of the ${signalTitles[signal]} backends. Empty: every port (not allowed with zeroTrust.enabled)`), []),
    inCluster: leaf({
      type: 'array', maxItems: 32,
      description: `${signalTitles[signal]} backends running in the cluster: namespace, pod labels and ports`,
      items: {
        type: 'object', additionalProperties: false, required: ['namespace', 'podLabels', 'ports'],
        properties: {
          namespace: { type: 'string', pattern: namespacePattern, maxLength: 63, description: 'namespace of the backend pods' },
          podLabels: labelMap('labels of the backend pods; never kyma-project.io/module: telemetry, the label of the module\'s own pods'),
          ports: portList('ports the backend listens on', 1),
        },
      },
    }, []),
  });
}

function component(key: (typeof componentKeys)[number]): Group {
  const w = workloads[key];
  return group(`the ${w.title} (app.kubernetes.io/name: ${w.name})`, {
    enabled: bool(`render the ${w.title} policy and the rules that serve it`, true),
    extraIngress: leaf(extraRules('from', `additional ingress rules for the ${w.title}; each names its peers (namespaceSelector with podSelector, or ipBlock) and ports`), []),
    extraEgress: leaf(extraRules('to', `additional egress rules for the ${w.title}; each names its peers (namespaceSelector with podSelector, or ipBlock) and ports`), []),
  });
}

export const valuesTree: Group = group('telemetry-netpol values', {
  zeroTrust: group('ADR 028 phase 2', {
    enabled: bool('zero trust: OTLP only from pods labelled networking.kyma-project.io/telemetry-otlp: allowed, backends only on their ports, the metric agent scrapes only pods labelled networking.kyma-project.io/metrics-scraping: allowed', false),
  }),
  backends: group('telemetry backends per signal', {
    logs: backends('logs'),
    metrics: backends('metrics'),
    traces: backends('traces'),
  }),
  rma: group('RMA (and other Prometheus) scrapers of the module metrics', {
    namespaces: leaf(namespaceList('namespaces whose pods carrying rma.podLabels may scrape every component\'s metrics port. Empty: any namespace, a recorded exception'), []),
    podLabels: leaf(labelMap('labels a scraper pod must carry; never kyma-project.io/module: telemetry, the label of the module\'s own pods'), { 'networking.kyma-project.io/metrics-scraping': 'allowed' }),
  }),
  otlp: group('OTLP clients in zero-trust mode', {
    namespaces: leaf(namespaceList('with zeroTrust.enabled: namespaces whose pods labelled networking.kyma-project.io/telemetry-otlp: allowed may push OTLP. Empty: any namespace, a recorded exception'), []),
  }),
  scrapeTargets: group('workloads the metric agent scrapes in zero-trust mode', {
    namespaces: leaf(namespaceList('with zeroTrust.enabled: namespaces whose pods labelled networking.kyma-project.io/metrics-scraping: allowed the metric agent scrapes. Empty: any namespace, a recorded exception'), []),
  }),
  istio: group('Istio service mesh', {
    enabled: bool('module pods run an Istio sidecar: allow scraping Envoy metrics on 15090', false),
  }),
  dns: group('cluster DNS', {
    preset: leaf({ type: 'string', enum: ['gardener', 'kubernetes'], description: 'gardener: kube-system labelled gardener.cloud/purpose: kube-system, CoreDNS on 8053; kubernetes: kubernetes.io/metadata.name: kube-system, CoreDNS on 53' }, 'gardener'),
    cidrs: leaf(cidrList('addresses serving DNS outside the pod network, e.g. node-local-dns 169.254.20.10/32. Empty: every address on port 53, a recorded exception'), []),
  }),
  apiServer: group('Kubernetes API server', {
    cidrs: leaf(cidrList('addresses of the API server endpoints. Empty: every address on apiServer.ports, a recorded exception'), []),
    ports: leaf(portList('ports of the API server endpoints (443; 6443 where endpoints listen there)', 1), [443]),
    webhookSourceCidrs: leaf(cidrList('addresses the API server calls the manager webhooks from. Empty: every address on 9443, a recorded exception'), []),
  }),
  nodes: group('cluster nodes', {
    cidrs: leaf(cidrList('node addresses, where the metric agent scrapes the kubelet on 10250. Empty: every address on 10250, a recorded exception'), []),
  }),
  components: group('the module workloads', Object.fromEntries(componentKeys.map((k) => [k, component(k)]))),
});

/** The values a landscape gets when it overrides nothing. */
export function defaultValues(node: ValuesNode = valuesTree): unknown {
  if (node.kind === 'leaf') return structuredClone(node.default);
  return Object.fromEntries(Object.entries(node.children).map(([k, child]) => [k, defaultValues(child)]));
}

/** Every leaf with its dotted path, in tree order. */
export function leaves(node: ValuesNode = valuesTree, prefix = ''): { path: string; leaf: Leaf }[] {
  if (node.kind === 'leaf') return [{ path: prefix, leaf: node }];
  return Object.entries(node.children).flatMap(([k, child]) => leaves(child, prefix ? `${prefix}.${k}` : k));
}

/** The CIDR lists of the values tree (`backends.logs.cidrs`, `apiServer.webhookSourceCidrs`, ...). */
export const cidrListPaths = (): string[] => leaves().map((l) => l.path).filter((path) => /(cidrs|Cidrs)$/.test(path));

const isMap = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Helm's coalescing of an override file onto the defaults: maps merge, lists and scalars replace, null deletes. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return structuredClone(override);
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = key in merged ? mergeValues(merged[key], value) : structuredClone(value);
  }
  return merged;
}

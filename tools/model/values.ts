// The values: every key with its default, description and schema, the Values type the model reads, and the
// conditions evaluated on it. values.yaml, values.schema.json and the values table are generated from this tree.
import {
  cidrList, extraRules, labelMap, namespaceList, namespacePattern, portList, type JsonSchema,
} from './formats.ts';
import { scrapingLabel } from './peers.ts';
import type { Condition, Platform } from './vocabulary.ts';
import { componentKeys, exportersOf, gatewayLayouts, signals, signalTitles, workloads, type ComponentKey, type GatewayLayout, type Signal } from './workloads.ts';

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

function backends(signal: Signal): Group {
  const exporters = exportersOf(signal).map((k) => workloads[k].title).join(', ');
  const title = signalTitles[signal];
  return group(`where the ${title} exporters (${exporters}) may send data`, {
    cidrs: leaf(cidrList(`IPv4 and IPv6 CIDRs of the ${title} backends outside the cluster. Empty: every address, a recorded exception`), []),
    ports: leaf(portList(`destination ports of the ${title} backends. Empty: every port, a recorded exception (not allowed with zeroTrust.enabled)`), []),
    inCluster: leaf({
      type: 'array', maxItems: 32,
      description: `${title} backends running in the cluster: namespace, pod labels and ports`,
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

function component(key: ComponentKey): Group {
  const w = workloads[key];
  const layout = w.layout ? `; rendered with gateways.layout ${w.layout}` : '';
  return group(`the ${w.title} (app.kubernetes.io/name: ${w.name})`, {
    enabled: bool(`render the ${w.title} policy and the rules that serve it${layout}`, true),
    extraIngress: leaf(extraRules('from', `additional ingress rules for the ${w.title}; each names its peers (namespaceSelector with podSelector, or ipBlock) and ports`), []),
    extraEgress: leaf(extraRules('to', `additional egress rules for the ${w.title}; each names its peers (namespaceSelector with podSelector, or ipBlock) and ports`), []),
  });
}

/** A Helm name: a DNS-1123 label (the chart's policy names are kyma-project.io--<fullname>-<policy>). */
const helmName = (description: string) => leaf({ type: 'string', maxLength: 63, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$', description }, '');

export const valuesTree: Group = group('telemetry-netpol values', {
  nameOverride: helmName('replaces the chart name in the policy names kyma-project.io--<release>-<name>-<policy>; never a name the module uses for its own policies'),
  fullnameOverride: helmName('replaces <release>-<name> in the policy names kyma-project.io--<fullname>-<policy>; never a name the module uses for its own policies'),
  platform: leaf({
    type: 'string', enum: ['gardener', 'kubernetes'],
    description: 'gardener: kube-system labelled gardener.cloud/purpose: kube-system, CoreDNS on 8053, webhooks called through the vpn-shoot pods, the API server reached through apiserver-proxy on the host network (443 to every address); kubernetes: kube-system by name, CoreDNS on 53, webhook callers and API server addresses from webhooks.callers and apiServer.cidrs',
  }, 'gardener'),
  gateways: group('the OTLP gateways', {
    layout: leaf({
      type: 'string', enum: [...gatewayLayouts],
      description: 'otlp: one telemetry-otlp-gateway DaemonSet serves every signal (module 1.63 and later); perSignal: the log, metric and trace gateway Deployments (module 1.62 and earlier)',
    }, 'otlp'),
  }),
  zeroTrust: group('ADR 028 phase 2', {
    enabled: bool('zero trust: OTLP only from pods labelled networking.kyma-project.io/telemetry-otlp: allowed, backends only on their ports, the metric agent scrapes only pods labelled networking.kyma-project.io/metrics-scraping: allowed', false),
  }),
  backends: group('telemetry backends per signal', Object.fromEntries(signals.map((s) => [s, backends(s)]))),
  rma: group('RMA (and other Prometheus) scrapers of the module metrics', {
    namespaces: leaf(namespaceList('namespaces whose pods carrying rma.podLabels may scrape every component\'s metrics port. Empty: any namespace, a recorded exception'), []),
    podLabels: leaf(labelMap('labels a scraper pod must carry; never kyma-project.io/module: telemetry, the label of the module\'s own pods'), { ...scrapingLabel }),
  }),
  otlp: group('OTLP clients in zero-trust mode', {
    namespaces: leaf(namespaceList('with zeroTrust.enabled: namespaces whose pods labelled networking.kyma-project.io/telemetry-otlp: allowed may push OTLP. Empty: any namespace, a recorded exception'), []),
  }),
  scrapeTargets: group('workloads the metric agent scrapes in zero-trust mode', {
    namespaces: leaf(namespaceList('with zeroTrust.enabled: namespaces whose pods labelled networking.kyma-project.io/metrics-scraping: allowed the metric agent scrapes. Empty: any namespace, a recorded exception'), []),
  }),
  istio: group('Istio service mesh', {
    enabled: leaf({
      enum: ['auto', true, false],
      description: 'Fluent Bit, the agents and the gateways run an Istio sidecar: RMA scrapes Envoy on 15090, sidecars reach istiod on 15012. auto: when the cluster serves an *.istio.io API, as the module itself detects Istio',
    }, 'auto'),
  }),
  dns: group('cluster DNS', {
    nodeLocal: bool('node-local-dns answers on the host network (169.254.20.10 / fd30:1319:f1e:230b::1, or the kube-dns ClusterIP in iptables mode): DNS on 53 to every address, a recorded exception. false: DNS only to the CoreDNS pods', true),
  }),
  apiServer: group('Kubernetes API server', {
    cidrs: leaf(cidrList('with platform kubernetes: addresses of an API server outside the cluster network (a managed control plane). Empty: every address on apiServer.ports, a recorded exception (always on Gardener)'), []),
    ports: leaf(portList('ports of the API server endpoints (443; 6443 where endpoints listen there)', 1), [443]),
  }),
  webhooks: group('who calls the Telemetry Manager webhooks (9443) for the API server', {
    callers: group('webhook callers besides the platform\'s own (on Gardener: the vpn-shoot pods in kube-system)', {
      pods: leaf({
        type: 'array', maxItems: 16,
        description: 'pods that call the webhooks: namespace labels and pod labels, both required. With platform kubernetes and no callers: every source on 9443, a recorded exception',
        items: {
          type: 'object', additionalProperties: false, required: ['namespaceLabels', 'podLabels'],
          properties: {
            namespaceLabels: labelMap('labels of the caller namespace, e.g. kubernetes.io/metadata.name: kube-system'),
            podLabels: labelMap('labels of the caller pods; never kyma-project.io/module: telemetry, the label of the module\'s own pods'),
          },
        },
      }, []),
      cidrs: leaf(cidrList('addresses outside the cluster network that call the webhooks (a managed control plane)'), []),
    }),
  }),
  components: group('the module workloads', Object.fromEntries(componentKeys.map((k) => [k, component(k)]))),
});

/** A backend running in the cluster: pods in a namespace carrying labels, on their ports. */
export interface InClusterBackend { namespace: string; podLabels: Record<string, string>; ports: number[] }

/** Pods that call the manager webhooks, by namespace labels and pod labels. */
export interface CallerPods { namespaceLabels: Record<string, string>; podLabels: Record<string, string> }

/** The values shape the model reads (a full values tree: defaults merged with overrides). */
export interface Values {
  nameOverride: string;
  fullnameOverride: string;
  platform: Platform;
  gateways: { layout: GatewayLayout };
  zeroTrust: { enabled: boolean };
  backends: Record<Signal, { cidrs: string[]; ports: number[]; inCluster: InClusterBackend[] }>;
  rma: { namespaces: string[]; podLabels: Record<string, string> };
  otlp: { namespaces: string[] };
  scrapeTargets: { namespaces: string[] };
  istio: { enabled: boolean | 'auto' };
  dns: { nodeLocal: boolean };
  apiServer: { cidrs: string[]; ports: number[] };
  webhooks: { callers: { pods: CallerPods[]; cidrs: string[] } };
  components: Record<ComponentKey, { enabled: boolean; extraIngress: unknown[]; extraEgress: unknown[] }>;
}

/** What the chart reads of the cluster besides the values (Helm's .Capabilities). */
export interface ClusterFacts {
  /** the cluster serves an API group ending in .istio.io (helm template: --api-versions) */
  istioApi: boolean;
}

export const noClusterFacts: ClusterFacts = { istioApi: false };

/** The value at a dotted key path (`backends.logs.cidrs`); undefined where the path leaves the objects. */
export const valueAt = (values: unknown, key: string): unknown =>
  key.split('.').reduce<any>((node, k) => (node === null || typeof node !== 'object' ? undefined : node[k]), values);

/** An API version that makes the chart see Istio, as `helm template --api-versions` takes it. */
export const istioApiVersion = 'security.istio.io/v1';

/** Whether Istio sidecars run: istio.enabled, or auto and the cluster serves an Istio API (upstream istiostatus). */
export function istioActive(v: Values, facts: ClusterFacts): boolean {
  return v.istio.enabled === 'auto' ? facts.istioApi : v.istio.enabled === true;
}

/** Whether the release serves a workload: enabled, and a gateway only in its layout. */
export function deployed(key: ComponentKey | 'gateways', v: Values): boolean {
  if (key === 'gateways') return componentKeys.some((k) => workloads[k].layout && deployed(k, v));
  const { layout } = workloads[key];
  return v.components[key].enabled && (!layout || layout === v.gateways.layout);
}

export function conditionHolds(c: Condition, v: Values, facts: ClusterFacts): boolean {
  if ('deployed' in c) return deployed(c.deployed, v);
  if ('istio' in c) return istioActive(v, facts);
  if ('flag' in c) return (c.flag === 'zeroTrust.enabled' ? v.zeroTrust.enabled : v.dns.nodeLocal) === c.is;
  return v.platform === c.platform;
}

export const allHold = (when: Condition[] | undefined, v: Values, facts: ClusterFacts) =>
  (when ?? []).every((c) => conditionHolds(c, v, facts));

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

/** The CIDR lists of the values tree (`backends.logs.cidrs`, `webhooks.callers.cidrs`, ...). */
export const cidrListPaths = (): string[] => leaves().map((l) => l.path).filter((path) => /(cidrs|Cidrs)$/.test(path));

const isMap = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Helm's coalescing of the user's values onto the chart's defaults (pkg/chartutil/coalesce.go): maps merge, lists
 * and scalars replace, and a null deletes a key the defaults hold but stays a null where they hold none.
 */
export function mergeValues(defaults: unknown, user: unknown): unknown {
  if (!isMap(defaults) || !isMap(user)) return structuredClone(user);
  const merged: Record<string, unknown> = structuredClone(defaults);
  for (const [key, value] of Object.entries(user)) {
    if (value === null && key in merged) delete merged[key];
    else merged[key] = key in merged ? mergeValues(merged[key], value) : structuredClone(value);
  }
  return merged;
}

/**
 * Helm's merge of several values files before the defaults come in (pkg/cli/values mergeMaps): a map merges
 * into a map, anything else replaces, a null included.
 */
export function mergeOverrides(earlier: Record<string, unknown>, later: Record<string, unknown>): Record<string, unknown> {
  const merged = structuredClone(earlier);
  for (const [key, value] of Object.entries(later)) {
    const before = merged[key];
    merged[key] = isMap(before) && isMap(value) ? mergeOverrides(before, value) : structuredClone(value);
  }
  return merged;
}

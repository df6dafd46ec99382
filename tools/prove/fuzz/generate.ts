// fast-check arbitraries for values files: plausible overrides (what a landscape writes: every switch, both
// platforms and gateway layouts, istio auto with and without an Istio API in the cluster, host-bit, overlapping
// and IPv6 CIDRs, webhook callers, extra rules with every form of label selector), and hostile ones (a plausible
// override with edits: wrong types, huge lists, bad CIDRs and ports, unicode and empty strings, unknown keys,
// deep nesting, nulls on keys and inside extra rules, selectors that match everything). Each case also picks
// how its YAML text is written (plain, flow, or with anchors and aliases) and what the cluster serves.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  componentKeys, crossFieldViolations, defaultValues, deployed, gardenerApiServerPort, leaves, mergeValues, shadowings, signals,
  type ClusterFacts, type Values,
} from '../../model/index.ts';
import { isOpen } from '../../model/cross-field.ts';
import { normalizeKeyPaths } from '../../render/render.ts';
import { matchesEverything } from './verdict.ts';

export type Style = 'block' | 'flow' | 'anchors';
export interface EditSpec { kind: EditKind; path: string; value: unknown }
export type EditKind =
  | 'wrong-type' | 'huge-list' | 'bad-cidr' | 'bad-port' | 'bad-string' | 'unknown-key' | 'deep-nesting' | 'null'
  | 'null-in-rule' | 'wildcard-selector' | 'alias';
export interface FuzzCase {
  /** plausible, or the edit kinds applied */
  kind: string;
  override: Record<string, unknown>;
  style: Style;
  /** what the cluster serves (`helm template --api-versions`) */
  facts: ClusterFacts;
}

const isMap = (x: unknown): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x);

// ---------------------------------------------------------------- addresses and ports

const v4Networks = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '192.168.0.0/16', '198.51.100.0/24', '203.0.113.0/25',
  '203.0.113.128/25', '169.254.20.10/32', '10.250.0.1/32', '10.250.0.0/16', '172.16.0.0/12', '1.2.3.4/32', '100.64.0.0/10',
  '100.96.0.0/11', '10.96.0.10/32', '0.0.0.0/1', '128.0.0.0/2', '255.255.255.255/32', '0.0.0.0/32'];
const v6Networks = ['2001:db8::/32', '2001:db8:100::/48', '2001:db8:ffff::1/128', 'fd00::/8', '::1/128', 'fe80::/10',
  '2001:db8:ffff::/64', 'fd00:10:96::/64', '::/1', '8000::/1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', '2001:db8:0:0:0:0:0:0/96',
  'fd30:1319:f1e:230b::1/128'];

function maskV4(octets: number[], prefix: number): string {
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(value / size) * size;
  return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.')}/${prefix}`;
}

/** A random IPv4 block: masked to its network address, or (hostBits) as written, host bits and all. */
const randomV4 = (hostBits: boolean) => fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 32 }))
  .map(([o, p]) => (hostBits ? `${o.join('.')}/${p}` : maskV4(o, p)));

/** A random IPv6 block in canonical (RFC 5952) text; non-canonical spellings come from the fixed pool. */
const randomV6 = (hostBits: boolean) => fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 128 }))
  .map(([groups, p]) => {
    const g = hostBits ? groups : groups.map((x, i) => {
      const bits = Math.max(0, Math.min(16, p - i * 16));
      return bits === 16 ? x : bits === 0 ? 0 : x - (x % 2 ** (16 - bits));
    });
    return `${ipaddr.IPv6.parse(g.map((x) => x.toString(16)).join(':')).toString()}/${p}`;
  });

export const cidrArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...v4Networks) },
  { weight: 3, arbitrary: fc.constantFrom(...v6Networks) },
  { weight: 2, arbitrary: randomV4(false) },
  { weight: 1, arbitrary: randomV6(false) },
  { weight: 1, arbitrary: randomV4(true) },
  { weight: 1, arbitrary: randomV6(true) },
);
const cidrListArb = (max = 4) => fc.uniqueArray(cidrArb, { maxLength: max });

const portPool = [443, 4317, 4318, 80, 8080, 9090, 53, 6443, 10250, 8888, 1, 65535, 15090, 9200, 3100];
export const portArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...portPool) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }) });
const portListArb = (min = 0, max = 4) => fc.uniqueArray(portArb, { minLength: min, maxLength: max });

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
export const namespaceArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('rma', 'shop', 'payments', 'kyma-system', 'kube-system', 'istio-system', 'observability', 'elsewhere', 'a', 'x'.repeat(63)) },
  { weight: 1, arbitrary: dnsLabel },
);
const labelKeys = ['app', 'app.kubernetes.io/name', 'networking.kyma-project.io/metrics-scraping', 'networking.kyma-project.io/telemetry-otlp',
  'k8s-app', 'example.com/team', 'kyma-project.io/module', 'A_b.c-d', 'kubernetes.io/metadata.name', 'gardener.cloud/purpose'];
const labelKeyArb = fc.constantFrom(...labelKeys);
const labelValueArb = fc.constantFrom('allowed', 'prometheus', 'a', '', 'kube-dns', 'telemetry', 'x'.repeat(63), 'Z9_z.a-b', 'kube-system', 'vpn-shoot');
const labelMapArb = fc.dictionary(labelKeyArb, labelValueArb, { minKeys: 1, maxKeys: 3 });

// ---------------------------------------------------------------- label selectors of extra rules

/**
 * One matchExpressions entry, in every form the API knows: In and NotIn with values, Exists and DoesNotExist
 * without (or with an empty list), and the forms the schema rejects: In or NotIn without values or with an
 * empty list, Exists or DoesNotExist with values.
 */
export const expressionArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ key: labelKeyArb, operator: fc.constant('In'), values: fc.uniqueArray(labelValueArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ key: labelKeyArb, operator: fc.constant('NotIn'), values: fc.uniqueArray(labelValueArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ key: labelKeyArb, operator: fc.constantFrom('Exists', 'DoesNotExist') }) },
  { weight: 1, arbitrary: fc.record({ key: labelKeyArb, operator: fc.constantFrom('Exists', 'DoesNotExist'), values: fc.constant([]) }) },
  { weight: 1, arbitrary: fc.record({ key: labelKeyArb, operator: fc.constantFrom('In', 'NotIn') }) },
  { weight: 1, arbitrary: fc.record({ key: labelKeyArb, operator: fc.constantFrom('In', 'NotIn'), values: fc.constant([]) }) },
  { weight: 1, arbitrary: fc.record({ key: labelKeyArb, operator: fc.constantFrom('Exists', 'DoesNotExist'), values: fc.uniqueArray(labelValueArb, { minLength: 1, maxLength: 2 }) }) },
);

/**
 * Selectors that match every namespace or every pod without being `{}`: no matchLabels and no In expression.
 * The chart rejects each in an extra rule, naming its path.
 */
export const wildcardSelectors: Record<string, unknown>[] = [
  { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] },
  { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists', values: [] }] },
  { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
  { matchExpressions: [{ key: 'example.com/never', operator: 'DoesNotExist' }] },
  { matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'tier', operator: 'NotIn', values: ['db'] }] },
  { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a', 'b'] }, { key: 'app', operator: 'DoesNotExist' }] },
];

const selectorArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ matchLabels: labelMapArb }) },
  { weight: 3, arbitrary: fc.record({ matchExpressions: fc.array(expressionArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ matchLabels: labelMapArb, matchExpressions: fc.array(expressionArb, { minLength: 1, maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.constantFrom(...wildcardSelectors) },
);
/** A namespace selector as landscapes mostly write it: by the name label. */
const namespaceSelectorArb = fc.oneof(
  { weight: 3, arbitrary: namespaceArb.map((ns) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } })) },
  { weight: 1, arbitrary: fc.uniqueArray(namespaceArb, { minLength: 1, maxLength: 3 }).map((ns) => ({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ns }] })) },
  { weight: 3, arbitrary: selectorArb },
);

// ---------------------------------------------------------------- plausible overrides

const peerArb = fc.oneof(
  { weight: 3, arbitrary: fc.record({ namespaceSelector: namespaceSelectorArb, podSelector: selectorArb }) },
  { weight: 2, arbitrary: fc.record({ ipBlock: fc.record({ cidr: cidrArb }) }) },
);
const rulePortArb = fc.record({
  port: fc.oneof({ weight: 4, arbitrary: portArb }, { weight: 1, arbitrary: fc.constantFrom('metrics', 'http', 'otlp-grpc') }),
  protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
}, { requiredKeys: ['port'] });
const ruleArb = (peersKey: 'from' | 'to') => fc.record({
  [peersKey]: fc.array(peerArb, { minLength: 1, maxLength: 2 }),
  ports: fc.array(rulePortArb, { minLength: 1, maxLength: 3 }),
});
const componentArb = fc.record({
  enabled: fc.boolean(),
  extraIngress: fc.array(ruleArb('from'), { maxLength: 2 }),
  extraEgress: fc.array(ruleArb('to'), { maxLength: 2 }),
}, { requiredKeys: [] });

const backendArb = fc.record({
  cidrs: cidrListArb(),
  ports: portListArb(),
  inCluster: fc.array(fc.record({ namespace: namespaceArb, podLabels: labelMapArb, ports: portListArb(1, 3) }), { maxLength: 2 }),
}, { requiredKeys: [] });

const callerArb = fc.record({
  namespaceLabels: fc.oneof(
    { weight: 2, arbitrary: namespaceArb.map((ns) => ({ 'kubernetes.io/metadata.name': ns })) },
    { weight: 1, arbitrary: labelMapArb },
  ),
  podLabels: labelMapArb,
});

/** Release names: the chart's, ones that take a name of the module's own policies or workloads, the longest. */
const nameOverrideArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.constantFrom('netpol', 'kyma-netpol', 'telemetry', 'telemetry-netpol', 'a', 'x'.repeat(63)) },
  { weight: 1, arbitrary: fc.constantFrom('fluent-bit', 'telemetry-otlp-gateway', 'telemetry-self-monitor', 'manager') },
);
const fullnameOverrideArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.constantFrom('netpol', 'kyma-telemetry', 'telemetry-netpol', 'b', 'y'.repeat(63)) },
  { weight: 1, arbitrary: fc.constantFrom('telemetry', 'allow-telemetry-to') },
);

const optional = { requiredKeys: [] as never[] };
export const plausibleArb: fc.Arbitrary<Record<string, unknown>> = fc.record({
  nameOverride: nameOverrideArb,
  fullnameOverride: fullnameOverrideArb,
  platform: fc.constantFrom('gardener', 'kubernetes'),
  gateways: fc.record({ layout: fc.constantFrom('otlp', 'perSignal') }),
  zeroTrust: fc.record({ enabled: fc.boolean() }),
  backends: fc.record({ logs: backendArb, metrics: backendArb, traces: backendArb }, optional),
  rma: fc.record({ namespaces: fc.uniqueArray(namespaceArb, { maxLength: 3 }), podLabels: labelMapArb }, optional),
  otlp: fc.record({ namespaces: fc.uniqueArray(namespaceArb, { maxLength: 3 }) }),
  scrapeTargets: fc.record({ namespaces: fc.uniqueArray(namespaceArb, { maxLength: 3 }) }),
  istio: fc.record({ enabled: fc.constantFrom<boolean | 'auto'>('auto', true, false) }),
  dns: fc.record({ nodeLocal: fc.boolean() }),
  apiServer: fc.record({
    cidrs: cidrListArb(2),
    ports: fc.oneof(fc.constantFrom([443], [443, 6443], [6443]), portListArb(1, 2)),
  }, optional),
  webhooks: fc.record({ callers: fc.record({ pods: fc.array(callerArb, { maxLength: 2 }), cidrs: cidrListArb(2) }, optional) }),
  components: fc.record(Object.fromEntries(componentKeys.map((k) => [k, componentArb])), optional),
}, optional);

// ---------------------------------------------------------------- repair: what a careful landscape writes

/** The network address of a block in canonical text (other texts, which are no CIDR, are kept as written). */
function fixCidr(c: string): string {
  try {
    const [address, prefix] = ipaddr.parseCIDR(c);
    const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(c) : ipaddr.IPv6.networkAddressFromCIDR(c);
    return `${network.toString()}/${prefix}`;
  } catch {
    return c;
  }
}

/** A selector narrowed as a careful writer narrows it: valid expressions, and at least one label value. */
function fixSelector(selector: unknown, namespace: boolean): Record<string, unknown> {
  const out: Record<string, any> = isMap(selector) ? structuredClone(selector) : {};
  if (Array.isArray(out.matchExpressions)) {
    out.matchExpressions = out.matchExpressions.map((e: Record<string, unknown>) => {
      if (!isMap(e)) return e;
      if (e.operator === 'In' || e.operator === 'NotIn') return { ...e, values: Array.isArray(e.values) && e.values.length ? e.values : ['a'] };
      // Exists and DoesNotExist take no values: an empty list is as good as none
      if (!Array.isArray(e.values) || e.values.length === 0) return e;
      const { values: _values, ...rest } = e;
      return rest;
    });
  }
  if (matchesEverything(out)) out.matchLabels = { ...(isMap(out.matchLabels) ? out.matchLabels : {}), ...(namespace ? { 'kubernetes.io/metadata.name': 'shop' } : { app: 'client' }) };
  return out;
}

/** The value at a model key (`backends.logs.inCluster[0].podLabels` too). */
const at = (tree: object, key: string): any => getAt(tree as Record<string, unknown>, normalizeKeyPaths(key).split('.'));
const put = (tree: Record<string, unknown>, key: string, value: unknown) => setAt(tree, normalizeKeyPaths(key).split('.'), value);

/** Ports a careful landscape moves a restricted backend to, when the one it wrote is open to every address. */
const quietPorts = [4317, 9200, 3100, 8200, 4318, 9243, 24224, 5044];

/**
 * What a careful writer changes so that a CIDR restriction means something: the ports of the rules open to every
 * address that void it (the model's `shadowings`), and the open rules' own ports where those are every port.
 * The first attempts move ports; a restriction still void after them is dropped.
 */
function narrowRestriction(out: Record<string, any>, v: Values, key: string, attempt: number): void {
  const voiding = shadowings.filter((s) => s.restricted.cidrsKey === key && isOpen(v, s.open)
    && (s.pods === 'module' || s.pods.some((p) => deployed(p, v))));
  if (attempt >= 3 || !voiding.length) { put(out, key, []); return; }
  const { ports: restrictedPorts } = voiding[0].restricted;
  if (!('key' in restrictedPorts)) throw new Error(`${key}: a CIDR restriction's ports are a values key`);
  const own: number[] = at(v, restrictedPorts.key) ?? [];
  const open = new Set<number>();
  for (const { open: rule } of voiding) {
    if ('fixed' in rule.ports) rule.ports.fixed.forEach((p) => open.add(p));
    else {
      const ports: number[] = at(v, rule.ports.key) ?? [];
      // another signal's backends open on every port: give them ports of their own
      if (!ports.length && rule.ports.allWhenEmpty) put(out, rule.ports.key, [quietPorts.find((p) => !own.includes(p))]);
      ports.forEach((p) => open.add(p));
    }
  }
  const kept = own.filter((p) => !open.has(p));
  const fallback = key === 'apiServer.cidrs' ? [443, 6443] : quietPorts;
  put(out, restrictedPorts.key, kept.length ? kept : [fallback.find((p) => !open.has(p))]);
}

/**
 * Most plausible overrides are made consistent, as a careful landscape would write them for this design: CIDRs
 * at their network address in canonical text, selectors of extra rules that name a label value, zero trust with
 * backend ports, no API server addresses and 443 among its ports on Gardener, no module label on other pods, no
 * name the module takes,
 * and no backend CIDR on a port where a rule for the same pods is open to every address (model cross-field
 * rules). The others keep their inconsistencies, which the chart must reject naming the key.
 */
export function repair(override: Record<string, any>): Record<string, unknown> {
  const out = structuredClone(override);
  const visit = (node: any): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!isMap(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'cidrs' && Array.isArray(v)) node[k] = [...new Set(v.map((c) => fixCidr(String(c))))];
      else if (k === 'cidr' && typeof v === 'string') node[k] = fixCidr(v);
      else if ((k === 'namespaceSelector' || k === 'podSelector') && v !== null) node[k] = fixSelector(v, k === 'namespaceSelector');
      else visit(v);
    }
  };
  visit(out);
  for (let attempt = 0; attempt < 6; attempt++) {
    const v = mergeValues(defaultValues(), out) as Values;
    const found = crossFieldViolations(v);
    if (!found.length) break;
    for (const f of found) {
      if (f.rule === 'zero-trust-backend-ports') put(out, f.key, [4317]);
      else if (f.rule === 'gardener-api-server-cidrs') put(out, f.key, []);
      else if (f.rule === 'gardener-api-server-ports') put(out, f.key, [gardenerApiServerPort, ...at(v, f.key)].slice(0, 2));
      else if (f.rule === 'module-label-on-peer') {
        const { 'kyma-project.io/module': _module, ...rest } = at(v, f.key);
        put(out, f.key, Object.keys(rest).length ? rest : { app: 'prometheus' });
      } else if (f.rule === 'name-taken') put(out, f.key, '');
      else narrowRestriction(out, v, f.key, attempt);
    }
  }
  return out;
}

// ---------------------------------------------------------------- hostile edits

/** Paths an edit may target: every leaf, list items, extra-rule fields, groups and the root. */
const leafPaths = leaves().map((l) => l.path);
const groupPaths = [...new Set(leafPaths.flatMap((p) => p.split('.').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('.'))))];
const itemPaths = leafPaths.filter((p) => /cidrs|ports|namespaces|callers\.pods/.test(p)).map((p) => `${p}.0`);
const rulePaths = componentKeys.flatMap((k) => [
  `components.${k}.extraIngress.0.from.0.ipBlock.cidr`, `components.${k}.extraEgress.0.to.0.namespaceSelector`,
  `components.${k}.extraIngress.0.ports.0.port`, `components.${k}.extraEgress.0.ports`,
  `components.${k}.extraIngress.0.from.0.podSelector.matchExpressions.0.operator`,
  `components.${k}.extraEgress.0.to.0.namespaceSelector.matchExpressions.0.values`,
]);
const inClusterPaths = signals.flatMap((s) => [`backends.${s}.inCluster.0.namespace`, `backends.${s}.inCluster.0.podLabels`, `backends.${s}.inCluster.0.ports`]);
const callerPaths = ['webhooks.callers.pods.0.namespaceLabels', 'webhooks.callers.pods.0.podLabels'];
const anyPath = fc.constantFrom(...leafPaths, ...itemPaths, ...rulePaths, ...inClusterPaths, ...callerPaths);
const cidrPath = fc.constantFrom(...leafPaths.filter((p) => p.endsWith('cidrs')).map((p) => `${p}.0`),
  ...componentKeys.map((k) => `components.${k}.extraEgress.0.to.0.ipBlock.cidr`));
const portPath = fc.constantFrom(...leafPaths.filter((p) => p.endsWith('ports')).map((p) => `${p}.0`), 'backends.metrics.inCluster.0.ports.0',
  ...componentKeys.map((k) => `components.${k}.extraIngress.0.ports.0.port`));
const stringPath = fc.constantFrom('platform', 'gateways.layout', 'istio.enabled', 'nameOverride', 'fullnameOverride',
  'rma.namespaces.0', 'otlp.namespaces.0', 'scrapeTargets.namespaces.0',
  'backends.logs.inCluster.0.namespace', 'rma.podLabels.app', 'backends.traces.inCluster.0.podLabels.app',
  'webhooks.callers.pods.0.namespaceLabels.kubernetes.io/metadata.name', 'webhooks.callers.pods.0.podLabels.app',
  'components.manager.extraIngress.0.from.0.podSelector.matchLabels.app', 'components.logGateway.extraEgress.0.ports.0.protocol',
  'components.otlpGateway.extraIngress.0.from.0.namespaceSelector.matchExpressions.0.operator',
  'components.metricAgent.extraEgress.0.to.0.podSelector.matchExpressions.0.key');
/** Optional-looking keys a null may delete: groups, leaves, a default label, keys the defaults do not hold. */
const nullPaths = ['rma.podLabels.networking.kyma-project.io/metrics-scraping', 'rma.podLabels.app', 'istio.enabled', 'dns.nodeLocal',
  'webhooks.callers', 'webhooks.callers.pods', 'gateways.layout', 'nameOverride', 'components.otlpGateway', 'components.otlpGateway.extraIngress'];

const unicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
const smallTree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('node'), { maxKeys: 3 })),
})).node;

const nest = (depth: number, inList: boolean, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = inList ? [v] : { deeper: v };
  return v;
};

const hostileCidr = fc.oneof(
  randomV4(true), randomV6(true),
  fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0', '10.0.0.0/33', '2001:db8::/129', '2001:DB8::/32', '::ffff:10.0.0.0/104',
    'fe80::1%eth0/64', '010.0.0.0/8', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/ 8', ' 10.0.0.0/8', '1.2.3/24', '256.0.0.0/8',
    '2001:db8::/32\n', '2001:db8:::/48', '2001:db8::1::/64', '10.1.0.0/8', '2001:db8::1/32', '1.2.3.4/0', 'localhost/32', '',
    '2001:db8:0:0:0:0:0:0/96', '2001:0db8::/32', '::0/128', '0:0:0:0:0:0:0:1/128', 'fd30:1319:0f1e:230b::1/128'),
);
const hostilePort = fc.oneof(fc.constantFrom(0, -1, 65536, 1e9, 3.5, '443', 'http', '', null, true, [443], { port: 443 }, 'HTTP', 'a-', 'x'.repeat(16)), fc.integer({ min: -1e6, max: 1e6 }));
const hostileString = fc.oneof(unicode, fc.constantFrom('', ' ', 'Shop', '-shop', 'shop-', 'a_b', 'x'.repeat(64), 'ns\nx', 'café', 'ñ', '日本', '😀',
  'null', '~', '{{ .Values }}', '"', "'", 'a/b', 'GARDENER', 'gardener ', 'Auto', 'true', 'yes', 'perSignal ', 'OTLP', 'Exists', 'in', 'kubernetes'));

/** An extra rule with one selector that matches everything and one that narrows: schema-valid, rejected by the chart. */
const wildcardRuleArb = fc.tuple(fc.constantFrom(...componentKeys), fc.boolean(), fc.constantFrom(...wildcardSelectors), fc.boolean())
  .map(([component, ingress, wildcard, onNamespace]) => {
    const narrow = onNamespace ? { matchLabels: { app: 'client' } } : { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } };
    const peer = onNamespace ? { namespaceSelector: wildcard, podSelector: narrow } : { namespaceSelector: narrow, podSelector: wildcard };
    return { path: `components.${component}.${ingress ? 'extraIngress' : 'extraEgress'}`, rule: { [ingress ? 'from' : 'to']: [peer], ports: [{ port: 8080 }] } };
  });

export const editArb: fc.Arbitrary<EditSpec> = fc.oneof(
  fc.record({ kind: fc.constant('wrong-type' as const), path: anyPath, value: scalar }),
  fc.record({ kind: fc.constant('wrong-type' as const), path: fc.constantFrom(...groupPaths), value: fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })) }),
  fc.record({ kind: fc.constant('huge-list' as const), path: fc.constantFrom(...leafPaths.filter((p) => /cidrs|namespaces|ports|extra|callers\.pods/.test(p))), value: fc.integer({ min: 17, max: 300 }) }),
  fc.record({ kind: fc.constant('bad-cidr' as const), path: cidrPath, value: hostileCidr }),
  fc.record({ kind: fc.constant('bad-port' as const), path: portPath, value: hostilePort }),
  fc.record({ kind: fc.constant('bad-string' as const), path: stringPath, value: hostileString }),
  fc.record({ kind: fc.constant('unknown-key' as const), path: fc.constantFrom('', ...groupPaths, 'components.manager.extraIngress.0', 'backends.logs.inCluster.0', 'apiServer.ports.0', 'webhooks.callers.pods.0', 'components.otlpGateway.extraEgress.0.to.0.podSelector'), value: fc.tuple(fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z]{2,8}$/), unicode), smallTree) }),
  fc.record({ kind: fc.constant('deep-nesting' as const), path: anyPath, value: fc.tuple(fc.integer({ min: 5, max: 150 }), fc.boolean(), scalar) }),
  fc.record({ kind: fc.constant('null' as const), path: fc.constantFrom(...groupPaths, ...leafPaths, ...nullPaths), value: fc.constant(null) }),
  fc.record({ kind: fc.constant('null-in-rule' as const), path: fc.constant(''), value: fc.nat() }),
  fc.record({ kind: fc.constant('wildcard-selector' as const), path: fc.constant(''), value: wildcardRuleArb }),
  fc.record({ kind: fc.constant('alias' as const), path: fc.constantFrom(...leafPaths.filter((p) => p.endsWith('cidrs') || p.endsWith('namespaces'))), value: fc.constantFrom(...leafPaths.filter((p) => p.endsWith('cidrs') || p.endsWith('namespaces'))) }),
);

// ---------------------------------------------------------------- applying edits

/** Splits a dotted path; a label key under a label map (which may hold dots) is kept whole. */
export function splitPath(path: string): string[] {
  const m = /^(rma\.podLabels|backends\.\w+\.inCluster\.0\.podLabels|webhooks\.callers\.pods\.0\.(?:namespace|pod)Labels|components\.\w+\.extra\w+\.0\.(?:from|to)\.0\.(?:pod|namespace)Selector\.matchLabels)\.(.+)$/.exec(path);
  return m ? [...m[1].split('.'), m[2]] : path === '' ? [] : path.split('.');
}

function getAt(tree: Record<string, unknown>, parts: string[]): unknown {
  let node: unknown = tree;
  for (const p of parts) node = isMap(node) || Array.isArray(node) ? (node as Record<string, unknown>)[p] : undefined;
  return node;
}

/** Sets a value, creating maps (or a list for a numeric part) on the way. */
export function setAt(tree: Record<string, unknown>, parts: string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = tree;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const key = Array.isArray(node) ? Number(p) : p;
    if (last) { (node as Record<string | number, unknown>)[key] = value; return; }
    let next = (node as Record<string | number, unknown>)[key];
    const wantList = /^\d+$/.test(parts[i + 1]);
    if (wantList ? !Array.isArray(next) : !isMap(next)) {
      next = wantList ? [] : {};
      (node as Record<string | number, unknown>)[key] = next;
    }
    node = next as Record<string, unknown> | unknown[];
  });
}

/** Every path below the extra rules of the override (rules, peers, selectors, expressions, ports, their fields). */
export function extraRulePaths(override: Record<string, unknown>): string[][] {
  const found: string[][] = [];
  const walk = (node: unknown, path: string[]) => {
    if (path.length > 3) found.push(path);
    if (Array.isArray(node)) node.forEach((x, i) => walk(x, [...path, String(i)]));
    else if (isMap(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  const components = isMap(override.components) ? override.components : {};
  for (const [k, c] of Object.entries(components)) {
    if (!isMap(c)) continue;
    for (const direction of ['extraIngress', 'extraEgress']) walk(c[direction], ['components', k, direction]);
  }
  return found;
}

function hugeList(path: string, n: number): unknown[] {
  if (path.endsWith('cidrs')) return Array.from({ length: n }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`);
  if (path.endsWith('namespaces')) return Array.from({ length: n }, (_, i) => `ns-${i}`);
  if (path.endsWith('ports')) return Array.from({ length: n }, (_, i) => 1000 + i);
  if (path.endsWith('pods')) return Array.from({ length: n }, (_, i) => ({ namespaceLabels: { 'kubernetes.io/metadata.name': `ns-${i}` }, podLabels: { app: `caller-${i}` } }));
  return Array.from({ length: n }, (_, i) => ({ to: [{ ipBlock: { cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24` } }], from: [{ ipBlock: { cidr: `10.0.${i % 256}.0/24` } }], ports: [{ port: 1000 + i }] }));
}

export function applyEdit(override: Record<string, unknown>, edit: EditSpec): void {
  const parts = splitPath(edit.path);
  switch (edit.kind) {
    case 'huge-list': {
      const list = hugeList(edit.path, edit.value as number);
      // extra rules hold one peers key only
      const fixed = /extraIngress$/.test(edit.path) ? list.map((r) => ({ from: (r as { from: unknown }).from, ports: (r as { ports: unknown }).ports }))
        : /extraEgress$/.test(edit.path) ? list.map((r) => ({ to: (r as { to: unknown }).to, ports: (r as { ports: unknown }).ports })) : list;
      return setAt(override, parts, fixed);
    }
    case 'unknown-key': {
      const [name, value] = edit.value as [string, unknown];
      const target = getAt(override, parts);
      if (!isMap(target)) setAt(override, parts, {});
      const map = (parts.length ? getAt(override, parts) : override) as Record<string, unknown>;
      const key = name in map || ['zeroTrust', 'backends', 'enabled', '<<'].includes(name) ? `${name}X` : name;
      map[key] = value;
      return;
    }
    case 'deep-nesting': {
      const [depth, inList, leaf] = edit.value as [number, boolean, unknown];
      return setAt(override, parts, nest(depth, inList, leaf));
    }
    case 'alias': {
      const source = getAt(override, splitPath(edit.value as string));
      return setAt(override, parts, structuredClone(Array.isArray(source) && source.length ? source : ['10.0.0.0/8']));
    }
    case 'null-in-rule': {
      // a null on a field of an existing extra rule (a port's protocol, a selector, an expression's values, ...)
      const paths = extraRulePaths(override);
      const path = paths.length ? paths[(edit.value as number) % paths.length]
        : ['components', 'manager', 'extraEgress', '0', 'ports', '0', 'protocol'];
      if (!paths.length) setAt(override, ['components', 'manager', 'extraEgress'], [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 80 }] }]);
      return setAt(override, path, null);
    }
    case 'wildcard-selector': {
      const { path, rule } = edit.value as { path: string; rule: unknown };
      const list = getAt(override, splitPath(path));
      return setAt(override, splitPath(path), [...(Array.isArray(list) ? list : []), rule]);
    }
    default:
      return setAt(override, parts, edit.value);
  }
}

/** The cluster facts: an Istio API served in a third of the cases (istio.enabled auto reads it). */
const factsArb: fc.Arbitrary<ClusterFacts> = fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
  .map((istioApi) => ({ istioApi }));

export const caseArb: fc.Arbitrary<FuzzCase> = fc.tuple(
  fc.tuple(plausibleArb, fc.boolean(), fc.boolean()).map(([p, a, b]) => [p, a || b] as const).map(([p, careful]) => (careful ? repair(p) : p)),
  fc.oneof({ weight: 5, arbitrary: fc.constant([] as EditSpec[]) }, { weight: 5, arbitrary: fc.array(editArb, { minLength: 1, maxLength: 3 }) }),
  fc.constantFrom<Style>('block', 'block', 'flow', 'anchors'),
  factsArb,
).map(([plausible, edits, style, facts]) => {
  const override = structuredClone(plausible);
  for (const e of edits) applyEdit(override, e);
  return { kind: edits.length ? [...new Set(edits.map((e) => e.kind))].sort().join('+') : 'plausible', override, style, facts };
});

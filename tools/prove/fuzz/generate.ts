// fast-check arbitraries for values files: plausible overrides (what a landscape writes, including host-bit,
// overlapping and IPv6 CIDRs and every switch), and hostile ones (a plausible override with edits: wrong
// types, huge lists, bad CIDRs and ports, unicode and empty strings, unknown keys, deep nesting, nulls that
// delete defaults). Each case also picks how its YAML text is written: plain, or with anchors and aliases.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { componentKeys, leaves } from '../../model/index.ts';

export type Style = 'block' | 'flow' | 'anchors';
export interface EditSpec { kind: EditKind; path: string; value: unknown }
export type EditKind =
  | 'wrong-type' | 'huge-list' | 'bad-cidr' | 'bad-port' | 'bad-string' | 'unknown-key' | 'deep-nesting' | 'null' | 'alias';
export interface FuzzCase {
  /** plausible, or the edit kinds applied */
  kind: string;
  override: Record<string, unknown>;
  style: Style;
}

// ---------------------------------------------------------------- addresses and ports

const v4Networks = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '192.168.0.0/16', '198.51.100.0/24', '203.0.113.0/25',
  '203.0.113.128/25', '169.254.20.10/32', '10.250.0.1/32', '10.250.0.0/16', '172.16.0.0/12', '1.2.3.4/32', '100.64.0.0/10',
  '100.96.0.0/11', '10.96.0.10/32', '0.0.0.0/1', '128.0.0.0/2', '255.255.255.255/32', '0.0.0.0/32'];
const v6Networks = ['2001:db8::/32', '2001:db8:100::/48', '2001:db8:ffff::1/128', 'fd00::/8', '::1/128', 'fe80::/10',
  '2001:db8:ffff::/64', 'fd00:10:96::/64', '::/1', '8000::/1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', '2001:db8:0:0:0:0:0:0/96'];

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

const portPool = [443, 4317, 4318, 80, 8080, 9090, 53, 6443, 10250, 8888, 1, 65535, 15090];
export const portArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...portPool) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }) });
const portListArb = (min = 0, max = 4) => fc.uniqueArray(portArb, { minLength: min, maxLength: max });

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
export const namespaceArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('rma', 'shop', 'payments', 'kyma-system', 'kube-system', 'observability', 'elsewhere', 'a', 'x'.repeat(63)) },
  { weight: 1, arbitrary: dnsLabel },
);
const labelKeyArb = fc.constantFrom('app', 'app.kubernetes.io/name', 'networking.kyma-project.io/metrics-scraping',
  'networking.kyma-project.io/telemetry-otlp', 'k8s-app', 'example.com/team', 'kyma-project.io/module', 'A_b.c-d');
const labelValueArb = fc.constantFrom('allowed', 'prometheus', 'a', '', 'kube-dns', 'telemetry', 'x'.repeat(63), 'Z9_z.a-b');
const labelMapArb = fc.dictionary(labelKeyArb, labelValueArb, { minKeys: 1, maxKeys: 3 });

// ---------------------------------------------------------------- plausible overrides

const selectorArb = fc.oneof(
  fc.record({ matchLabels: labelMapArb }),
  fc.record({
    matchExpressions: fc.array(fc.record({
      key: labelKeyArb,
      operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
      values: fc.array(labelValueArb, { maxLength: 3 }),
    }), { minLength: 1, maxLength: 2 }).map((exprs) => exprs.map((e) => (e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : { ...e, values: e.values.length ? e.values : ['a'] }))),
  }),
);
const peerArb = fc.oneof(
  fc.record({ namespaceSelector: selectorArb, podSelector: selectorArb }),
  fc.record({ ipBlock: fc.record({ cidr: cidrArb }) }),
);
const rulePortArb = fc.record({
  port: fc.oneof({ weight: 4, arbitrary: portArb }, { weight: 1, arbitrary: fc.constantFrom('metrics', 'http', 'otlp-grpc') }),
  protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
}, { requiredKeys: ['port'] });
const ruleArb = (peers: 'from' | 'to') => fc.record({
  [peers]: fc.array(peerArb, { minLength: 1, maxLength: 2 }),
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

const optional = { requiredKeys: [] as never[] };
export const plausibleArb: fc.Arbitrary<Record<string, unknown>> = fc.record({
  zeroTrust: fc.record({ enabled: fc.boolean() }),
  backends: fc.record({ logs: backendArb, metrics: backendArb, traces: backendArb }, optional),
  rma: fc.record({ namespaces: fc.uniqueArray(namespaceArb, { maxLength: 3 }), podLabels: labelMapArb }, optional),
  otlp: fc.record({ namespaces: fc.uniqueArray(namespaceArb, { maxLength: 3 }) }),
  scrapeTargets: fc.record({ namespaces: fc.uniqueArray(namespaceArb, { maxLength: 3 }) }),
  istio: fc.record({ enabled: fc.boolean() }),
  dns: fc.record({ preset: fc.constantFrom('gardener', 'kubernetes'), cidrs: cidrListArb(2) }, optional),
  // set most of the time: restricting backends without it is a rejection (the 443 rule reopens them)
  apiServer: fc.record({ cidrs: cidrListArb(2), ports: portListArb(1, 2), webhookSourceCidrs: cidrListArb(2) }, optional),
  nodes: fc.record({ cidrs: cidrListArb(2) }),
  components: fc.record(Object.fromEntries(componentKeys.map((k) => [k, componentArb])), optional),
}, optional);

/**
 * Most plausible overrides are made consistent, as a careful landscape would write them: host bits cleared,
 * the API server narrowed where backends are, backend ports listed in zero trust. The others keep their
 * inconsistencies, which the chart must reject naming the key.
 */
export function repair(override: Record<string, any>): Record<string, unknown> {
  /** the network address of the block, when host bits are set (other spellings are kept as written) */
  const fixCidr = (c: string) => {
    try {
      const [address, prefix] = ipaddr.parseCIDR(c);
      const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(c) : ipaddr.IPv6.networkAddressFromCIDR(c);
      return network.toNormalizedString() === address.toNormalizedString() ? c : `${network.toString()}/${prefix}`;
    } catch {
      return c;
    }
  };
  const visit = (node: any): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'cidrs' && Array.isArray(v)) node[k] = [...new Set(v.map((c) => fixCidr(String(c))))];
      else if (k === 'cidr' && typeof v === 'string') node[k] = fixCidr(v);
      else visit(v);
    }
  };
  const out = structuredClone(override);
  visit(out);
  const backends = out.backends ?? {};
  const restricted = Object.values(backends).some((b: any) => b?.cidrs?.length);
  if (restricted && !out.apiServer?.cidrs?.length) out.apiServer = { ...(out.apiServer ?? {}), cidrs: ['10.250.0.1/32'] };
  if (out.zeroTrust?.enabled) {
    out.backends = backends;
    for (const s of ['logs', 'metrics', 'traces']) if (!backends[s]?.ports?.length) backends[s] = { ...(backends[s] ?? {}), ports: [443] };
  }
  return out;
}

// ---------------------------------------------------------------- hostile edits

/** Paths an edit may target: every leaf, list items, extra-rule fields, groups and the root. */
const leafPaths = leaves().map((l) => l.path);
const groupPaths = [...new Set(leafPaths.flatMap((p) => p.split('.').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('.'))))];
const itemPaths = leafPaths.filter((p) => /cidrs|ports|namespaces/.test(p)).map((p) => `${p}.0`);
const rulePaths = componentKeys.flatMap((k) => [
  `components.${k}.extraIngress.0.from.0.ipBlock.cidr`, `components.${k}.extraEgress.0.to.0.namespaceSelector`,
  `components.${k}.extraIngress.0.ports.0.port`, `components.${k}.extraEgress.0.ports`,
]);
const inClusterPaths = ['logs', 'metrics', 'traces'].flatMap((s) => [`backends.${s}.inCluster.0.namespace`, `backends.${s}.inCluster.0.podLabels`, `backends.${s}.inCluster.0.ports`]);
const anyPath = fc.constantFrom(...leafPaths, ...itemPaths, ...rulePaths, ...inClusterPaths);
const cidrPath = fc.constantFrom(...leafPaths.filter((p) => p.endsWith('cidrs')).map((p) => `${p}.0`),
  ...componentKeys.map((k) => `components.${k}.extraEgress.0.to.0.ipBlock.cidr`));
const portPath = fc.constantFrom(...leafPaths.filter((p) => p.endsWith('ports')).map((p) => `${p}.0`), 'backends.metrics.inCluster.0.ports.0',
  ...componentKeys.map((k) => `components.${k}.extraIngress.0.ports.0.port`));
const stringPath = fc.constantFrom('dns.preset', 'rma.namespaces.0', 'otlp.namespaces.0', 'scrapeTargets.namespaces.0',
  'backends.logs.inCluster.0.namespace', 'rma.podLabels.app', 'backends.traces.inCluster.0.podLabels.app',
  'components.manager.extraIngress.0.from.0.podSelector.matchLabels.app', 'components.logGateway.extraEgress.0.ports.0.protocol');

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
    '2001:db8::/32\n', '2001:db8:::/48', '2001:db8::1::/64', '10.1.0.0/8', '2001:db8::1/32', '1.2.3.4/0', 'localhost/32', ''),
);
const hostilePort = fc.oneof(fc.constantFrom(0, -1, 65536, 1e9, 3.5, '443', 'http', '', null, true, [443], { port: 443 }), fc.integer({ min: -1e6, max: 1e6 }));
const hostileString = fc.oneof(unicode, fc.constantFrom('', ' ', 'Shop', '-shop', 'shop-', 'a_b', 'x'.repeat(64), 'ns\nx', 'café', 'ñ', '日本', '😀', 'null', '~', '{{ .Values }}', '"', "'", 'a/b', 'GARDENER', 'gardener '));

export const editArb: fc.Arbitrary<EditSpec> = fc.oneof(
  fc.record({ kind: fc.constant('wrong-type' as const), path: anyPath, value: scalar }),
  fc.record({ kind: fc.constant('wrong-type' as const), path: fc.constantFrom(...groupPaths), value: fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })) }),
  fc.record({ kind: fc.constant('huge-list' as const), path: fc.constantFrom(...leafPaths.filter((p) => /cidrs|namespaces|ports|extra/.test(p))), value: fc.integer({ min: 60, max: 300 }) }),
  fc.record({ kind: fc.constant('bad-cidr' as const), path: cidrPath, value: hostileCidr }),
  fc.record({ kind: fc.constant('bad-port' as const), path: portPath, value: hostilePort }),
  fc.record({ kind: fc.constant('bad-string' as const), path: stringPath, value: hostileString }),
  fc.record({ kind: fc.constant('unknown-key' as const), path: fc.constantFrom('', ...groupPaths, 'components.manager.extraIngress.0', 'backends.logs.inCluster.0', 'apiServer.ports.0'), value: fc.tuple(fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z]{2,8}$/), unicode), smallTree) }),
  fc.record({ kind: fc.constant('deep-nesting' as const), path: anyPath, value: fc.tuple(fc.integer({ min: 5, max: 150 }), fc.boolean(), scalar) }),
  fc.record({ kind: fc.constant('null' as const), path: fc.constantFrom(...groupPaths, ...leafPaths, 'rma.podLabels.networking.kyma-project.io/metrics-scraping'), value: fc.constant(null) }),
  fc.record({ kind: fc.constant('alias' as const), path: fc.constantFrom(...leafPaths.filter((p) => p.endsWith('cidrs') || p.endsWith('namespaces'))), value: fc.constantFrom(...leafPaths.filter((p) => p.endsWith('cidrs') || p.endsWith('namespaces'))) }),
);

// ---------------------------------------------------------------- applying edits

const isMap = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Splits a dotted path; `rma.podLabels.<label key>` keeps the label key (which holds dots) whole. */
export function splitPath(path: string): string[] {
  const m = /^(rma\.podLabels|backends\.\w+\.inCluster\.0\.podLabels|components\.\w+\.extra\w+\.0\.(?:from|to)\.0\.podSelector\.matchLabels)\.(.+)$/.exec(path);
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

function hugeList(path: string, n: number): unknown[] {
  if (path.endsWith('cidrs')) return Array.from({ length: n }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`);
  if (path.endsWith('namespaces')) return Array.from({ length: n }, (_, i) => `ns-${i}`);
  if (path.endsWith('ports')) return Array.from({ length: n }, (_, i) => 1000 + i);
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
    default:
      return setAt(override, parts, edit.value);
  }
}

export const caseArb: fc.Arbitrary<FuzzCase> = fc.tuple(
  fc.tuple(plausibleArb, fc.boolean(), fc.boolean()).map(([p, a, b]) => [p, a || b] as const).map(([p, careful]) => (careful ? repair(p) : p)),
  fc.oneof({ weight: 5, arbitrary: fc.constant([] as EditSpec[]) }, { weight: 5, arbitrary: fc.array(editArb, { minLength: 1, maxLength: 3 }) }),
  fc.constantFrom<Style>('block', 'block', 'flow', 'anchors'),
).map(([plausible, edits, style]) => {
  const override = structuredClone(plausible);
  for (const e of edits) applyEdit(override, e);
  return { kind: edits.length ? [...new Set(edits.map((e) => e.kind))].sort().join('+') : 'plausible', override, style };
});

// The permutation space: each switch declares a small domain of representative settings, and every
// permutation is one pick per switch. A pick sets one or more values keys (keys that only make sense together,
// such as one signal's backends, or the facts of one platform) and may set what the cluster serves (Istio's
// API); keys without a switch keep their default.
import { defaultValues, valueAt, type ClusterFacts, type Values } from './values.ts';
import { signals, type Signal } from './workloads.ts';

export interface DomainValue {
  /** short name shown in permutation reports */
  label: string;
  /** values keys (dotted paths) and what they are set to */
  set: Record<string, unknown>;
  /** what the cluster serves, for this pick */
  facts?: Partial<ClusterFacts>;
}

export interface Switch {
  /** what the switch varies, for reports */
  name: string;
  domain: DomainValue[];
}

/** One permutation: the full values tree, the override file that reproduces it, and the cluster facts. */
export interface Permutation {
  index: number;
  values: Values;
  override: Record<string, unknown>;
  facts: ClusterFacts;
  labels: Record<string, string>;
}

function backendDomain(signal: Signal): DomainValue[] {
  const key = `backends.${signal}`;
  return [
    // ADR 028 phase 1: every address, every port
    { label: 'any', set: { [key]: { cidrs: [], ports: [], inCluster: [] } } },
    // the final ADR's phase 2: every address on the backend ports
    { label: 'ports', set: { [key]: { cidrs: [], ports: [443, 4317], inCluster: [] } } },
    {
      label: 'restricted',
      set: {
        [key]: {
          cidrs: ['198.51.100.0/24', '2001:db8:100::/48'],
          ports: [4317, 9200],
          inCluster: [{ namespace: `${signal}-backend`, podLabels: { 'app.kubernetes.io/name': `${signal}-store` }, ports: [4317] }],
        },
      },
    },
  ];
}

const bool = (key: string): Switch => ({
  name: key, domain: [{ label: 'false', set: { [key]: false } }, { label: 'true', set: { [key]: true } }],
});
const onOff = (key: string): Switch => ({
  name: key, domain: [{ label: 'on', set: { [key]: true } }, { label: 'off', set: { [key]: false } }],
});

const perSignalGateways = [true, false].flatMap((logs) => [true, false].flatMap((metrics) => [true, false].map((traces) => ({ logs, metrics, traces }))));

export const switches: Switch[] = [
  {
    name: 'platform',
    domain: [
      { label: 'gardener', set: { platform: 'gardener', 'dns.nodeLocal': true } },
      { label: 'gardener-no-node-local-dns', set: { platform: 'gardener', 'dns.nodeLocal': false } },
      // kubeadm-like: the API server and the webhook calls come from control-plane nodes
      { label: 'kubernetes', set: { platform: 'kubernetes', 'dns.nodeLocal': false, 'apiServer.ports': [443, 6443] } },
      // a managed control plane outside the cluster network
      {
        label: 'kubernetes-managed',
        set: {
          platform: 'kubernetes', 'dns.nodeLocal': true,
          'apiServer.cidrs': ['203.0.113.16/28', '2001:db8:ffff::/64'], 'webhooks.callers.cidrs': ['203.0.113.32/28'],
        },
      },
    ],
  },
  {
    name: 'gateways',
    domain: [
      { label: 'otlp', set: { 'gateways.layout': 'otlp' } },
      { label: 'otlp-off', set: { 'gateways.layout': 'otlp', 'components.otlpGateway.enabled': false } },
      ...perSignalGateways.map((on) => ({
        label: `perSignal-${signals.filter((s) => on[s]).join('+') || 'off'}`,
        set: {
          'gateways.layout': 'perSignal',
          'components.logGateway.enabled': on.logs, 'components.metricGateway.enabled': on.metrics, 'components.traceGateway.enabled': on.traces,
        },
      })),
    ],
  },
  {
    name: 'istio',
    domain: [
      { label: 'false', set: { 'istio.enabled': false } },
      { label: 'true', set: { 'istio.enabled': true } },
      { label: 'auto', set: { 'istio.enabled': 'auto' } },
      { label: 'auto+api', set: { 'istio.enabled': 'auto' }, facts: { istioApi: true } },
    ],
  },
  bool('zeroTrust.enabled'),
  { name: 'rma.namespaces', domain: [{ label: 'any', set: { 'rma.namespaces': [] } }, { label: 'one', set: { 'rma.namespaces': ['rma'] } }] },
  ...signals.map((s) => ({ name: `backends.${s}`, domain: backendDomain(s) })),
  ...(['manager', 'selfMonitor', 'fluentBit', 'logAgent', 'metricAgent'] as const).map((k) => onOff(`components.${k}.enabled`)),
];

export const permutationCount = (space: Switch[] = switches) => space.reduce((n, s) => n * s.domain.length, 1);

/** All indexes, or `n` of them spread evenly over the space so that every switch varies. */
export function sampleIndexes(n: number): number[] {
  const count = permutationCount();
  return n >= count ? Array.from({ length: count }, (_, i) => i) : Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

/** The pick of each switch for permutation `index`, as domain positions (mixed radix, the first switch varies slowest). */
export function pickIndexes(index: number, space: Switch[] = switches): number[] {
  const digits = new Array<number>(space.length);
  let rest = index;
  for (let i = space.length - 1; i >= 0; i--) {
    const size = space[i].domain.length;
    digits[i] = rest % size;
    rest = Math.floor(rest / size);
  }
  return digits;
}

const overlaps = (a: string, b: string) => a === '' || b === '' || a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);


/** What a reader of `paths` sees of one pick: the values of the keys it sets there (and its facts). */
function seenOf(pick: DomainValue, paths: string[], facts: boolean): string {
  const seen = Object.entries(pick.set).flatMap(([key, value]) => paths.filter((p) => overlaps(p, key)).map((p) =>
    // a path inside the key reads part of the value; a path above it reads all of it
    (p.startsWith(`${key}.`) ? valueAt(value, p.slice(key.length + 1)) : value)));
  return JSON.stringify([seen, facts ? pick.facts ?? null : null]);
}

/**
 * For a reader of `paths` (and of the cluster facts, when `facts`), per switch: the class of each pick, picks
 * that look the same to the reader sharing a class; undefined for a switch the reader cannot see. Permutations
 * whose picks fall in the same classes look the same to the reader (the switches set disjoint keys).
 */
export function pickClasses(paths: string[], facts: boolean, space: Switch[] = switches): (number[] | undefined)[] {
  return space.map((s) => {
    const seen = s.domain.map((d) => seenOf(d, paths, facts));
    const classes = seen.map((text) => seen.indexOf(text));
    return new Set(classes).size > 1 ? classes : undefined;
  });
}

// The switches must set disjoint keys, so that a reader's view of a permutation is the product of its views of
// the picks (pickClasses).
const keysOf = (s: Switch) => [...new Set(s.domain.flatMap((d) => Object.keys(d.set)))];
switches.forEach((a, i) => switches.slice(i + 1).forEach((b) => {
  const clash = keysOf(a).find((k) => keysOf(b).some((l) => overlaps(k, l)));
  if (clash) throw new Error(`switches ${a.name} and ${b.name} both set ${clash}`);
}));

function picks(index: number, space: Switch[]): { name: string; pick: DomainValue }[] {
  return pickIndexes(index, space).map((d, i) => ({ name: space[i].name, pick: space[i].domain[d] }));
}

/** Deeply frozen: permutations share the defaults and the domains' values, and nobody may change them. */
function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

const defaults = frozen(defaultValues() as Record<string, unknown>);
for (const s of switches) for (const d of s.domain) frozen(d.set);

/**
 * Permutation `index` of the space. Its values share everything with the defaults but the objects on the
 * paths its picks set (copied on write), so building one is cheap; they are frozen like what they share.
 */
export function permutation(index: number, space: Switch[] = switches): Permutation {
  const values: Record<string, unknown> = { ...defaults };
  const override: Record<string, unknown> = {};
  const facts: ClusterFacts = { istioApi: false };
  const chosen = picks(index, space);
  for (const { pick } of chosen) {
    for (const [key, value] of Object.entries(pick.set)) {
      setPath(values, key, value, defaults);
      setPath(override, key, value);
    }
    Object.assign(facts, pick.facts);
  }
  const labels = Object.fromEntries(chosen.map(({ name, pick }) => [name, pick.label]));
  return { index, values: frozen(values) as unknown as Values, override, facts, labels };
}

/** Sets `path` in `target`, copying each object on the way that is still the one of `shared` (copy on write). */
function setPath(target: Record<string, unknown>, path: string, value: unknown, shared?: Record<string, unknown>): void {
  const keys = path.split('.');
  let node = target;
  let original: Record<string, unknown> | undefined = shared;
  for (const k of keys.slice(0, -1)) {
    const from = original?.[k] as Record<string, unknown> | undefined;
    let child = node[k] as Record<string, unknown> | undefined;
    if (child === undefined || child === from) node[k] = child = { ...(child ?? {}) };
    node = child;
    original = from;
  }
  node[keys[keys.length - 1]] = value;
}

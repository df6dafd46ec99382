// The permutation space: each switch declares a small domain of representative values, and every
// permutation is one pick per switch. A switch is a values key (or a group of keys that only make sense
// together, such as one signal's backends); keys without a switch keep their default.
import { componentKeys, type Signal } from './workloads.ts';
import { defaultValues, type DomainValue } from './values.ts';
import type { Values } from './exceptions.ts';

export interface Switch {
  /** the values key (or group) the switch sets */
  key: string;
  domain: DomainValue[];
}

function backendDomain(signal: Signal): DomainValue[] {
  return [
    { label: 'any', value: { cidrs: [], ports: [], inCluster: [] } },
    {
      label: 'restricted',
      value: {
        cidrs: ['198.51.100.0/24', '2001:db8:100::/48'],
        ports: [443, 4317],
        inCluster: [{ namespace: `${signal}-backend`, podLabels: { 'app.kubernetes.io/name': `${signal}-store` }, ports: [4317] }],
      },
    },
  ];
}

const bool = (key: string): Switch => ({ key, domain: [{ label: 'false', value: false }, { label: 'true', value: true }] });

export const switches: Switch[] = [
  bool('zeroTrust.enabled'),
  bool('istio.enabled'),
  { key: 'dns.preset', domain: [{ label: 'gardener', value: 'gardener' }, { label: 'kubernetes', value: 'kubernetes' }] },
  { key: 'rma.namespaces', domain: [{ label: 'any', value: [] }, { label: 'one', value: ['rma'] }] },
  {
    key: 'apiServer.cidrs',
    domain: [{ label: 'any', value: [] }, { label: 'ipv4+ipv6', value: ['10.250.0.1/32', '2001:db8:ffff::1/128'] }],
  },
  { key: 'backends.logs', domain: backendDomain('logs') },
  { key: 'backends.metrics', domain: backendDomain('metrics') },
  { key: 'backends.traces', domain: backendDomain('traces') },
  ...componentKeys.map((k) => ({
    key: `components.${k}.enabled`,
    domain: [{ label: 'on', value: true }, { label: 'off', value: false }],
  })),
];

export const permutationCount = (space: Switch[] = switches) => space.reduce((n, s) => n * s.domain.length, 1);

/** The pick of each switch for permutation `index` (mixed radix, the first switch varies slowest). */
function picks(index: number, space: Switch[]): { key: string; pick: DomainValue }[] {
  const chosen: { key: string; pick: DomainValue }[] = [];
  let rest = index;
  for (let i = space.length - 1; i >= 0; i--) {
    const s = space[i];
    chosen.unshift({ key: s.key, pick: s.domain[rest % s.domain.length] });
    rest = Math.floor(rest / s.domain.length);
  }
  return chosen;
}

/** The override values of permutation `index`: the values file that reproduces it. */
export function permutationOverride(index: number, space: Switch[] = switches): Record<string, unknown> {
  const override: Record<string, unknown> = {};
  for (const { key, pick } of picks(index, space)) setPath(override, key, structuredClone(pick.value));
  return override;
}

/** The labels of permutation `index`, one per switch, for reports. */
export function permutationLabels(index: number, space: Switch[] = switches): Record<string, string> {
  return Object.fromEntries(picks(index, space).map(({ key, pick }) => [key, pick.label]));
}

const defaultsJson = JSON.stringify(defaultValues());

/** The full values tree of permutation `index`: the defaults with each switch's pick set. */
export function permutationValues(index: number, space: Switch[] = switches): Values {
  const values = JSON.parse(defaultsJson) as Record<string, unknown>;
  for (const { key, pick } of picks(index, space)) setPath(values, key, structuredClone(pick.value));
  return values as unknown as Values;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

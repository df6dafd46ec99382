// The cross-field rules of chart/templates/validate.yaml, as the model states them. validate.yaml is generated
// from the same data, and the permutation runner compares helm's verdict with these predicates, so a check
// that stops firing (or fires wrongly) is caught.
import type { Values } from './exceptions.ts';
import { componentKeys, moduleLabel, workloads, type ComponentKey, type Signal } from './workloads.ts';

/**
 * An egress rule to an address list. With the list empty it allows every address on its ports; with the list
 * set it restricts its pods on those ports, unless an open rule for the same pods shares a port.
 */
export interface AddressRule {
  /** the values key of the CIDR list */
  cidrsKey: string;
  /** what the rule reaches, for messages */
  title: string;
  pods: ComponentKey[];
  /** fixed ports, or a values key whose empty list means every port (`allWhenEmpty`) */
  ports: { fixed: number[] } | { key: string; allWhenEmpty: boolean };
}

const signals: Signal[] = ['logs', 'metrics', 'traces'];
const exporters = (s: Signal) => componentKeys.filter((k) => workloads[k].exports === s);

export const addressRules: AddressRule[] = [
  { cidrsKey: 'dns.cidrs', title: 'the DNS rule', pods: [...componentKeys], ports: { fixed: [53] } },
  { cidrsKey: 'apiServer.cidrs', title: 'the API server rule', pods: [...componentKeys], ports: { key: 'apiServer.ports', allWhenEmpty: false } },
  { cidrsKey: 'nodes.cidrs', title: 'the kubelet rule', pods: ['metricAgent'], ports: { fixed: [10250] } },
  ...signals.map((s): AddressRule => ({
    cidrsKey: `backends.${s}.cidrs`, title: `the ${s} backend rule`, pods: exporters(s),
    ports: { key: `backends.${s}.ports`, allWhenEmpty: true },
  })),
];

/**
 * A restriction that an open rule voids on a shared port. A baseline restriction (every module pod) is void
 * only where a baseline rule is open: a component's own recorded exception (open backends, say) leaves it
 * meaningful for every other pod. A component's restriction is void wherever an open rule covers any of its
 * pods, e.g. restricted metric backends on 10250 while the kubelet rule opens every address there for the
 * metric agent.
 */
export interface Shadowing { restricted: AddressRule; open: AddressRule }

const everyPod = (r: AddressRule) => componentKeys.every((k) => r.pods.includes(k));
const voids = (open: AddressRule, restricted: AddressRule) => (everyPod(restricted)
  ? everyPod(open)
  : restricted.pods.some((p) => open.pods.includes(p)));

const canShare = (a: AddressRule, b: AddressRule) =>
  !('fixed' in a.ports && 'fixed' in b.ports) || a.ports.fixed.some((p) => (b.ports as { fixed: number[] }).fixed.includes(p));

export const shadowings: Shadowing[] = addressRules.flatMap((restricted) => addressRules
  .filter((open) => open !== restricted && voids(open, restricted) && canShare(restricted, open))
  .map((open) => ({ restricted, open })));

export interface CrossFieldViolation {
  /** the values key the chart's message must name */
  key: string;
  rule: 'zero-trust-backend-ports' | 'restriction-without-effect' | 'module-label-on-peer';
}

/**
 * The module's own pod label. The label maps that describe pods outside the module (rma.podLabels, in-cluster
 * backends) may not carry it: in the release namespace the module's policies would select such a pod and cut
 * its egress.
 */
export const [moduleLabelKey, moduleLabelValue] = Object.entries(moduleLabel)[0];

const at = (v: Values, key: string): unknown => key.split('.').reduce<any>((node, k) => node?.[k], v);

/** The ports of a rule under these values; 'all' for every port. */
function portsOf(rule: AddressRule, v: Values): number[] | 'all' {
  if ('fixed' in rule.ports) return rule.ports.fixed;
  const ports = at(v, rule.ports.key) as number[];
  return ports.length === 0 && rule.ports.allWhenEmpty ? 'all' : ports;
}

function sharedPorts(a: number[] | 'all', b: number[] | 'all'): number[] | 'all' {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return a.filter((p) => b.includes(p));
}

/** Violations of the rules that relate several keys (CIDR syntax is checked per key, not here). */
export function crossFieldViolations(v: Values): CrossFieldViolation[] {
  const found: CrossFieldViolation[] = [];
  for (const s of signals) {
    if (v.zeroTrust.enabled && v.backends[s].ports.length === 0) found.push({ key: `backends.${s}.ports`, rule: 'zero-trust-backend-ports' });
  }
  const carriesModuleLabel = (labels: Record<string, string>) => labels[moduleLabelKey] === moduleLabelValue;
  if (carriesModuleLabel(v.rma.podLabels)) found.push({ key: 'rma.podLabels', rule: 'module-label-on-peer' });
  for (const s of signals) {
    v.backends[s].inCluster.forEach((entry, i) => {
      if (carriesModuleLabel(entry.podLabels)) found.push({ key: `backends.${s}.inCluster[${i}].podLabels`, rule: 'module-label-on-peer' });
    });
  }
  for (const { restricted, open } of shadowings) {
    const isSet = (r: AddressRule) => (at(v, r.cidrsKey) as string[]).length > 0;
    if (!isSet(restricted) || isSet(open)) continue;
    const shared = sharedPorts(portsOf(restricted, v), portsOf(open, v));
    if (shared === 'all' || shared.length > 0) found.push({ key: restricted.cidrsKey, rule: 'restriction-without-effect' });
  }
  return found;
}

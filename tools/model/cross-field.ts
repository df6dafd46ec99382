// The cross-field rules of chart/templates/validate.yaml, as the model states them. validate.yaml is generated
// from the same data, and the permutation runner compares helm's verdict with these predicates, so a check
// that stops firing (or fires wrongly) is caught.
import { openPeerReason } from './exceptions.ts';
import { chartName, defaultReleaseName, fullname, moduleDeletionLabels, moduleOwnPolicyNames, policyName } from './names.ts';
import { gardenerApiServerPort } from './peers.ts';
import { policies } from './policies.ts';
import { allHold, deployed, noClusterFacts, valueAt, type Values } from './values.ts';
import type { Condition, PolicySpec, Rule } from './vocabulary.ts';
import { componentKeys, moduleLabel, signals, signalTitles, type ComponentKey } from './workloads.ts';

/**
 * An egress rule that reaches addresses: restricted to the CIDR list at `cidrsKey` when that list is set, open
 * to every address otherwise (or always, for a rule without peers). Derived from the policies.
 */
export interface AddressRule {
  /** the rule's intent, for messages */
  title: string;
  pods: ComponentKey[];
  /** fixed ports, or a values key whose empty list means every port (`allWhenEmpty`) */
  ports: { fixed: number[] } | { key: string; allWhenEmpty: boolean };
  /** the values list that restricts it; none for a rule that is open by design */
  cidrsKey?: string;
  /** conditions under which the rule is rendered at all (a flag such as dns.nodeLocal) */
  when: Condition[];
}

function addressRule(spec: PolicySpec, rule: Rule): AddressRule | undefined {
  const pods = spec.component ? [spec.component] : [...componentKeys];
  const when = (rule.when ?? []).filter((c) => !('deployed' in c));
  if (rule.kind === 'backends') {
    return { title: `the ${signalTitles[rule.signal]} backend rule`, pods, cidrsKey: `backends.${rule.signal}.cidrs`, ports: { key: `backends.${rule.signal}.ports`, allWhenEmpty: true }, when };
  }
  const open = openPeerReason(rule.peer);
  if (!open) return undefined;
  const ports = rule.ports.kind === 'fromValues' ? { key: rule.ports.key, allWhenEmpty: false }
    : { fixed: rule.ports.kind === 'fixed' ? [...new Set(rule.ports.ports.map((p) => p.port))] : [] };
  const cidrsKey = rule.peer.kind === 'apiServer' ? 'apiServer.cidrs' : undefined;
  // webhook callers are an ingress peer: they share no egress port
  return open === 'webhook-callers' ? undefined : { title: `the rule to ${rule.intent.replace(/^(reach|resolve names at|scrape) /, '')}`, pods, cidrsKey, ports, when };
}

/** The egress rules to addresses, merged per (cidrs key or title): a signal's backend rule appears once per exporter. */
export const addressRules: AddressRule[] = (() => {
  const merged = new Map<string, AddressRule>();
  for (const spec of policies) {
    for (const rule of spec.egress) {
      const found = addressRule(spec, rule);
      if (!found) continue;
      const key = found.cidrsKey ?? found.title;
      const known = merged.get(key);
      merged.set(key, known ? { ...known, pods: [...new Set([...known.pods, ...found.pods])] } : found);
    }
  }
  return [...merged.values()];
})();

/**
 * A restriction that an open rule voids on a shared port, for the pods both rules serve. A baseline
 * restriction (every module pod) is void only where a baseline rule is open: a component's own recorded
 * exception (open backends, say) leaves it meaningful for every other pod. A component's restriction is void
 * for each of its pods that an open rule also serves, e.g. restricted metric backends on 10250 for the metric
 * agent, whose kubelet rule opens every address there, or restricted log backends on 4317 for the OTLP gateway
 * while the trace backends are open there.
 */
export interface Shadowing {
  restricted: AddressRule;
  open: AddressRule;
  /** the pods for which the restriction is void (when deployed); 'module' for every module pod */
  pods: ComponentKey[] | 'module';
}

const everyPod = (r: AddressRule) => componentKeys.every((k) => r.pods.includes(k));

const canShare = (a: AddressRule, b: AddressRule) =>
  !('fixed' in a.ports && 'fixed' in b.ports) || a.ports.fixed.some((p) => (b.ports as { fixed: number[] }).fixed.includes(p));

function voidFor(restricted: AddressRule, open: AddressRule): Shadowing['pods'] | undefined {
  if (everyPod(restricted)) return everyPod(open) ? 'module' : undefined;
  const pods = restricted.pods.filter((p) => open.pods.includes(p));
  return pods.length ? pods : undefined;
}

export const shadowings: Shadowing[] = addressRules.filter((r) => r.cidrsKey).flatMap((restricted) => addressRules
  .filter((open) => open !== restricted && canShare(restricted, open))
  .flatMap((open) => {
    const pods = voidFor(restricted, open);
    return pods ? [{ restricted, open, pods }] : [];
  }));

export interface CrossFieldViolation {
  /** the values key the chart's message must name */
  key: string;
  rule: 'zero-trust-backend-ports' | 'restriction-without-effect' | 'module-label-on-peer' | 'gardener-api-server-cidrs' | 'gardener-api-server-ports' | 'name-taken';
}

/**
 * The module's own pod label. The label maps that describe pods outside the module (rma.podLabels, in-cluster
 * backends, webhook callers) may not carry it: in the release namespace the module's policies would select such
 * a pod and cut its egress.
 */
export const [moduleLabelKey, moduleLabelValue] = Object.entries(moduleLabel)[0];

/** The ports of a rule under these values; 'all' for every port. */
function portsOf(rule: AddressRule, v: Values): number[] | 'all' {
  if ('fixed' in rule.ports) return rule.ports.fixed;
  const ports = valueAt(v, rule.ports.key) as number[];
  return ports.length === 0 && rule.ports.allWhenEmpty ? 'all' : ports;
}

function sharedPorts(a: number[] | 'all', b: number[] | 'all'): number[] | 'all' {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return a.filter((p) => b.includes(p));
}

const isSet = (v: Values, r: AddressRule) => r.cidrsKey !== undefined && (valueAt(v, r.cidrsKey) as string[]).length > 0;
/** Open to every address: rendered, and either without peers by design or with its list empty. */
export const isOpen = (v: Values, r: AddressRule) => allHold(r.when, v, noClusterFacts) && !isSet(v, r);

/** Violations of the rules that relate several keys (CIDR syntax is checked per key, not here). */
export function crossFieldViolations(v: Values, releaseName = defaultReleaseName): CrossFieldViolation[] {
  const found: CrossFieldViolation[] = [];
  for (const s of signals) {
    if (v.zeroTrust.enabled && v.backends[s].ports.length === 0) found.push({ key: `backends.${s}.ports`, rule: 'zero-trust-backend-ports' });
  }
  if (v.platform === 'gardener' && v.apiServer.cidrs.length) found.push({ key: 'apiServer.cidrs', rule: 'gardener-api-server-cidrs' });
  if (v.platform === 'gardener' && !v.apiServer.ports.includes(gardenerApiServerPort)) found.push({ key: 'apiServer.ports', rule: 'gardener-api-server-ports' });
  const carriesModuleLabel = (labels: Record<string, string>) => labels[moduleLabelKey] === moduleLabelValue;
  if (carriesModuleLabel(v.rma.podLabels)) found.push({ key: 'rma.podLabels', rule: 'module-label-on-peer' });
  for (const s of signals) {
    v.backends[s].inCluster.forEach((entry, i) => {
      if (carriesModuleLabel(entry.podLabels)) found.push({ key: `backends.${s}.inCluster[${i}].podLabels`, rule: 'module-label-on-peer' });
    });
  }
  v.webhooks.callers.pods.forEach((caller, i) => {
    if (carriesModuleLabel(caller.podLabels)) found.push({ key: `webhooks.callers.pods[${i}].podLabels`, rule: 'module-label-on-peer' });
  });
  for (const { restricted, open, pods } of shadowings) {
    if (!isSet(v, restricted) || !isOpen(v, open)) continue;
    if (pods !== 'module' && !pods.some((p) => deployed(p, v))) continue;
    const shared = sharedPorts(portsOf(restricted, v), portsOf(open, v));
    if (shared === 'all' || shared.length > 0) found.push({ key: restricted.cidrsKey!, rule: 'restriction-without-effect' });
  }
  const fullName = fullname(releaseName, v);
  if (policies.some((p) => moduleOwnPolicyNames.includes(policyName(fullName, p.suffix)))) {
    found.push({ key: v.fullnameOverride ? 'fullnameOverride' : 'nameOverride', rule: 'name-taken' });
  }
  if (moduleDeletionLabels.includes((v.nameOverride || chartName).slice(0, 63).replace(/-$/, ''))) found.push({ key: 'nameOverride', rule: 'name-taken' });
  return [...new Map(found.map((f) => [`${f.key} ${f.rule}`, f])).values()];
}

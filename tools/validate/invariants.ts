// Invariants of a rendered policy set that the classic NetworkPolicy traps break. Empty peer lists and
// empty rules are hardening violations (`empty-peers`, see lint.ts) so that an exception can excuse them.
import { isAnyAddress } from './cidr.ts';
import { rulesOf } from './lint.ts';
import { invariantText } from './messages.ts';
import type { LabelSelector, NetworkPolicy } from './types.ts';

export interface Workload {
  name: string;
  labels: Record<string, string>;
}

export type Invariant = 'ingress-isolated' | 'egress-isolated' | 'unique-name' | 'ip-family-twin';

export interface InvariantFinding {
  invariant: Invariant;
  message: string;
  policy?: string;
  path?: string;
  workload?: string;
}

/** Label selector semantics: all matchLabels and all matchExpressions must hold. */
export function selectorMatches(selector: LabelSelector | undefined | null, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values: listed } of selector.matchExpressions ?? []) {
    const values = listed ?? [];
    const has = Object.hasOwn(labels, key);
    const holds =
      operator === 'In' ? has && values.includes(labels[key])
      : operator === 'NotIn' ? !has || !values.includes(labels[key])
      : operator === 'Exists' ? has
      : operator === 'DoesNotExist' ? !has
      : false;
    if (!holds) return false;
  }
  return true;
}

/** policyTypes as the API server defaults them: Ingress always, Egress when there are egress rules. */
export function effectivePolicyTypes(policy: NetworkPolicy): Set<string> {
  const declared = policy.spec?.policyTypes;
  if (declared && declared.length > 0) return new Set(declared);
  return new Set((policy.spec?.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
}

export function checkInvariants(policies: NetworkPolicy[], workloads: Workload[]): InvariantFinding[] {
  return [...isolationFindings(policies, workloads), ...duplicateNameFindings(policies), ...policies.flatMap(ipFamilyTwinFindings)];
}

/** Every workload must be selected by a policy with Ingress and by one with Egress in effect. */
export function isolationFindings(policies: NetworkPolicy[], workloads: Workload[]): InvariantFinding[] {
  const findings: InvariantFinding[] = [];
  const types = policies.map(effectivePolicyTypes);
  for (const workload of workloads) {
    const selecting = types.filter((_, i) => selectorMatches(policies[i].spec?.podSelector, workload.labels));
    for (const [direction, invariant] of [['Ingress', 'ingress-isolated'], ['Egress', 'egress-isolated']] as const) {
      if (!selecting.some((t) => t.has(direction))) {
        findings.push({ invariant, workload: workload.name, message: invariantText.notSelected(workload.name, direction) });
      }
    }
  }
  return findings;
}

export function duplicateNameFindings(policies: NetworkPolicy[]): InvariantFinding[] {
  const findings: InvariantFinding[] = [];
  const seen = new Set<string>();
  for (const policy of policies) {
    const name = policy.metadata?.name ?? '';
    const namespace = policy.metadata?.namespace ?? '';
    const key = `${namespace}/${name}`;
    if (seen.has(key)) {
      findings.push({ invariant: 'unique-name', policy: name, path: 'metadata.name', message: invariantText.duplicateName(namespace, name) });
    }
    seen.add(key);
  }
  return findings;
}

/** A peer list holding 0.0.0.0/0 must hold ::/0 too, and the other way round. Depends on one policy only. */
export function ipFamilyTwinFindings(policy: NetworkPolicy): InvariantFinding[] {
  const findings: InvariantFinding[] = [];
  const name = policy.metadata?.name ?? '';
  for (const rule of rulesOf(policy)) {
    const families = (rule.peers ?? []).map((peer) => (peer.ipBlock ? isAnyAddress(peer.ipBlock.cidr) : undefined));
    families.forEach((family, i) => {
      const twin = family === 'ipv4' ? 'ipv6' : 'ipv4';
      if (!family || families.includes(twin)) return;
      findings.push({
        invariant: 'ip-family-twin',
        policy: name,
        path: `${rule.path}.${rule.peersField}[${i}].ipBlock.cidr`,
        message: invariantText.missingTwin(family === 'ipv4' ? '0.0.0.0/0' : '::/0', family === 'ipv4' ? '::/0' : '0.0.0.0/0'),
      });
    });
  }
  return findings;
}

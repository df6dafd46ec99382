// Hardening lint with the Kyma rules (tools/model/hardening.ts). Every violation must be matched by a
// recorded exception (same policy, direction, hardening rule and ports); the rest are unexcused and fail.
import { type Direction, type HardeningException, type HardeningRule, hardeningRules, portsText } from '../model/hardening.ts';
import { isAnyAddress } from './cidr.ts';
import { lintText } from './messages.ts';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from './types.ts';

export interface HardeningViolation {
  rule: HardeningRule;
  policy: string;
  direction: Direction;
  /** the ports of the breaking rule, as `portsText` writes them */
  ports: string;
  /** e.g. `spec.egress[2].to[0].ipBlock.cidr` */
  path: string;
  message: string;
}

export interface ExceptionUse {
  exception: HardeningException;
  violations: HardeningViolation[];
}

export interface HardeningReport {
  violations: HardeningViolation[];
  /** each exception that excused at least one violation, with the violations it excused */
  exceptionsUsed: ExceptionUse[];
  unexcused: HardeningViolation[];
}

export const isEmptySelector = (selector: LabelSelector) =>
  Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;

interface RuleView {
  direction: Direction;
  path: string;
  peersField: 'from' | 'to';
  peers: NetworkPolicyPeer[] | undefined;
  ports: NetworkPolicyPort[] | undefined;
}

/** Ingress and egress rules seen the same way, with their paths; a null list is an absent one, as upstream. */
export function rulesOf(policy: NetworkPolicy): RuleView[] {
  const ingress = (policy.spec?.ingress ?? []).map((rule, i) => view('ingress', i, rule.from, rule.ports));
  const egress = (policy.spec?.egress ?? []).map((rule, i) => view('egress', i, rule.to, rule.ports));
  return [...ingress, ...egress];
}

function view(direction: Direction, i: number, peers: NetworkPolicyPeer[] | null | undefined, ports: NetworkPolicyPort[] | null | undefined): RuleView {
  return { direction, path: `spec.${direction}[${i}]`, peersField: direction === 'ingress' ? 'from' : 'to', peers: peers ?? undefined, ports: ports ?? undefined };
}

/** Every hardening-rule violation in one policy. */
export function hardeningViolations(policy: NetworkPolicy): HardeningViolation[] {
  const name = policy.metadata?.name ?? '';
  const violations: HardeningViolation[] = [];
  for (const rule of rulesOf(policy)) {
    const ports = portsText(rule.ports);
    const add = (hardeningRule: HardeningRule, path: string, message: string = hardeningRules[hardeningRule]) =>
      violations.push({ rule: hardeningRule, policy: name, direction: rule.direction, ports, path, message });
    const peersPath = `${rule.path}.${rule.peersField}`;
    if (rule.peers === undefined && (rule.ports ?? []).length === 0) add('empty-peers', rule.path, lintText.emptyRule);
    else if (rule.peers === undefined) add('empty-peers', rule.path, lintText.missingPeers(rule.peersField));
    else if (rule.peers.length === 0) add('empty-peers', peersPath, lintText.emptyPeerList(rule.peersField));
    if ((rule.ports ?? []).length === 0) add('missing-ports', rule.path);
    (rule.ports ?? []).forEach((port, i) => {
      if (port.endPort != null) add('port-range', `${rule.path}.ports[${i}].endPort`);
    });
    (rule.peers ?? []).forEach((peer, i) => {
      const peerPath = `${peersPath}[${i}]`;
      const hasPods = peer.podSelector != null;
      const hasNamespaces = peer.namespaceSelector != null;
      if (rule.direction === 'ingress' && hasPods !== hasNamespaces) add('ingress-peer-not-combined', peerPath);
      if (rule.direction === 'egress' && hasNamespaces && !hasPods) add('namespace-selector-alone', `${peerPath}.namespaceSelector`);
      if (peer.namespaceSelector && isEmptySelector(peer.namespaceSelector)) add('empty-selector', `${peerPath}.namespaceSelector`);
      if (peer.podSelector && isEmptySelector(peer.podSelector)) add('empty-selector', `${peerPath}.podSelector`);
      if (peer.ipBlock && isAnyAddress(peer.ipBlock.cidr)) add('any-address', `${peerPath}.ipBlock.cidr`);
    });
  }
  return violations;
}

const excuses = (exception: HardeningException, violation: HardeningViolation) =>
  exception.policy === violation.policy && exception.direction === violation.direction && exception.rule === violation.rule
  && exception.ports === violation.ports;

export function lintHardening(policies: NetworkPolicy[], exceptions: HardeningException[]): HardeningReport {
  return excuseViolations(policies.flatMap(hardeningViolations), exceptions);
}

/** Matches violations (found once per policy, perhaps cached) against the exceptions in force. */
export function excuseViolations(violations: HardeningViolation[], exceptions: HardeningException[]): HardeningReport {
  const uses = new Map<HardeningException, HardeningViolation[]>();
  const unexcused: HardeningViolation[] = [];
  for (const violation of violations) {
    const exception = exceptions.find((e) => excuses(e, violation));
    if (!exception) {
      unexcused.push(violation);
      continue;
    }
    uses.set(exception, [...(uses.get(exception) ?? []), violation]);
  }
  const exceptionsUsed = [...uses].map(([exception, excused]) => ({ exception, violations: excused }));
  return { violations, exceptionsUsed, unexcused };
}

/** One line per unexcused violation and per excused one (with the exception's reason). */
export function formatHardeningReport(report: HardeningReport): { unexcused: string[]; excused: string[] } {
  return {
    unexcused: report.unexcused.map((v) => lintText.unexcused(v.rule, v.policy, v.path, v.message)),
    excused: report.exceptionsUsed.flatMap(({ exception: e, violations }) =>
      violations.map((v) => lintText.excused(e.id, v.rule, v.policy, v.path, e.reason)),
    ),
  };
}

// Turns the model's conditions and peers into Helm template expressions.
import type { Condition, Peer, Rule } from '../model/vocabulary.ts';
import { workloads } from '../model/workloads.ts';

export function conditionExpr(c: Condition): string {
  if ('component' in c) return `.Values.components.${c.component}.enabled`;
  if ('flag' in c) return c.is ? `.Values.${c.flag}` : `(not .Values.${c.flag})`;
  return `(eq .Values.dns.preset "${c.dnsPreset}")`;
}

const wrap = (expr: string) => (expr.startsWith('(') || !expr.includes(' ') ? expr : `(${expr})`);

/** All conditions must hold; null when there are none. */
export function allOf(conditions: Condition[] | undefined): string | null {
  if (!conditions?.length) return null;
  if (conditions.length === 1) return conditionExpr(conditions[0]).replace(/^\((.*)\)$/, '$1');
  return `and ${conditions.map((c) => wrap(conditionExpr(c))).join(' ')}`;
}

/** One of several expressions holds; null when one of them is unconditional. */
export function anyOf(exprs: (string | null)[]): string | null {
  if (exprs.some((e) => e === null)) return null;
  const unique = [...new Set(exprs as string[])];
  if (unique.length === 1) return unique[0];
  return `or ${unique.map(wrap).join(' ')}`;
}

/** The `include` arguments that render a rule's peers. */
export function peersInclude(peers: Peer[]): string {
  if (peers.length !== 1) throw new Error('a rule renders exactly one peer helper');
  const peer = peers[0];
  switch (peer.kind) {
    case 'modulePods':
      return `"telemetry-netpol.peers.modulePods" (dict "context" . "name" "${workloads[peer.component].name}")`;
    case 'rmaScrapers': return '"telemetry-netpol.peers.rmaScrapers" .';
    case 'otlpClients': return '"telemetry-netpol.peers.otlpClients" .';
    case 'scrapeTargets': return '"telemetry-netpol.peers.scrapeTargets" .';
    case 'kubeDns': return '"telemetry-netpol.peers.kubeDns" .';
    case 'istiod': return '"telemetry-netpol.peers.istiod" .';
    case 'addresses': return `"telemetry-netpol.peers.addresses" .Values.${peer.cidrsKey}`;
  }
}

export function backendsInclude(rule: Extract<Rule, { kind: 'backends' }>): string {
  return `"telemetry-netpol.rules.backends" (dict "context" . "signal" "${rule.signal}")`;
}

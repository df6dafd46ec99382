// Turns the model's conditions and peers into Helm template expressions.
import type { Condition, Peer, Rule } from '../model/vocabulary.ts';
import { gatewaySelector, workloads } from '../model/workloads.ts';

/**
 * Facts a template computes once into a variable, because a helper decides them: whether Istio sidecars run
 * (the values or the cluster's APIs), whether any gateway is deployed (the layout and the components).
 */
export const variables = {
  istio: { name: '$istio', define: 'include "telemetry-netpol.istio" .' },
  gateways: { name: '$gateways', define: 'include "telemetry-netpol.gatewaysDeployed" .' },
} as const;
export type VariableName = keyof typeof variables;

export function conditionExpr(c: Condition): string {
  if ('deployed' in c) {
    if (c.deployed === 'gateways') return variables.gateways.name;
    const { layout } = workloads[c.deployed];
    const enabled = `.Values.components.${c.deployed}.enabled`;
    return layout ? `(and ${enabled} (eq .Values.gateways.layout "${layout}"))` : enabled;
  }
  if ('istio' in c) return variables.istio.name;
  if ('flag' in c) return c.is ? `.Values.${c.flag}` : `(not .Values.${c.flag})`;
  return `(eq .Values.platform "${c.platform}")`;
}

/** The variables a list of conditions reads. */
export function variablesOf(conditions: Condition[] | undefined): VariableName[] {
  return (conditions ?? []).flatMap((c): VariableName[] => ('istio' in c ? ['istio'] : 'deployed' in c && c.deployed === 'gateways' ? ['gateways'] : []));
}

const wrap = (expr: string) => (expr.startsWith('(') || !expr.includes(' ') ? expr : `(${expr})`);
const unwrap = (expr: string) => expr.replace(/^\((.*)\)$/, '$1');

/** All conditions must hold; null when there are none. */
export function allOf(conditions: Condition[] | undefined): string | null {
  if (!conditions?.length) return null;
  if (conditions.length === 1) return unwrap(conditionExpr(conditions[0]));
  return `and ${conditions.map((c) => wrap(conditionExpr(c))).join(' ')}`;
}

/** One of several expressions holds; null when one of them is unconditional. */
export function anyOf(exprs: (string | null)[]): string | null {
  if (exprs.some((e) => e === null)) return null;
  const unique = [...new Set(exprs as string[])];
  if (unique.length === 1) return unique[0];
  return `or ${unique.map(wrap).join(' ')}`;
}

/** A module peer written out: the release namespace by name and the workload's selector. */
/**
 * How a rule's peer renders: an `include` that prints its list of peers, an inline module peer, an `include`
 * that prints the whole `from:`/`to:` key or nothing (a peer that is every peer under some values), or no
 * peers at all.
 */
export type PeerView =
  | { kind: 'include'; include: string }
  | { kind: 'inline'; selector: Record<string, string> }
  | { kind: 'optional'; include: string }
  | { kind: 'none' };

export function peerView(peer: Peer): PeerView {
  switch (peer.kind) {
    case 'modulePods': return { kind: 'inline', selector: workloads[peer.component].selector };
    case 'gatewayPods': return { kind: 'inline', selector: gatewaySelector };
    case 'rmaScrapers': return { kind: 'include', include: '"telemetry-netpol.peers.rmaScrapers" .' };
    case 'otlpClients': return { kind: 'include', include: '"telemetry-netpol.peers.otlpClients" .' };
    case 'scrapeTargets': return { kind: 'include', include: '"telemetry-netpol.peers.scrapeTargets" .' };
    case 'clusterDns': return { kind: 'include', include: '"telemetry-netpol.peers.clusterDns" .' };
    case 'istiod': return { kind: 'include', include: '"telemetry-netpol.peers.istiod" .' };
    case 'webhookCallers': return { kind: 'optional', include: '"telemetry-netpol.peers.webhookCallers" .' };
    case 'apiServer': return { kind: 'optional', include: '"telemetry-netpol.peers.apiServer" .' };
    case 'everyPeer': return { kind: 'none' };
  }
}

export function backendsInclude(rule: Extract<Rule, { kind: 'backends' }>): string {
  return `"telemetry-netpol.rules.backends" (dict "context" . "signal" "${rule.signal}")`;
}

// Builds what policy.yaml.hbs renders for one PolicySpec. policyTypes are derived from the rules present:
// a direction is listed when at least one of its rules (or an escape-hatch rule) can render.
import type { PolicySpec, Rule } from '../model/vocabulary.ts';
import { policyName } from '../model/workloads.ts';
import { allOf, anyOf, backendsInclude, peersInclude } from './helm-expressions.ts';

interface PortView { port: number; protocol: string; condition: string | null }

interface RuleView {
  condition: string | null;
  intent: string;
  rulesInclude?: string;
  peersKey?: 'from' | 'to';
  peersInclude?: string;
  portsInclude?: string;
  ports?: PortView[];
}

interface DirectionView {
  type: 'Ingress' | 'Egress';
  key: 'ingress' | 'egress';
  condition: string | null;
  rules: RuleView[];
  extraKey: string | null;
}

export interface PolicyView {
  name: string;
  purpose: string;
  condition: string | null;
  podSelector: Record<string, string>;
  directions: DirectionView[];
}

function ruleView(rule: Rule, peersKey: 'from' | 'to'): RuleView {
  const condition = allOf(rule.when);
  if (rule.kind === 'backends') return { condition, intent: rule.intent, rulesInclude: backendsInclude(rule) };
  const view: RuleView = { condition, intent: rule.intent, peersKey, peersInclude: peersInclude(rule.peers) };
  if (rule.ports.kind === 'fixed') {
    view.ports = rule.ports.ports.map((p) => ({ port: p.port, protocol: p.protocol, condition: allOf(p.when) }));
  } else if (rule.ports.kind === 'fromValues') {
    view.portsInclude = `"telemetry-netpol.ports" (dict "ports" .Values.${rule.ports.key} "protocol" "${rule.ports.protocol}" "key" "${rule.ports.key}")`;
  }
  return view;
}

function directionView(spec: PolicySpec, type: 'Ingress' | 'Egress'): DirectionView | null {
  const key = type === 'Ingress' ? 'ingress' : 'egress';
  const rules = spec[key];
  const extraKey = spec.extraRules && spec.component
    ? `.Values.components.${spec.component}.extra${type}` : null;
  if (rules.length === 0 && !extraKey) return null;
  const conditions = rules.map((r) => allOf(r.when));
  if (extraKey) conditions.push(extraKey);
  return { type, key, condition: anyOf(conditions), rules: rules.map((r) => ruleView(r, key === 'ingress' ? 'from' : 'to')), extraKey };
}

export function policyView(spec: PolicySpec): PolicyView {
  return {
    name: policyName(spec.suffix),
    purpose: spec.purpose,
    condition: spec.component ? `.Values.components.${spec.component}.enabled` : null,
    podSelector: spec.podSelector,
    directions: [directionView(spec, 'Ingress'), directionView(spec, 'Egress')].filter((d): d is DirectionView => d !== null),
  };
}

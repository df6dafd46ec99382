// Builds what policy.yaml.hbs renders for one PolicySpec. policyTypes are derived from the rules present:
// a direction is listed when at least one of its rules (or an escape-hatch rule) can render.
import type { Condition, PolicySpec, Rule } from '../model/vocabulary.ts';
import {
  allOf, anyOf, backendsInclude, conditionExpr, peerView, variables, variablesOf, type PeerView, type VariableName,
} from './helm-expressions.ts';

interface PortGroupView { condition: string | null; ports: { port: number; protocol: string }[] }

interface RuleView {
  condition: string | null;
  intent: string;
  rulesInclude?: string;
  peersKey?: 'from' | 'to';
  peer?: PeerView;
  portsInclude?: string;
  portGroups?: PortGroupView[];
}

interface DirectionView {
  type: 'Ingress' | 'Egress';
  key: 'ingress' | 'egress';
  /** the variable holding whether the direction renders, when that depends on the values */
  variable: string | null;
  rules: RuleView[];
  extraKey: string | null;
}

export interface PolicyView {
  suffix: string;
  purpose: string;
  condition: string | null;
  /** `$name := expression` lines the template starts with */
  assignments: string[];
  podSelector: Record<string, string>;
  directions: DirectionView[];
}

/** Adjacent ports under the same condition render under one `if`. */
function portGroups(ports: { port: number; protocol: string; when?: Condition[] }[]): PortGroupView[] {
  const groups: PortGroupView[] = [];
  for (const p of ports) {
    const condition = allOf(p.when);
    const last = groups.at(-1);
    if (last && last.condition === condition) last.ports.push({ port: p.port, protocol: p.protocol });
    else groups.push({ condition, ports: [{ port: p.port, protocol: p.protocol }] });
  }
  return groups;
}

function ruleView(rule: Rule, peersKey: 'from' | 'to'): RuleView {
  const condition = allOf(rule.when);
  if (rule.kind === 'backends') return { condition, intent: rule.intent, rulesInclude: backendsInclude(rule) };
  const view: RuleView = { condition, intent: rule.intent, peersKey, peer: peerView(rule.peer) };
  if (rule.ports.kind === 'fixed') view.portGroups = portGroups(rule.ports.ports);
  else if (rule.ports.kind === 'fromValues') {
    view.portsInclude = `"telemetry-netpol.ports" (dict "ports" .Values.${rule.ports.key} "protocol" "${rule.ports.protocol}" "key" "${rule.ports.key}")`;
  }
  return view;
}

function directionView(spec: PolicySpec, type: 'Ingress' | 'Egress'): { view: DirectionView; expr: string | null } | null {
  const key = type === 'Ingress' ? 'ingress' : 'egress';
  const rules = spec[key];
  const extraKey = spec.extraRules && spec.component ? `.Values.components.${spec.component}.extra${type}` : null;
  if (rules.length === 0 && !extraKey) return null;
  const conditions = rules.map((r) => allOf(r.when));
  if (extraKey) conditions.push(extraKey);
  const expr = anyOf(conditions);
  const views = rules.map((r) => ruleView(r, key === 'ingress' ? 'from' : 'to'));
  return { view: { type, key, variable: expr ? `$${key}` : null, rules: views, extraKey }, expr };
}

/** Every condition a policy's template reads, for the variables it must define first. */
function conditionsOf(spec: PolicySpec): Condition[] {
  return [...spec.ingress, ...spec.egress].flatMap((r) => [
    ...(r.when ?? []),
    ...(r.kind === 'peers' && r.ports.kind === 'fixed' ? r.ports.ports.flatMap((p) => p.when ?? []) : []),
  ]);
}

export function policyView(spec: PolicySpec): PolicyView {
  const used = [...new Set<VariableName>(variablesOf(conditionsOf(spec)))];
  const directions = [directionView(spec, 'Ingress'), directionView(spec, 'Egress')].filter((d) => d !== null);
  const assignments = [
    ...used.map((v) => `${variables[v].name} := ${variables[v].define}`),
    ...directions.filter((d) => d.expr).map((d) => `${d.view.variable} := ${d.expr}`),
  ];
  return {
    suffix: spec.suffix,
    purpose: spec.purpose,
    condition: spec.component ? conditionExpr({ deployed: spec.component }).replace(/^\((.*)\)$/, '$1') : null,
    assignments,
    podSelector: spec.podSelector,
    directions: directions.map((d) => d.view),
  };
}

// Label selectors (metav1.LabelSelector): matchLabels and matchExpressions, ANDed together.
export type Labels = Readonly<Record<string, string>>;
export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** A parsed selector; `requirements` empty means "everything", `valid: false` means "nothing". */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly valid: boolean;
}

export const MATCH_ALL: Selector = { requirements: [], valid: true };

/** What makes a selector match nothing: an unknown operator, or a requirement missing a field. */
export type SelectorProblem = { readonly operator: string } | { readonly missing: 'key' | 'operator' };

/**
 * Label values may arrive as YAML numbers or booleans; Kubernetes sees them as strings. A null
 * value decodes as the empty string, as the API server's decoder does.
 */
export function toLabels(raw: unknown): Labels {
  if (typeof raw !== 'object' || raw === null) return {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/** Parses a raw selector; calls `onInvalid` with each problem (the selector then matches nothing). */
export function parseSelector(raw: any, onInvalid: (problem: SelectorProblem) => void): Selector {
  if (raw === null || raw === undefined) return MATCH_ALL;
  const requirements: Requirement[] = Object.entries(toLabels(raw.matchLabels)).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
  let valid = true;
  for (const expr of Array.isArray(raw.matchExpressions) ? raw.matchExpressions : []) {
    const missing = expr?.key === undefined || expr?.key === null ? 'key' : expr?.operator === undefined || expr?.operator === null ? 'operator' : undefined;
    const operator = String(expr?.operator);
    if (missing || !OPERATORS.includes(operator)) {
      onInvalid(missing ? { missing } : { operator });
      valid = false;
      continue;
    }
    const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
    requirements.push({ key: String(expr.key), operator: operator as Operator, values });
  }
  return { requirements, valid };
}

function requirementMatches({ key, operator, values }: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, key);
  switch (operator) {
    case 'In':
      return has && values.includes(labels[key]);
    case 'NotIn':
      return !has || !values.includes(labels[key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(selector: Selector, labels: Labels): boolean {
  return selector.valid && selector.requirements.every((r) => requirementMatches(r, labels));
}

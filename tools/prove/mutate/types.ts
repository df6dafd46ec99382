// A mutant of a rendered output: the policies (parsed documents) with one systematic change.
export type Doc = Record<string, any>;

export const MUTATION_KINDS = [
  'drop-rule', 'add-empty-rule', 'swap-ingress-egress',
  'drop-port', 'change-port', 'change-protocol',
  'widen-cidr', 'empty-selector', 'drop-selector', 'drop-namespace-selector',
  'remove-egress-type', 'delete-policy', 'change-label-value',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutant {
  kind: MutationKind;
  /** where, e.g. `kyma-project.io--telemetry-manager egress[1].ports[0]` */
  site: string;
  docs: Doc[];
}

export const nameOf = (doc: Doc): string => String(doc?.metadata?.name ?? '?');
export const clone = (docs: Doc[]): Doc[] => structuredClone(docs);
export const DIRECTIONS = [['ingress', 'from'], ['egress', 'to']] as const;

/** Every rule of every policy, with its position. */
export function* rules(docs: Doc[]): Generator<{ p: number; direction: 'ingress' | 'egress'; peersKey: 'from' | 'to'; r: number; rule: Doc }> {
  for (const [p, doc] of docs.entries()) {
    for (const [direction, peersKey] of DIRECTIONS) {
      const list = doc.spec?.[direction];
      if (Array.isArray(list)) for (const [r, rule] of list.entries()) yield { p, direction, peersKey, r, rule };
    }
  }
}

/** Every peer of every rule. */
export function* peers(docs: Doc[]) {
  for (const site of rules(docs)) {
    const list = site.rule?.[site.peersKey];
    if (Array.isArray(list)) for (const [q, peer] of list.entries()) yield { ...site, q, peer: peer as Doc };
  }
}

// Rule-level mutations: drop a rule, add an empty rule `{}` (admits everything), swap ingress and egress.
import { type Doc, type Mutant, DIRECTIONS, clone, nameOf, rules } from '../types.ts';

export function dropRule(docs: Doc[]): Mutant[] {
  return [...rules(docs)].map(({ p, direction, r }) => {
    const out = clone(docs);
    out[p].spec[direction].splice(r, 1);
    return { kind: 'drop-rule', site: `${nameOf(docs[p])} ${direction}[${r}]`, docs: out };
  });
}

export function addEmptyRule(docs: Doc[]): Mutant[] {
  return docs.flatMap((doc, p) => DIRECTIONS.map(([direction]) => {
    const out = clone(docs);
    out[p].spec[direction] = [...(out[p].spec[direction] ?? []), {}];
    return { kind: 'add-empty-rule' as const, site: `${nameOf(doc)} ${direction}[+]`, docs: out };
  }));
}

export function swapIngressEgress(docs: Doc[]): Mutant[] {
  return docs.flatMap((doc, p) => {
    if (!doc.spec?.ingress && !doc.spec?.egress) return [];
    const out = clone(docs);
    const spec = out[p].spec;
    const rename = (list: Doc[] | undefined, from: string, to: string) => list?.map((rule) => {
      const { [from]: peersList, ...rest } = rule;
      return peersList === undefined ? rest : { [to]: peersList, ...rest };
    });
    const ingress = rename(spec.egress, 'to', 'from');
    const egress = rename(spec.ingress, 'from', 'to');
    delete spec.ingress;
    delete spec.egress;
    if (ingress) spec.ingress = ingress;
    if (egress) spec.egress = egress;
    return [{ kind: 'swap-ingress-egress' as const, site: nameOf(doc), docs: out }];
  });
}

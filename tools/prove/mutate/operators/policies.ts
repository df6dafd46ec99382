// Policy-level mutations: remove Egress from policyTypes, delete a policy, change a label value in a
// selector (the policy's podSelector or a peer's namespace or pod selector).
import { type Doc, type Mutant, clone, nameOf } from '../types.ts';

export function removeEgressType(docs: Doc[]): Mutant[] {
  return docs.flatMap((doc, p) => {
    const types = doc.spec?.policyTypes;
    if (!Array.isArray(types) || !types.includes('Egress')) return [];
    const out = clone(docs);
    // what is left is explicit: an egress-only policy becomes [Ingress] (policyTypes may not be empty)
    const rest = types.filter((t: string) => t !== 'Egress');
    out[p].spec.policyTypes = rest.length ? rest : ['Ingress'];
    return [{ kind: 'remove-egress-type' as const, site: nameOf(doc), docs: out }];
  });
}

export function deletePolicy(docs: Doc[]): Mutant[] {
  return docs.map((doc, p) => {
    const out = clone(docs);
    out.splice(p, 1);
    return { kind: 'delete-policy' as const, site: nameOf(doc), docs: out };
  });
}

/** Every matchLabels value and matchExpressions value list inside the policy's spec, by path. */
function* labelSites(node: unknown, path: (string | number)[]): Generator<{ path: (string | number)[]; text: string }> {
  if (Array.isArray(node)) { for (const [i, x] of node.entries()) yield* labelSites(x, [...path, i]); return; }
  if (typeof node !== 'object' || node === null) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'matchLabels' && v && typeof v === 'object') {
      for (const label of Object.keys(v)) yield { path: [...path, k, label], text: `${[...path, k].join('.')}[${label}]` };
    } else if (k === 'matchExpressions' && Array.isArray(v)) {
      for (const [i, e] of v.entries()) if (Array.isArray(e?.values)) for (const j of e.values.keys()) yield { path: [...path, k, i, 'values', j], text: `${[...path, k].join('.')}[${i}].values[${j}]` };
    } else yield* labelSites(v, [...path, k]);
  }
}

export function changeLabelValue(docs: Doc[]): Mutant[] {
  return docs.flatMap((doc, p) => [...labelSites(doc.spec, ['spec'])].map(({ path, text }) => {
    const out = clone(docs);
    let node: any = out[p];
    for (const k of path.slice(0, -1)) node = node[k];
    const last = path[path.length - 1];
    node[last] = `${node[last]}-mutated`;
    return { kind: 'change-label-value' as const, site: `${nameOf(doc)} ${text}`, docs: out };
  }));
}

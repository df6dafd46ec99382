// Peer-level mutations: widen an ipBlock to 0.0.0.0/0 (::/0 for IPv6), empty a selector (`{}` matches
// everything), drop the podSelector of a peer (leaving namespaceSelector alone: every pod of the matched
// namespaces), drop the namespaceSelector (the policy's own namespace only).
import { type Doc, type Mutant, clone, nameOf, peers } from '../types.ts';

const at = (docs: Doc[], s: { p: number; direction: string; r: number; peersKey: string; q: number }) =>
  `${nameOf(docs[s.p])} ${s.direction}[${s.r}].${s.peersKey}[${s.q}]`;

export function widenCidr(docs: Doc[]): Mutant[] {
  // a block that is already 0.0.0.0/0 or ::/0 has nothing to widen: no mutant
  return [...peers(docs)].filter((s) => s.peer.ipBlock?.cidr && !['0.0.0.0/0', '::/0'].includes(String(s.peer.ipBlock.cidr))).map((s) => {
    const out = clone(docs);
    const block = out[s.p].spec[s.direction][s.r][s.peersKey][s.q].ipBlock;
    const wide = String(block.cidr).includes(':') ? '::/0' : '0.0.0.0/0';
    const from = block.cidr;
    block.cidr = wide;
    delete block.except;
    return { kind: 'widen-cidr' as const, site: `${at(docs, s)} ${from}->${wide}`, docs: out };
  });
}

export function emptySelector(docs: Doc[]): Mutant[] {
  const found: Mutant[] = [];
  for (const s of peers(docs)) {
    for (const key of ['namespaceSelector', 'podSelector'] as const) {
      if (!s.peer[key] || Object.keys(s.peer[key]).length === 0) continue;
      const out = clone(docs);
      out[s.p].spec[s.direction][s.r][s.peersKey][s.q][key] = {};
      found.push({ kind: 'empty-selector', site: `${at(docs, s)}.${key}`, docs: out });
    }
  }
  // the policy's own podSelector
  docs.forEach((doc, p) => {
    if (!doc.spec?.podSelector || Object.keys(doc.spec.podSelector).length === 0) return;
    const out = clone(docs);
    out[p].spec.podSelector = {};
    found.push({ kind: 'empty-selector', site: `${nameOf(doc)} spec.podSelector`, docs: out });
  });
  return found;
}

export function dropSelector(docs: Doc[]): Mutant[] {
  return [...peers(docs)].filter((s) => s.peer.podSelector && s.peer.namespaceSelector).map((s) => {
    const out = clone(docs);
    delete out[s.p].spec[s.direction][s.r][s.peersKey][s.q].podSelector;
    return { kind: 'drop-selector' as const, site: `${at(docs, s)}.podSelector`, docs: out };
  });
}

export function dropNamespaceSelector(docs: Doc[]): Mutant[] {
  return [...peers(docs)].filter((s) => s.peer.namespaceSelector).map((s) => {
    const out = clone(docs);
    const peer = out[s.p].spec[s.direction][s.r][s.peersKey][s.q];
    delete peer.namespaceSelector;
    // a peer left with nothing would be an empty peer, which the API rejects; keep the mutant meaningful
    if (Object.keys(peer).length === 0) peer.podSelector = {};
    return { kind: 'drop-namespace-selector' as const, site: `${at(docs, s)}.namespaceSelector`, docs: out };
  });
}

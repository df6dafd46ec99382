// The classic accidental allow-alls, found structurally in a rendered output (independent of the analyzer
// and the contract): rules outside their policyTypes, a policy without podSelector, an explicit empty
// `from: []`/`to: []` (every peer), an empty peer `{}`, a `ports: []` (every port). The chart writes none of
// these. A rule without peers (`ports` only) and the rule `{}` are the chart's deliberate way to write an
// every-address exception (DESIGN "How CNIs read ipBlock"): each must match an exception the model records for
// the values, with the same ports, which the hardening lint of the checker proves (rule empty-peers).
import { parseDocuments } from '../yaml/documents.ts';

type Obj = Record<string, unknown>;
const isMap = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export function allowAllFindings(manifests: string): string[] {
  const found: string[] = [];
  const documents = parseDocuments(manifests);
  const broken = documents.find((d) => d.error !== undefined);
  if (broken) return [`the rendered output is not YAML: ${broken.error}`];
  for (const { resource: doc } of documents) {
    if (!isMap(doc) || doc.kind !== 'NetworkPolicy') continue;
    const name = String((doc.metadata as Obj | undefined)?.name ?? '?');
    const spec = isMap(doc.spec) ? doc.spec : {};
    const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
    // a policy without Egress is fine when others isolate the pods' egress (the invariants check that every
    // workload is egress-isolated); egress rules it holds would be silently ignored, though
    if (spec.egress !== undefined && !types.includes('Egress')) found.push(`${name}: egress rules without Egress in policyTypes (ignored)`);
    if (spec.ingress !== undefined && !types.includes('Ingress')) found.push(`${name}: ingress rules without Ingress in policyTypes`);
    if (!isMap(spec.podSelector)) found.push(`${name}: no podSelector`);
    for (const [direction, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
      const rules = spec[direction];
      if (rules === undefined) continue;
      if (!Array.isArray(rules)) { found.push(`${name}: ${direction} is not a list`); continue; }
      rules.forEach((rule, i) => {
        const at = `${name} ${direction}[${i}]`;
        if (!isMap(rule)) { found.push(`${at}: not a rule`); return; }
        const peers = rule[peersKey];
        // no peers at all is deliberate: matched against the recorded exceptions by the lint
        if (peers === undefined || peers === null) { /* see above */ } else if (!Array.isArray(peers) || peers.length === 0) found.push(`${at}: an empty ${peersKey} admits every peer`);
        else peers.forEach((p, j) => { if (!isMap(p) || Object.keys(p).length === 0) found.push(`${at}.${peersKey}[${j}]: an empty peer`); });
        if (Array.isArray(rule.ports) && rule.ports.length === 0) found.push(`${at}: an empty ports list admits every port`);
      });
    }
  }
  return found;
}

// The property of one values file, piece by piece: what ajv says, what the chart's checks must say, and what a
// rendered output must pass. The runner (run.ts) judges its batches and its single cases with these.
import ipaddr from 'ipaddr.js';
import { checkContractDocuments } from '../../contract/index.ts';
import {
  activeExceptions, cidrListPaths, componentKeys, crossFieldViolations, defaultReleaseName, defaultValues, deployed, fullname, mergeValues, policyName,
  workloads, type ClusterFacts, type Values,
} from '../../model/index.ts';
import type { RenderedPermutation } from '../../render/harness.ts';
import { normalizeKeyPaths, splitHelmDocuments } from '../../render/render.ts';
import type { RenderedChecker } from '../../validate/rendered.ts';
import { notesProblems, verdictProblems } from '../../report/verdicts.ts';
import { parseValuesText } from '../../render/values.ts';
import { parseDocuments } from '../../yaml/documents.ts';
import { allowAllFindings } from '../allow-all.ts';
import { checkSchema, crashIn, namedKey, type SchemaVerdict } from './schema.ts';

export interface Prepared {
  text: string;
  /** what the cluster serves, from the file's `# facts:` line */
  facts: ClusterFacts;
  /** the full values tree helm sees (defaults coalesced with the file); undefined when the text is not YAML */
  values?: unknown;
  yamlError?: string;
  schema: SchemaVerdict;
}

const isMap = (x: unknown): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The cluster facts a values file of the fuzz is rendered with: its `# facts: {"istioApi": true}` line
 * (`helm template --api-versions security.istio.io/v1`), else none.
 */
export function factsOf(text: string): ClusterFacts {
  const line = /^# facts: (.+)$/m.exec(text)?.[1];
  return { istioApi: line ? JSON.parse(line).istioApi === true : false };
}

/** The line that records the facts in a case's text (none without facts). */
export const factsLine = (facts: ClusterFacts) => (facts.istioApi ? `# facts: ${JSON.stringify(facts)}\n` : '');

export function prepare(text: string): Prepared {
  const facts = factsOf(text);
  let override: unknown;
  try {
    override = parseValuesText(text, 'values');
  } catch (err) {
    return { text, facts, yamlError: (err as Error).message, schema: { valid: false, errors: ['not a YAML map'], keys: [] } };
  }
  const values = mergeValues(defaultValues(), override);
  return { text, facts, values, schema: checkSchema(values) };
}

const CIDR_KEYS = cidrListPaths();

/** A CIDR with bits set beyond its prefix (the schema pattern has already vouched for its syntax). */
export function hasHostBits(cidr: string): boolean {
  const [address] = ipaddr.parseCIDR(cidr);
  const network = address.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(cidr)
    : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return network.toNormalizedString() !== address.toNormalizedString();
}

/** An IPv6 block not written in RFC 5952 form (the chart asks for it; the API server only warns). */
export function nonCanonical(cidr: string): boolean {
  const [address] = cidr.split('/');
  return address.includes(':') && ipaddr.IPv6.parse(address).toRFC5952String() !== address;
}

/** The chart's per-CIDR check: host bits first, else a non-canonical IPv6 text. */
const badCidr = (cidr: string) => hasHostBits(cidr) || nonCanonical(cidr);

/**
 * A selector of an extra rule that selects by no label value: no matchLabels and no In expression (Exists, NotIn
 * and DoesNotExist alone match everything that has or lacks a key; `kubernetes.io/metadata.name Exists` every
 * namespace). The issue asks the chart to reject it, naming its path.
 */
export function matchesEverything(selector: Record<string, any>): boolean {
  const labels = isMap(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0;
  const byValue = Array.isArray(selector.matchExpressions) && selector.matchExpressions.some((e: any) => e?.operator === 'In');
  return !labels && !byValue;
}

/**
 * The keys the chart's own per-key checks must name for schema-valid values: CIDRs with host bits or in
 * non-canonical IPv6 text, and extra-rule selectors that select by no label value. Written here from the
 * issue, not read from the model, so that the chart's checks are held to it.
 */
export function keyRejectionKeys(values: Values): string[] {
  const keys: string[] = [];
  const at = (key: string) => key.split('.').reduce<unknown>((n, k) => (isMap(n) ? n[k] : undefined), values);
  for (const key of CIDR_KEYS) (at(key) as string[]).forEach((c, i) => { if (badCidr(c)) keys.push(`${key}[${i}]`); });
  for (const [component, c] of Object.entries(values.components)) {
    for (const [direction, peersKey] of [['extraIngress', 'from'], ['extraEgress', 'to']] as const) {
      ((c as Record<string, unknown>)[direction] as Record<string, Record<string, any>[]>[]).forEach((rule, r) => rule[peersKey].forEach((peer, p) => {
        const path = `components.${component}.${direction}[${r}].${peersKey}[${p}]`;
        if (peer.ipBlock && badCidr(peer.ipBlock.cidr)) keys.push(`${path}.ipBlock.cidr`);
        for (const selector of ['namespaceSelector', 'podSelector']) if (peer[selector] && matchesEverything(peer[selector])) keys.push(`${path}.${selector}`);
      }));
    }
  }
  return keys;
}

/** Every key the chart must name when it rejects these schema-valid values: the model's cross-field rules and the per-key checks. */
export function chartRejectionKeys(values: Values): string[] {
  return [...crossFieldViolations(values).map((v) => v.key), ...keyRejectionKeys(values)];
}

/** Helm's rejection of schema-invalid values: it must fail, name one of ajv's keys, and not crash. */
export function schemaRejectionProblems(p: Prepared, helm: string, exitCode: number, stderr: string): string[] {
  const crash = crashIn(stderr);
  if (crash) return [`helm ${helm} crashed (${crash}): ${stderr.trim().slice(0, 400)}`];
  if (exitCode === 0) return [`helm ${helm} accepts values that values.schema.json rejects (ajv: ${p.schema.errors.slice(0, 3).join('; ')})`];
  if (p.schema.keys.length && !namedKey(stderr, p.schema.keys)) {
    return [`helm ${helm} rejects without naming any of ${p.schema.keys.slice(0, 5).join(', ')}: ${stderr.trim().slice(0, 400)}`];
  }
  return [];
}

/**
 * The chart's verdict on schema-valid values: the model's cross-field rules (`verdictProblems`, as the
 * permutations judge them), and the per-key checks, each named in the rejection.
 */
export function chartVerdictProblems(values: Values, rejected: string | undefined): string[] {
  if (rejected !== undefined) {
    const crash = crashIn(rejected);
    if (crash) return [`crashed (${crash}): ${rejected.slice(0, 400)}`];
  }
  const perKey = keyRejectionKeys(values);
  // a rejection for a per-key reason alone is no rejection of values the model accepts
  const model = perKey.length && !crossFieldViolations(values).length ? [] : verdictProblems(values, rejected);
  if (!perKey.length) return model;
  if (rejected === undefined) return [...model, `the chart accepts values that break its per-key checks (${perKey.join(', ')})`];
  const text = normalizeKeyPaths(rejected);
  const missing = perKey.filter((k) => !text.includes(normalizeKeyPaths(k)));
  return [...model, ...(missing.length ? [`the rejection does not name ${missing.join(', ')}: ${rejected.slice(0, 400)}`] : [])];
}

interface ComponentExtras { key: string; policy: string; deployed: boolean; ingress: unknown[]; egress: unknown[] }

const extrasOf = (values: Values): ComponentExtras[] => {
  const name = fullname(defaultReleaseName, values);
  return componentKeys.map((k) => {
    const c = values.components[k];
    return { key: k, policy: policyName(name, workloads[k].policy), deployed: deployed(k, values), ingress: c.extraIngress, egress: c.extraEgress };
  });
};

export const hasExtraRules = (values: Values) => extrasOf(values).some((e) => e.ingress.length || e.egress.length);

/** The values without any extraIngress/extraEgress: the render the flow contract is checked on. */
export function withoutExtraRules(values: Values): Values {
  const copy = structuredClone(values);
  for (const k of componentKeys) Object.assign(copy.components[k], { extraIngress: [], extraEgress: [] });
  return copy;
}

type Doc = Record<string, any>;
const canonical = (x: unknown) => JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
const policiesOf = (documents: readonly string[]) => parseDocuments(documents.join('\n---\n')).map((d) => d.resource as Doc).filter((d) => d?.kind === 'NetworkPolicy');

/**
 * The extra rules only add themselves: each deployed component's policy ends with its extraIngress and
 * extraEgress, verbatim, and without them the render equals the render of the values without extras.
 */
export function extraRulesProblems(withExtras: readonly string[], withoutExtras: readonly string[], values: Values): string[] {
  const problems: string[] = [];
  const docs = policiesOf(withExtras);
  const plain = new Map(policiesOf(withoutExtras).map((d) => [d.metadata.name, d]));
  for (const e of extrasOf(values)) {
    const doc = docs.find((d) => d.metadata?.name === e.policy);
    if (!doc) {
      if (e.deployed && (e.ingress.length || e.egress.length)) problems.push(`${e.policy}: not rendered, so components.${e.key}'s extra rules are lost`);
      continue;
    }
    for (const [direction, extra, type] of [['ingress', e.ingress, 'Ingress'], ['egress', e.egress, 'Egress']] as const) {
      if (!extra.length) continue;
      const list: unknown[] = doc.spec[direction] ?? [];
      const tail = list.slice(list.length - extra.length);
      if (canonical(tail) !== canonical(extra)) problems.push(`${e.policy}: the last ${direction} rules are not components.${e.key}.extra${type} as given`);
      doc.spec[direction] = list.slice(0, list.length - extra.length);
      if (!doc.spec[direction].length) delete doc.spec[direction];
      if (!doc.spec.policyTypes?.includes(type)) problems.push(`${e.policy}: components.${e.key}.extra${type} is rendered without ${type} in policyTypes`);
    }
  }
  for (const doc of docs) {
    const other = plain.get(doc.metadata.name);
    if (!other) { problems.push(`${doc.metadata.name}: rendered only because of extra rules`); continue; }
    const strip = (d: Doc) => ({ ...d.spec, policyTypes: undefined });
    if (canonical(strip(doc)) !== canonical(strip(other))) problems.push(`${doc.metadata.name}: extra rules change more than their own rules`);
  }
  if (docs.length !== plain.size) problems.push(`extra rules change the set of policies (${plain.size} without, ${docs.length} with)`);
  return problems;
}

/** A harness render as `helm template` prints it (for the allow-all scan and comparisons with the real helm). */
export const manifestsText = (r: RenderedPermutation) => r.documents.map((d) => `---\n${d.text}\n`).join('');

/**
 * Every check on an accepted render: NOTES.txt (the open exceptions), schema, API rules, lint, invariants
 * (the checker), the allow-all scan and the flow contract under both readings, with the case's facts. The
 * contract (written from the ADR) knows nothing of a landscape's own extra rules: with extras, it is checked on
 * the render without them (`plain`), and extraRulesProblems proves the extras add only themselves.
 */
export function renderedProblems(render: RenderedPermutation, values: Values, facts: ClusterFacts, checker: RenderedChecker, plain?: RenderedPermutation): string[] {
  const documents = render.documents.map((d) => d.text);
  const exceptions = activeExceptions(values, facts);
  const problems = [
    ...notesProblems({ values, facts }, render.notes, exceptions),
    ...checker.checkDocuments(documents, values, facts, exceptions).problems,
    ...allowAllFindings(manifestsText(render)),
  ];
  try {
    if (plain === undefined) problems.push(...checkContractDocuments(documents, values, facts).map((f) => `contract: ${f}`));
    else {
      const plainDocuments = plain.documents.map((d) => d.text);
      problems.push(...extraRulesProblems(documents, plainDocuments, values));
      problems.push(...checkContractDocuments(plainDocuments, withoutExtraRules(values), facts).map((f) => `contract (without the extra rules): ${f}`));
    }
  } catch (err) {
    problems.push(`contract: cannot evaluate: ${(err as Error).message}`);
  }
  return problems;
}

/** Documents of a render without `# Source:` comments, sorted: helm and the harness order them differently. */
export function documentSet(manifests: string): string[] {
  return splitHelmDocuments(manifests)
    .map((d) => d.split('\n').filter((l) => !l.startsWith('# Source:')).join('\n').trim())
    .filter(Boolean).sort();
}

// The property of one values file, piece by piece: what ajv says, what the chart's cross-field checks must
// say, and what a rendered output must pass. The runner (run.ts) and the single-case check share these.
import ipaddr from 'ipaddr.js';
import { loadAll } from 'js-yaml';
import { cidrListPaths, componentKeys, crossFieldViolations, defaultValues, mergeValues, type Values } from '../../model/index.ts';
import { checkRenderedWithValues, parseValuesText } from '../../report/rendered-checks.ts';
import { checkContract } from '../../report/contract/evaluate.ts';
import { allowAllFindings } from '../allow-all.ts';
import { normalizeKeyPaths } from '../../render/render.ts';
import { checkSchema, crashIn, namedKey, type SchemaVerdict } from './schema.ts';

export interface Prepared {
  text: string;
  /** the full values tree helm sees (defaults coalesced with the file); undefined when the text is not YAML */
  values?: unknown;
  yamlError?: string;
  schema: SchemaVerdict;
}

const isMap = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function prepare(text: string): Prepared {
  let override: unknown;
  try {
    override = parseValuesText(text, 'values');
  } catch (err) {
    return { text, yamlError: (err as Error).message, schema: { valid: false, errors: ['not a YAML map'], keys: [] } };
  }
  const values = mergeValues(defaultValues(), override);
  return { text, values, schema: checkSchema(values) };
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

/** An IPv6 block not written in RFC 5952 form (what the API's canonical-form rule rejects). */
export function nonCanonical(cidr: string): boolean {
  const [address] = cidr.split('/');
  return address.includes(':') && ipaddr.IPv6.parse(address).toRFC5952String() !== address;
}

/** The chart's per-CIDR check: host bits first, else a non-canonical IPv6 text. */
const badCidr = (cidr: string) => hasHostBits(cidr) || nonCanonical(cidr);

/** The keys the chart's own checks (templates/_validation.tpl) must reject these schema-valid values with. */
export function chartRejectionKeys(values: Values): string[] {
  const keys = crossFieldViolations(values).map((v) => v.key);
  const at = (key: string) => key.split('.').reduce<unknown>((n, k) => (isMap(n) ? n[k] : undefined), values);
  for (const key of CIDR_KEYS) (at(key) as string[]).forEach((c, i) => { if (badCidr(c)) keys.push(`${key}[${i}]`); });
  for (const [component, c] of Object.entries(values.components)) {
    for (const [direction, peersKey] of [['extraIngress', 'from'], ['extraEgress', 'to']] as const) {
      ((c as Record<string, unknown>)[direction] as Record<string, { ipBlock?: { cidr: string } }[]>[]).forEach((rule, r) => rule[peersKey].forEach((peer, p) => {
        if (peer.ipBlock && badCidr(peer.ipBlock.cidr)) keys.push(`components.${component}.${direction}[${r}].${peersKey}[${p}].ipBlock.cidr`);
      }));
    }
  }
  return keys;
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

/** The chart's verdict on schema-valid values against the keys its checks must name. */
export function chartVerdictProblems(expected: string[], helm: string, rejected: string | undefined): string[] {
  if (rejected !== undefined) {
    const crash = crashIn(rejected);
    if (crash) return [`helm ${helm} crashed (${crash}): ${rejected.slice(0, 400)}`];
    if (!expected.length) return [`helm ${helm}: the chart rejects values that break no rule: ${rejected.slice(0, 400)}`];
    const text = normalizeKeyPaths(rejected);
    const missing = expected.filter((k) => !text.includes(normalizeKeyPaths(k)));
    return missing.length ? [`helm ${helm}: the rejection does not name ${missing.join(', ')}: ${rejected.slice(0, 400)}`] : [];
  }
  return expected.length ? [`helm ${helm}: the chart accepts values that break its rules (${expected.join(', ')})`] : [];
}

const extrasOf = (values: Values) => componentKeys.map((k) => {
  const c = values.components[k] as unknown as { enabled: boolean; extraIngress: unknown[]; extraEgress: unknown[] };
  return { key: k, policy: `kyma-project.io--telemetry-${k.replace(/[A-Z]/g, (x) => `-${x.toLowerCase()}`)}`, enabled: c.enabled, ingress: c.extraIngress, egress: c.extraEgress };
});

export const hasExtraRules = (values: Values) => extrasOf(values).some((e) => e.ingress.length || e.egress.length);

/** The values without any extraIngress/extraEgress: the render the flow contract is checked on. */
export function withoutExtraRules(values: Values): Values {
  const copy = structuredClone(values);
  for (const k of componentKeys) Object.assign(copy.components[k], { extraIngress: [], extraEgress: [] });
  return copy;
}

type Doc = Record<string, any>;
const canonical = (x: unknown) => JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

/**
 * The extra rules only add themselves: each enabled component's policy ends with its extraIngress and
 * extraEgress, verbatim, and without them the render equals the render of the values without extras.
 */
export function extraRulesProblems(withExtras: string, withoutExtras: string, values: Values): string[] {
  const problems: string[] = [];
  const docs = (loadAll(withExtras) as Doc[]).filter((d) => d?.kind === 'NetworkPolicy');
  const plain = new Map((loadAll(withoutExtras) as Doc[]).filter((d) => d?.kind === 'NetworkPolicy').map((d) => [d.metadata.name, d]));
  for (const e of extrasOf(values)) {
    const doc = docs.find((d) => d.metadata?.name === e.policy);
    if (!doc) continue;
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

/**
 * Every check on an accepted render: schema, API rules, lint, invariants, allow-all scan, flow contract.
 * The contract (written from the ADR) knows nothing of a landscape's own extra rules: with extras, it is
 * checked on the render without them (`plain`), and extraRulesProblems proves the extras add only themselves.
 */
export function renderedProblems(manifests: string, values: Values, plain?: string): string[] {
  const problems = [...checkRenderedWithValues(manifests, values).problems, ...allowAllFindings(manifests)];
  try {
    if (plain === undefined) problems.push(...checkContract(manifests, values).map((f) => `contract: ${f}`));
    else {
      problems.push(...extraRulesProblems(manifests, plain, values));
      problems.push(...checkContract(plain, withoutExtraRules(values)).map((f) => `contract (without the extra rules): ${f}`));
    }
  } catch (err) {
    problems.push(`contract: cannot evaluate: ${(err as Error).message}`);
  }
  return problems;
}

/** Documents of a render without `# Source:` comments, sorted: helm and the harness order them differently. */
export function documentSet(manifests: string): string[] {
  return manifests.split(/^---[ \t]*$/m)
    .map((d) => d.split('\n').filter((l) => !l.startsWith('# Source:')).join('\n').trim())
    .filter(Boolean).sort();
}

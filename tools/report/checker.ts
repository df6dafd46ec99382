// Checks rendered permutations fast: permutations share most of their documents, so each distinct document
// is parsed, validated and linted once; per permutation only the exceptions in force are matched and the
// invariants run over its own policy set.
import { activeExceptions, componentKeys, podLabels, workloads, type HardeningException, type Values } from '../model/index.ts';
import {
  duplicateNameFindings, excuseViolations, ipFamilyTwinFindings, isolationFindings, formatErrors, formatHardeningReport, hardeningViolations, validateDocuments,
  type HardeningViolation, type InvariantFinding, type NetworkPolicy, type ResourceResult,
} from '../validate/index.ts';

/** The module workloads the values enable, as the invariants see them. */
export function enabledWorkloads(values: Values) {
  return componentKeys.filter((k) => values.components[k].enabled).map((k) => ({ name: workloads[k].name, labels: podLabels(workloads[k]) }));
}

export interface RenderedCheck {
  problems: string[];
  policies: NetworkPolicy[];
  /** `id: reason` of each recorded exception that excused a violation */
  exceptionsUsed: string[];
}

export const splitDocuments = (text: string) =>
  text.split(/^---[ \t]*$/m).map((d) => d.trim()).filter((d) => d && !d.split('\n').every((l) => l.startsWith('#')));

/** What depends on one document only. */
interface DocumentFacts { result: ResourceResult; violations: HardeningViolation[]; twins: InvariantFinding[] }

export class RenderedChecker {
  private readonly documents = new Map<string, DocumentFacts>();
  private readonly exceptions = new Map<string, HardeningException[]>();

  private facts(doc: string): DocumentFacts {
    let facts = this.documents.get(doc);
    if (!facts) {
      const result = validateDocuments(doc)[0];
      const valid = result.status === 'valid' && result.kind === 'NetworkPolicy';
      const policy = result.resource as NetworkPolicy;
      facts = { result, violations: valid ? hardeningViolations(policy) : [], twins: valid ? ipFamilyTwinFindings(policy) : [] };
      this.documents.set(doc, facts);
    }
    return facts;
  }

  private exceptionsFor(values: Values): HardeningException[] {
    const key = JSON.stringify(values);
    let found = this.exceptions.get(key);
    if (!found) this.exceptions.set(key, (found = activeExceptions(values)));
    return found;
  }

  /** Problems of one rendered output for these values; empty when every check passes. */
  check(manifests: string, values: Values): RenderedCheck {
    const problems: string[] = [];
    const policies: NetworkPolicy[] = [];
    const violations: HardeningViolation[] = [];
    const findings: InvariantFinding[] = [];
    for (const doc of splitDocuments(manifests)) {
      const { result: r, violations: found, twins } = this.facts(doc);
      findings.push(...twins);
      if (r.status === 'valid' && r.kind === 'NetworkPolicy') policies.push(r.resource as NetworkPolicy);
      else if (r.status !== 'skipped') problems.push(`${r.kind} ${r.name}: ${r.message ?? formatErrors(r.errors)}`);
      violations.push(...found);
    }
    const hardening = excuseViolations(violations, this.exceptionsFor(values));
    problems.push(...formatHardeningReport(hardening).unexcused);
    findings.push(...isolationFindings(policies, enabledWorkloads(values)), ...duplicateNameFindings(policies));
    problems.push(...findings.map((f) => `${f.invariant}: ${f.message}`));
    const exceptionsUsed = [...new Set(hardening.exceptionsUsed.map((u) => `${u.exception.id}: ${u.exception.reason}`))];
    return { problems, policies, exceptionsUsed };
  }

  get distinctDocuments(): number {
    return this.documents.size;
  }
}

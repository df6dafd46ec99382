// Every check of the validate stage on one rendered output, the one way the toolkit runs them (check,
// landscapes, permutations, fuzz): strict schema, API-server rules, hardening lint against the exceptions in
// force, invariants. Renders share most of their documents, so each distinct document is parsed, validated and
// linted once; per render only the exceptions in force are matched and the invariants run over its policies.
import {
  activeExceptions, componentKeys, deployed, podLabels, workloads, type ClusterFacts, type HardeningException, type Values,
} from '../model/index.ts';
import { splitHelmDocuments } from '../render/render.ts';
import { duplicateNameFindings, ipFamilyTwinFindings, isolationFindings, type InvariantFinding } from './invariants.ts';
import { excuseViolations, formatHardeningReport, hardeningViolations, type HardeningViolation } from './lint.ts';
import { formatErrors, validateDocuments, type ResourceResult } from './index.ts';
import type { NetworkPolicy } from './types.ts';

const moduleWorkloads = Object.fromEntries(componentKeys.map((k) => [k, { name: workloads[k].name, labels: podLabels(workloads[k]) }]));

/** The module workloads the release serves, as the invariants see them. */
export function enabledWorkloads(values: Values) {
  return componentKeys.filter((k) => deployed(k, values)).map((k) => moduleWorkloads[k]);
}

export interface RenderedCheck {
  problems: string[];
  policies: NetworkPolicy[];
  /** `id: reason` of each recorded exception that excused a violation */
  exceptionsUsed: string[];
}

/** What depends on one document only. */
interface DocumentFacts { result: ResourceResult; violations: HardeningViolation[]; twins: InvariantFinding[] }

export class RenderedChecker {
  /** null: a document of comments only (helm prints a template that renders nothing but comments), no resource */
  private readonly documents = new Map<string, DocumentFacts | null>();
  private readonly exceptions = new Map<string, HardeningException[]>();

  private facts(doc: string): DocumentFacts | null {
    let facts = this.documents.get(doc);
    if (facts === undefined) {
      const [result] = validateDocuments(doc);
      if (!result) {
        this.documents.set(doc, null);
        return null;
      }
      const valid = result.status === 'valid' && result.kind === 'NetworkPolicy';
      const policy = result.resource as NetworkPolicy;
      facts = { result, violations: valid ? hardeningViolations(policy) : [], twins: valid ? ipFamilyTwinFindings(policy) : [] };
      this.documents.set(doc, facts);
    }
    return facts;
  }

  private exceptionsFor(values: Values, facts: ClusterFacts): HardeningException[] {
    const key = `${JSON.stringify(values)}\0${facts.istioApi}`;
    let found = this.exceptions.get(key);
    if (!found) {
      if (this.exceptions.size > 10_000) this.exceptions.clear();
      this.exceptions.set(key, (found = activeExceptions(values, facts)));
    }
    return found;
  }

  /** Problems of one rendered output for these values; empty when every check passes. */
  check(manifests: string, values: Values, facts: ClusterFacts): RenderedCheck {
    return this.checkDocuments(splitHelmDocuments(manifests), values, facts);
  }

  /**
   * As `check`, for documents already split (the harness keeps each distinct document as one string); the
   * exceptions in force may be given when the caller has them.
   */
  checkDocuments(documents: readonly string[], values: Values, facts: ClusterFacts, exceptions = this.exceptionsFor(values, facts)): RenderedCheck {
    const problems: string[] = [];
    const policies: NetworkPolicy[] = [];
    const violations: HardeningViolation[] = [];
    const findings: InvariantFinding[] = [];
    for (const doc of documents) {
      const facts = this.facts(doc);
      if (!facts) continue;
      const { result: r, violations: found, twins } = facts;
      findings.push(...twins);
      if (r.status === 'valid' && r.kind === 'NetworkPolicy') policies.push(r.resource as NetworkPolicy);
      else if (r.status !== 'skipped') problems.push(`${r.kind} ${r.name}: ${r.message ?? formatErrors(r.errors)}`);
      violations.push(...found);
    }
    const hardening = excuseViolations(violations, exceptions);
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

// The checks of one rendered permutation, run where the permutation run puts them (in worker threads, one per
// core): helm's verdict against the model's cross-field rules, the install notes, schema, API rules, lint,
// invariants and the flow contract. A checker is fed the rendered units once (by id) and then checks
// permutations given as their index in the model's space and the ids of the units they are made of.
import { checkContractDocuments } from '../contract/index.ts';
import { activeExceptions, permutation, type Permutation } from '../model/index.ts';
import { notesUnit } from '../render/harness.ts';
import { splitHelmDocuments } from '../render/render.ts';
import { RenderedChecker } from '../validate/rendered.ts';
import { notesProblems, verdictProblems } from './verdicts.ts';

/** A rendered unit: its template, what helm printed, and whether the other helm version printed something else. */
export interface UnitOutput { id: number; template: string; text: string; differs?: string }

/** A permutation to check: its index and the ids of its units (validation first, then its templates). */
export interface PermutationUnits { index: number; units: number[] }

export interface PermutationFailure { index: number; values: Record<string, unknown>; labels: Record<string, string>; errors: string[] }

export class PermutationChecker {
  private readonly units = new Map<number, UnitOutput>();
  private readonly documents = new Map<number, string[]>();
  private readonly checker = new RenderedChecker();

  constructor(private readonly withContract: boolean) {}

  add(units: readonly UnitOutput[]): void {
    for (const u of units) this.units.set(u.id, u);
  }

  get distinctDocuments(): number {
    return this.checker.distinctDocuments;
  }

  private documentsOf(id: number): string[] {
    let docs = this.documents.get(id);
    if (!docs) this.documents.set(id, (docs = splitHelmDocuments(this.units.get(id)!.text)));
    return docs;
  }

  /** The problems of one permutation; empty when it passes. */
  problems(p: Permutation, ids: readonly number[]): string[] {
    const units = ids.map((id) => {
      const unit = this.units.get(id);
      if (!unit) throw new Error(`unit ${id} of permutation ${p.index} was never rendered`);
      return unit;
    });
    const [validation, ...templates] = units;
    const rejected = validation.text.trim() || undefined;
    const problems = verdictProblems(p.values, rejected);
    for (const u of units) if (u.differs) problems.push(u.differs);
    if (rejected) return problems;
    const exceptions = activeExceptions(p.values, p.facts);
    const notes = templates.find((u) => u.template === notesUnit);
    if (notes) problems.push(...notesProblems(p, notes.text, exceptions));
    const documents = templates.filter((u) => u.template !== notesUnit).flatMap((u) => this.documentsOf(u.id));
    problems.push(...this.checker.checkDocuments(documents, p.values, p.facts, exceptions).problems);
    if (this.withContract) problems.push(...checkContractDocuments(documents, p.values, p.facts));
    return problems;
  }

  /** Checks permutations; returns the failing ones and how many the chart rejects. */
  check(batch: readonly PermutationUnits[]): { failures: PermutationFailure[]; rejected: number } {
    const failures: PermutationFailure[] = [];
    let rejected = 0;
    for (const { index, units } of batch) {
      const p = permutation(index);
      if (this.units.get(units[0])!.text.trim()) rejected++;
      const errors = this.problems(p, units);
      if (errors.length) failures.push({ index, values: p.override, labels: p.labels, errors });
    }
    return { failures, rejected };
  }
}

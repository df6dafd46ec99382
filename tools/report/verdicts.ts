// What a permutation's render must say beside its policies: helm's verdict on the values (accepted, or
// rejected naming the keys the model predicts) and the install notes (exactly the exceptions in force).
import { activeExceptions, crossFieldViolations, type Permutation, type Values } from '../model/index.ts';
import { normalizeKeyPaths } from '../render/render.ts';

/** Helm's verdict for one permutation against what the model predicts. */
export function verdictProblems(values: Values, rejected: string | undefined): string[] {
  const predicted = crossFieldViolations(values);
  if (rejected) {
    if (!predicted.length) return [`the chart rejects values the model accepts: ${rejected}`];
    const message = normalizeKeyPaths(rejected);
    return predicted.filter((p) => !message.includes(normalizeKeyPaths(p.key))).map((p) => `the rejection does not name ${p.key}: ${rejected}`);
  }
  return predicted.map((p) => `the chart accepts values that break ${p.rule} (${p.key})`);
}


/** NOTES.txt must list exactly the exceptions the model finds in force. */
export function notesProblems(p: Pick<Permutation, 'values' | 'facts'>, notes: string | undefined, exceptions = activeExceptions(p.values, p.facts)): string[] {
  if (notes === undefined) return ['NOTES.txt was not rendered'];
  const listed = [...notes.matchAll(/^ {2}- ([a-z0-9-]+): /gm)].map((m) => m[1]);
  const expected = [...new Set(exceptions.map((e) => e.id))];
  const missing = expected.filter((id) => !listed.includes(id));
  const extra = listed.filter((id) => !expected.includes(id));
  return [
    ...(missing.length ? [`NOTES.txt does not list the open exceptions ${missing.join(', ')}`] : []),
    ...(extra.length ? [`NOTES.txt lists exceptions that are not open: ${extra.join(', ')}`] : []),
  ];
}

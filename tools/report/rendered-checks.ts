// Every check on one rendered output: strict schema, API-server rules, hardening lint against the exceptions
// the model records for these values, and the invariants (the flow contract is tools/report/contract).
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { UserError } from '../errors.ts';
import { defaultValues, mergeValues, type Values } from '../model/index.ts';
import { RenderedChecker, type RenderedCheck } from './checker.ts';

export { enabledWorkloads } from './checker.ts';

/** The override in a values file's text, read as helm reads it: an empty file (or comments only) is none. */
export function parseValuesText(text: string, source: string): Record<string, unknown> {
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) return {};
  let parsed: unknown;
  try {
    parsed = load(text, { maxDepth: 1000 } as never);
  } catch (err) {
    throw new UserError(`${source}: not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new UserError(`${source}: expected a map of values at the top level`);
  return parsed as Record<string, unknown>;
}

/** The full values tree helm sees for these override files, in order. */
export function valuesFor(files: string[]): Values {
  return files.reduce<unknown>((acc, f) => mergeValues(acc, parseValuesText(readFileSync(f, 'utf8'), f)), defaultValues()) as Values;
}

const checker = new RenderedChecker();

export function checkRenderedWithValues(rendered: string, values: Values): RenderedCheck {
  return checker.check(rendered, values);
}

export function checkRendered(rendered: string, valuesFiles: string[]): RenderedCheck {
  return checkRenderedWithValues(rendered, valuesFor(valuesFiles));
}

// Every check on one rendered output: strict schema, API-server rules, hardening lint against the exceptions
// the model records for these values, and the invariants (the flow contract is tools/report/contract).
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { defaultValues, mergeValues, type Values } from '../model/index.ts';
import { RenderedChecker, type RenderedCheck } from './checker.ts';

export { enabledWorkloads } from './checker.ts';

/** The full values tree helm sees for these override files, in order. */
export function valuesFor(files: string[]): Values {
  return files.reduce<unknown>((acc, f) => mergeValues(acc, load(readFileSync(f, 'utf8')) ?? {}), defaultValues()) as Values;
}

const checker = new RenderedChecker();

export function checkRenderedWithValues(rendered: string, values: Values): RenderedCheck {
  return checker.check(rendered, values);
}

export function checkRendered(rendered: string, valuesFiles: string[]): RenderedCheck {
  return checkRenderedWithValues(rendered, valuesFor(valuesFiles));
}

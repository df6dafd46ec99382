// Every check on one rendered output: strict schema, API-server rules, hardening lint against the exceptions
// the model records for these values, and the invariants.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { activeExceptions, componentKeys, defaultValues, mergeValues, podLabels, workloads, type Values } from '../model/index.ts';
import { formatErrors, formatHardeningReport, validateRendered } from '../validate/index.ts';

/** The full values tree helm sees for these override files, in order. */
export function valuesFor(files: string[]): Values {
  return files.reduce<unknown>((acc, f) => mergeValues(acc, load(readFileSync(f, 'utf8')) ?? {}), defaultValues()) as Values;
}

export function enabledWorkloads(values: Values) {
  return componentKeys.filter((k) => values.components[k].enabled).map((k) => ({ name: workloads[k].name, labels: podLabels(workloads[k]) }));
}

export interface RenderedCheck { problems: string[]; exceptionsUsed: string[] }

export function checkRenderedWithValues(rendered: string, values: Values): RenderedCheck {
  const result = validateRendered(rendered, { exceptions: activeExceptions(values), workloads: enabledWorkloads(values) });
  const problems = [
    ...result.resources.filter((r) => r.status === 'invalid' || r.status === 'error')
      .map((r) => `${r.kind} ${r.name}: ${r.message ?? formatErrors(r.errors)}`),
    ...formatHardeningReport(result.hardening).unexcused,
    ...result.invariants.map((f) => `${f.invariant}: ${f.message}`),
  ];
  const exceptionsUsed = [...new Set(result.hardening.exceptionsUsed.map((u) => `${u.exception.id}: ${u.exception.reason}`))];
  return { problems, exceptionsUsed };
}

export function checkRendered(rendered: string, valuesFiles: string[]): RenderedCheck {
  return checkRenderedWithValues(rendered, valuesFor(valuesFiles));
}

// The values helm renders with, read from the values files as helm reads them: the files merged in order,
// then coalesced onto the chart's defaults.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { defaultValues, mergeOverrides, mergeValues, type Values } from '../model/index.ts';
import { parseDocuments } from '../yaml/documents.ts';

/**
 * The override in a values file's text, read as helm reads it (sigs.k8s.io/yaml, so `enabled: yes` is true):
 * an empty file, or comments only, is none. Helm reads only the first document of a file; a file of several is
 * an error here rather than values silently dropped.
 */
export function parseValuesText(text: string, source: string): Record<string, unknown> {
  const documents = parseDocuments(text);
  const broken = documents.find((d) => d.error !== undefined);
  if (broken) throw new UserError(`${source}: not YAML: ${broken.error}`);
  if (documents.length > 1) throw new UserError(`${source}: holds ${documents.length} YAML documents; helm reads only the first, so write one`);
  const parsed = documents[0]?.resource;
  if (parsed === undefined) return {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UserError(`${source}: expected a map of values at the top level`);
  return parsed as Record<string, unknown>;
}

/** The full values tree helm sees for these override files, in order. */
export function valuesFor(files: readonly string[]): Values {
  const user = files.reduce<Record<string, unknown>>((acc, f) => mergeOverrides(acc, parseValuesText(readFileSync(f, 'utf8'), f)), {});
  return mergeValues(defaultValues(), user) as Values;
}

// Shared by the contract tests: render a landscape once, hand-edit its policies, check the result.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { resolveHelm } from '../../tools/render/helm.ts';
import { renderChart } from '../../tools/render/render.ts';
import { valuesFor } from '../../tools/report/rendered-checks.ts';
import { evaluateContract } from '../../tools/report/contract/evaluate.ts';

export const root = join(import.meta.dirname, '..', '..');
export const landscape = (name: string) => (name === 'defaults' ? [] : [join(root, 'values', `${name}.yaml`)]);

const renders = new Map<string, string>();
export async function render(files: string[]): Promise<string> {
  const key = files.join('\0');
  if (!renders.has(key)) renders.set(key, await renderChart(await resolveHelm(4), { valuesFiles: files }));
  return renders.get(key)!;
}

const tmp = mkdtempSync(join(tmpdir(), 'contract-'));
let counter = 0;
/** Writes a values or manifests file for a test; returns its path. */
export function tempFile(text: string, ext = 'yaml'): string {
  const file = join(tmp, `f${counter++}.${ext}`);
  writeFileSync(file, text);
  return file;
}

type Policy = { metadata: { name: string }; spec: any };
/** The rendered documents with `edit` applied to the policy named kyma-project.io--telemetry-<suffix>. */
export function mutate(manifests: string, suffix: string, edit: (spec: any) => void): string {
  const docs = loadAll(manifests).filter(Boolean) as Policy[];
  const policy = docs.find((d) => d.metadata.name === `kyma-project.io--telemetry-${suffix}`);
  if (!policy) throw new Error(`no policy ${suffix}`);
  edit(policy.spec);
  return docs.map((d) => dump(d, { lineWidth: -1 })).join('---\n');
}

/** Removes the policy named kyma-project.io--telemetry-<suffix>. */
export function drop(manifests: string, suffix: string): string {
  const docs = (loadAll(manifests).filter(Boolean) as Policy[]).filter((d) => d.metadata.name !== `kyma-project.io--telemetry-${suffix}`);
  return docs.map((d) => dump(d, { lineWidth: -1 })).join('---\n');
}

/** The contract's failures (uncached) for manifests checked against the values of `files`. */
export function failures(manifests: string, files: string[]): string[] {
  return evaluateContract(manifests, valuesFor(files)).failures;
}

/** Index of the rule whose peers or comment mention `text` (by JSON of the rule). */
export function ruleWith(rules: any[], text: string): number {
  const i = rules.findIndex((r) => JSON.stringify(r).includes(text));
  if (i < 0) throw new Error(`no rule with ${text}`);
  return i;
}

// Renders many values permutations with one helm process. A test-only harness chart includes the chart's
// own templates (each wrapped in a `define`) once per permutation, with a context built like Helm's
// top-level one: the same real helm, the same templates and helpers, a fraction of the process start-ups.
// The cross-field checks run through the chart's own `telemetry-netpol.validationErrors` helper, whose
// messages a rejected permutation reports instead of failing the whole batch.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { chartDir } from '../paths.ts';
import type { Helm } from './helm.ts';
import { defaultNamespace, releaseName } from './render.ts';

export interface HarnessRender {
  /** position of the permutation in the batch */
  index: number;
  /** the chart's validation messages, when it rejects the values */
  rejected?: string;
  /** rendered NetworkPolicies, as `helm template` prints them but without `# Source:` lines */
  manifests: string;
}

const marker = 'kind: TelemetryNetpolHarnessRender';

/** Writes the harness chart into a new temporary folder (built from the chart on every call: it is cheap). */
export function buildHarnessChart(source = chartDir): string {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-netpol-harness-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), readFileSync(join(source, 'Chart.yaml')));
  const templates = readdirSync(join(source, 'templates')).sort();
  const includes: string[] = [];
  for (const name of templates) {
    const text = readFileSync(join(source, 'templates', name), 'utf8');
    if (name.startsWith('_')) { writeFileSync(join(dir, 'templates', name), text); continue; }
    if (name === 'validate.yaml') continue; // its check runs below, reporting instead of failing
    writeFileSync(join(dir, 'templates', `_harness-${name}.tpl`), `{{- define "harness.${name}" -}}\n${text}\n{{- end }}\n`);
    includes.push(name);
  }
  // Each permutation becomes one document holding its manifests as a block scalar, so that helm's splitting
  // and sorting of documents cannot reorder or merge permutations.
  const body = includes.map((n) => `{{- $out = printf "%s\\n---\\n%s" $out (include "harness.${n}" $context) }}`).join('\n');
  writeFileSync(join(dir, 'templates', 'permutations.yaml'), `{{- range $index, $values := .Values.permutations }}
{{- $context := dict "Values" $values "Release" $.Release "Chart" $.Chart "Capabilities" $.Capabilities "Template" $.Template }}
{{- $errors := include "telemetry-netpol.validationErrors" $context | trim }}
{{- $out := "" }}
{{- if not $errors }}
${body}
{{- end }}
---
${marker}
index: {{ $index }}
rejected: {{ $errors | toJson }}
manifests: |
{{ $out | indent 2 }}
{{- end }}
`);
  return dir;
}

/** Numbers each batch's values file: concurrent batches of one process must not share a file. */
let batchCounter = 0;

/** Renders a batch of full values trees; returns one result per permutation, in order. */
export async function renderBatch(helm: Helm, harnessDir: string, batch: unknown[], namespace = defaultNamespace): Promise<HarnessRender[]> {
  const valuesFile = join(harnessDir, `values-${++batchCounter}.json`);
  writeFileSync(valuesFile, JSON.stringify({ permutations: batch }));
  try {
    const out = await $({ quiet: true, nothrow: true })`${helm.bin} ${['template', releaseName, harnessDir, '--namespace', namespace, '--values', valuesFile]}`;
    if (out.exitCode !== 0) throw new Error(`helm ${helm.version} failed on the harness chart:\n${out.stderr.trim()}`);
    return parseHarnessOutput(out.stdout, batch.length);
  } finally {
    rmSync(valuesFile, { force: true });
  }
}

export function parseHarnessOutput(text: string, expected: number): HarnessRender[] {
  const results: HarnessRender[] = [];
  for (const doc of text.split(/^---$/m)) {
    const at = doc.indexOf(marker);
    if (at < 0) continue;
    const index = Number(/^index: (\d+)$/m.exec(doc)?.[1]);
    const rejected = JSON.parse(/^rejected: (.*)$/m.exec(doc)?.[1] ?? '""') as string;
    const start = doc.indexOf('manifests: |\n');
    const manifests = doc.slice(start + 'manifests: |\n'.length).split('\n').map((l) => l.slice(2)).join('\n');
    results[index] = rejected ? { index, rejected, manifests: '' } : { index, manifests };
  }
  if (results.length !== expected || results.some((r) => r === undefined)) {
    throw new Error(`the harness rendered ${results.filter(Boolean).length} of ${expected} permutations`);
  }
  return results;
}

// Renders many values permutations with few helm processes and no repeated work.
//
// Each template of the chart reads a few values keys only (log-agent.yaml does not read the trace backends),
// so its output is the same for every permutation that agrees on those keys. The keys are found by reading the
// templates: every `.Values.a.b` a template or a helper it includes (transitively) mentions; a bare `.Values`
// counts as every key, and `.Capabilities` adds the cluster facts. A test-only harness chart wraps each of the
// chart's templates in a `define` and renders one *unit* (a template, with the values of one permutation) per
// range iteration; each distinct unit is rendered once per helm version, and a permutation's output is put
// together from its units. The cross-field checks run through the chart's own `telemetry-netpol.validationErrors`
// helper, as one more unit, so a rejected permutation reports its messages instead of failing the batch.
// A test compares the assembled output with plain `helm template` for a spread of permutations.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { pickClasses, pickIndexes, valueAt, type ClusterFacts } from '../model/index.ts';
import { chartDir } from '../paths.ts';
import type { Helm } from './helm.ts';
import { capabilityArgs, defaultNamespace, releaseName, splitHelmDocuments } from './render.ts';

/** The name of the validation unit, beside the chart's template files. */
export const validationUnit = 'telemetry-netpol.validationErrors';

export interface Dependencies {
  /** dotted values paths the template reads; '' stands for every key */
  paths: string[];
  /** the template reads .Capabilities */
  capabilities: boolean;
}

/** One chart template, or the validation helper, with what it reads. */
export interface TemplateUnit { name: string; define: string; dependencies: Dependencies }

/** A permutation's render: the chart's rejection message, or its documents in helm's order. */
export interface RenderedPermutation {
  rejected?: string;
  /** what NOTES.txt prints after an install (lookup finds nothing here, as under `helm template`) */
  notes?: string;
  /** each rendered document (one NetworkPolicy), trimmed, with the template it came from */
  documents: { template: string; text: string }[];
  /** the units it was put together from, by position in `units`: the validation unit's key, then each template's (none when rejected, or when left out) */
  unitKeys: (string | undefined)[];
}

/**
 * What to render: a full values tree and the cluster facts; `index` names a permutation of the model's space;
 * `withoutNotes` leaves NOTES.txt out (it reads nearly every key, so it is the costliest unit to render for all).
 */
export interface RenderInput { values: unknown; facts: ClusterFacts; index?: number; withoutNotes?: boolean }

const actionRe = /\{\{-?\s*(\/\*[\s\S]*?\*\/|[^}]*?)\s*-?\}\}/g;
const includeRe = /\b(?:include|template)\s+"([^"]+)"/g;
const valuesRe = /\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g;

/**
 * The body of each `define` in the texts, its actions only, comments dropped: a helper's documentation (its
 * Usage line shows an include) must not count as a read. A define ends at the `end` that closes it.
 */
function defines(texts: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const text of texts) {
    let name: string | undefined;
    let depth = 0;
    let body: string[] = [];
    for (const [, action] of text.matchAll(actionRe)) {
      if (action.startsWith('/*')) continue;
      const opens = /^(if|range|with|define|block)\b/.test(action);
      if (!name) {
        const m = /^define\s+"([^"]+)"/.exec(action);
        if (m) { name = m[1]; depth = 1; body = []; }
        continue;
      }
      if (opens) depth++;
      else if (/^end\b/.test(action) && --depth === 0) { found.set(name, body.join('\n')); name = undefined; continue; }
      body.push(action);
    }
  }
  return found;
}

/** A template's actions, comments dropped. */
export const actionsOf = (text: string) => [...text.matchAll(actionRe)].map((m) => m[1]).filter((a) => !a.startsWith('/*')).join('\n');

/**
 * What a template's actions (`actionsOf`, or a helper's body) read: their own `.Values` paths and those of every
 * helper they include, transitively.
 */
export function dependenciesOf(actions: string, helpers: Map<string, string>): Dependencies {
  const seen = new Set<string>();
  const texts = [actions];
  for (let i = 0; i < texts.length; i++) {
    for (const m of texts[i].matchAll(includeRe)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      const body = helpers.get(m[1]);
      if (body) texts.push(body);
    }
  }
  const all = texts.join('\n');
  // `index . "Values"` and similar reach values without a `.Values.` path: count them as every key
  const dynamic = /"Values"/.test(all);
  const paths = new Set<string>();
  for (const m of all.matchAll(valuesRe)) paths.add(m[1].slice(1));
  if (dynamic) paths.add('');
  // a path inside another is redundant: `backends` covers `backends.logs.cidrs`
  const sorted = [...paths].sort();
  const minimal = sorted.filter((p) => !sorted.some((q) => q !== p && (q === '' || p.startsWith(`${q}.`))));
  return { paths: minimal, capabilities: /\.Capabilities\b/.test(all) };
}

/** The chart's templates in the order helm renders them, and the validation unit, each with its dependencies. */
export function templateUnits(source = chartDir): TemplateUnit[] {
  const names = readdirSync(join(source, 'templates')).sort();
  const helperTexts = names.filter((n) => n.startsWith('_')).map((n) => readFileSync(join(source, 'templates', n), 'utf8'));
  const helpers = defines(helperTexts);
  const units = names
    .filter(isRendered)
    .map((name) => ({ name, define: `harness.${name}`, dependencies: dependenciesOf(actionsOf(readFileSync(join(source, 'templates', name), 'utf8')), helpers) }));
  const validation = helpers.get(validationUnit);
  if (!validation) throw new Error(`the chart defines no ${validationUnit}`);
  return [{ name: validationUnit, define: validationUnit, dependencies: dependenciesOf(validation, helpers) }, ...units];
}

/** The template files the harness renders as units: the policies and NOTES.txt (validate.yaml runs as the validation unit). */
const isRendered = (name: string) => !name.startsWith('_') && name !== 'validate.yaml' && /\.(ya?ml|txt)$/.test(name);
export const notesUnit = 'NOTES.txt';

const marker = 'kind: TelemetryNetpolHarnessUnits';

/** Writes the harness chart into a new temporary folder (built from the chart on every call: it is cheap). */
export function buildHarnessChart(source = chartDir): string {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-netpol-harness-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), readFileSync(join(source, 'Chart.yaml')));
  for (const name of readdirSync(join(source, 'templates')).sort()) {
    const text = readFileSync(join(source, 'templates', name), 'utf8');
    if (name.startsWith('_')) writeFileSync(join(dir, 'templates', name), text);
    else if (isRendered(name)) {
      writeFileSync(join(dir, 'templates', `_harness-${name}.tpl`), `{{- define "harness.${name}" -}}\n${text}\n{{- end }}\n`);
    }
  }
  // Every unit's output on a comment line of one document, as a JSON string: helm parses each document it
  // renders to sort them, and comments cost it almost nothing.
  writeFileSync(join(dir, 'templates', 'units.yaml'), `${marker}
{{- range $unit := .Values.units }}
{{- $context := dict "Values" $unit.values "Release" $.Release "Chart" $.Chart "Capabilities" $.Capabilities "Template" $.Template }}
# {{ include $unit.define $context | toJson }}
{{- end }}
`);
  return dir;
}

/** Numbers each batch's files: concurrent batches of one process must not share a file. */
let batchCounter = 0;

/**
 * Renders units with one helm process: `units[i]` is a define and the values it renders with. Helm writes
 * to a file, not a pipe, so that it never waits on this process while it checks other permutations.
 */
export async function renderUnits(helm: Helm, harnessDir: string, units: { define: string; values: unknown }[], facts: ClusterFacts, namespace = defaultNamespace): Promise<string[]> {
  const n = ++batchCounter;
  // beside the chart, not in it: helm walks the chart folder, and a file another batch removes meanwhile fails its walk
  const valuesFile = `${harnessDir}.values-${n}.json`;
  const outFile = `${harnessDir}.out-${n}.yaml`;
  writeFileSync(valuesFile, JSON.stringify({ units }));
  const args = ['template', releaseName, harnessDir, '--namespace', namespace, '--values', valuesFile,
    ...capabilityArgs(facts)];
  const out = openSync(outFile, 'w');
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(helm.bin, args, { stdio: ['ignore', out, 'pipe'] });
      let err = '';
      child.stderr!.on('data', (chunk) => { err += chunk; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr: err }));
    });
    if (code !== 0) throw new Error(`helm ${helm.version} failed on the harness chart:\n${stderr.trim()}`);
    return parseUnits(readFileSync(outFile, 'utf8'), units.length);
  } finally {
    closeSync(out);
    rmSync(valuesFile, { force: true });
    rmSync(outFile, { force: true });
  }
}

export function parseUnits(text: string, expected: number): string[] {
  const outputs = text.split('\n').filter((line) => line.startsWith('# "')).map((line) => JSON.parse(line.slice(2)) as string);
  if (outputs.length !== expected) throw new Error(`the harness rendered ${outputs.length} of ${expected} units`);
  return outputs;
}


/** The key of a unit: its name, the values it reads, and the facts when it reads them. */
export function unitKey(unit: TemplateUnit, input: RenderInput): string {
  const read = unit.dependencies.paths.map((p) => (p === '' ? input.values : valueAt(input.values, p)));
  return `${unit.name}\0${JSON.stringify(read)}${unit.dependencies.capabilities ? `\0${input.facts.istioApi}` : ''}`;
}

/** Only the keys a unit reads: a smaller values file for helm to load, the same output. */
export function pruneValues(values: unknown, paths: string[]): unknown {
  if (paths.includes('')) return values;
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const keys = path.split('.');
    let source: any = values;
    let target = out;
    keys.forEach((k, i) => {
      if (source === null || typeof source !== 'object' || !(k in source)) return;
      if (i === keys.length - 1) target[k] = source[k];
      else {
        target = (target[k] ??= {}) as Record<string, unknown>;
        source = source[k];
      }
    });
  }
  return out;
}

/**
 * Renders permutations for one helm version through the harness chart, each distinct unit once. Outputs are
 * kept for the life of the renderer, so later batches reuse them (and the same document text is the same string).
 */
export class HarnessRenderer {
  readonly units: TemplateUnit[];
  private readonly dir: string;
  private readonly outputs = new Map<string, string>();
  private readonly documents = new Map<string, { template: string; text: string }[]>();

  /** per unit and switch of the model's space: the class of each pick as the unit sees it (none: unseen) */
  private readonly classes: (number[] | undefined)[][];

  constructor(readonly helm: Helm, source = chartDir, private readonly batchSize = 400) {
    this.units = templateUnits(source);
    this.dir = buildHarnessChart(source);
    this.classes = this.units.map((u) => pickClasses(u.dependencies.paths, u.dependencies.capabilities));
  }

  /**
   * The key of unit `u` for an input: for a permutation of the model's space, the classes of its picks as the
   * unit sees them (cheap: no values are read); else the values the unit reads.
   */
  private keyOf(u: number, input: RenderInput, picks: number[] | undefined): string {
    if (!picks) return unitKey(this.units[u], input);
    let key = `${u}`;
    this.classes[u].forEach((classes, s) => { if (classes) key += `.${s}:${classes[picks[s]]}`; });
    return key;
  }

  /** Distinct units rendered so far. */
  get rendered(): number {
    return this.outputs.size;
  }

  /** The output of a unit rendered before, by its key. */
  textOf(key: string): string | undefined {
    return this.outputs.get(key);
  }

  private async ensure(wanted: Map<string, { unit: TemplateUnit; input: RenderInput }>): Promise<void> {
    const missing = [...wanted];
    for (const istioApi of [false, true]) {
      const group = missing.filter(([, w]) => w.input.facts.istioApi === istioApi);
      const batches: (typeof group)[] = [];
      for (let i = 0; i < group.length; i += this.batchSize) batches.push(group.slice(i, i + this.batchSize));
      // two helm processes at a time: one per core
      for (let i = 0; i < batches.length; i += 2) {
        await Promise.all(batches.slice(i, i + 2).map(async (batch) => {
          const texts = await renderUnits(this.helm, this.dir,
            batch.map(([, w]) => ({ define: w.unit.define, values: pruneValues(w.input.values, w.unit.dependencies.paths) })), { istioApi });
          batch.forEach(([key], j) => this.outputs.set(key, texts[j]));
        }));
      }
    }
  }

  private documentsOf(key: string, template: string): { template: string; text: string }[] {
    let docs = this.documents.get(key);
    if (!docs) this.documents.set(key, (docs = splitHelmDocuments(this.outputs.get(key)!).map((text) => ({ template, text }))));
    return docs;
  }

  /** Renders each input: first the validation unit of every input, then the templates of the accepted ones. */
  async render(inputs: RenderInput[]): Promise<RenderedPermutation[]> {
    const [validation, ...templates] = this.units;
    const picks = inputs.map((input) => (input.index === undefined ? undefined : pickIndexes(input.index)));
    const wanted = new Map<string, { unit: TemplateUnit; input: RenderInput }>();
    const validationKeys = inputs.map((input, i) => {
      const key = this.keyOf(0, input, picks[i]);
      if (!this.outputs.has(key)) wanted.set(key, { unit: validation, input });
      return key;
    });
    await this.ensure(wanted);
    wanted.clear();
    const templateKeys = inputs.map((input, i) => {
      if (this.outputs.get(validationKeys[i])!.trim()) return undefined;
      return templates.map((unit, j) => {
        if (input.withoutNotes && unit.name === notesUnit) return undefined;
        const key = this.keyOf(j + 1, input, picks[i]);
        if (!this.outputs.has(key)) wanted.set(key, { unit, input });
        return key;
      });
    });
    await this.ensure(wanted);
    const notesAt = templates.findIndex((u) => u.name === notesUnit);
    const documentsOf = (keys: (string | undefined)[]) =>
      keys.flatMap((key, j) => (key === undefined || j === notesAt ? [] : this.documentsOf(key, templates[j].name)));
    return inputs.map((_, i) => {
      const keys = templateKeys[i];
      if (!keys) return { rejected: this.outputs.get(validationKeys[i])!.trim(), documents: [], unitKeys: [validationKeys[i]] };
      const notes = keys[notesAt];
      // split into documents only when read: the permutation run reads the unit keys alone
      return { get documents() { return documentsOf(keys); }, notes: notes === undefined ? undefined : this.outputs.get(notes), unitKeys: [validationKeys[i], ...keys] };
    });
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A rendered permutation as `helm template` prints it (the chart named as in Chart.yaml). */
export function asHelmOutput(rendered: RenderedPermutation, chartName: string): string {
  return rendered.documents.map((d) => `---\n# Source: ${chartName}/templates/${d.template}\n${d.text}\n`).join('');
}

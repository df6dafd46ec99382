// `make fuzz`: property-based values files against the real helm (Helm 3 and Helm 4).
//
// Property: for each generated values file, either both Helm versions reject it with a message that names
// the offending key, or the rendered output passes every validator, the allow-all scan and the flow
// contract. Never a crash, a Go panic or a stack trace.
//
// Which case gets which check:
//   every case            its YAML text is parsed (js-yaml), coalesced onto the defaults and checked against
//                         chart/values.schema.json with ajv (draft-07, every error)
//   ajv rejects           a deterministic sample (every k-th case, at least --helm-sample) goes through the
//                         real `helm template` with both versions: it must fail, name one of ajv's keys, and
//                         not crash. The rest are counted as rejected on ajv's word only.
//   ajv accepts           every case is rendered by both versions through the harness chart (the chart's own
//                         templates and checks, many values trees per helm process): the chart's cross-field
//                         and host-bit checks must reject exactly what the model predicts and name the keys;
//                         an accepted render must pass every check and be identical on both versions. A
//                         sample (--helm-sample / 5) also goes through the real `helm template` with the YAML
//                         text (helm's own YAML parser and schema check): same verdict, same documents.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Values } from '../../model/index.ts';
import { chartDir, projectRoot } from '../../paths.ts';
import { buildHarnessChart, renderBatch, type HarnessRender } from '../../render/harness.ts';
import { resolveHelm, type Helm } from '../../render/helm.ts';
import { RenderFailed, renderChart } from '../../render/render.ts';
import { caseArb, type FuzzCase } from './generate.ts';
import {
  chartRejectionKeys, chartVerdictProblems, documentSet, hasExtraRules, prepare, renderedProblems, schemaRejectionProblems, withoutExtraRules,
  type Prepared,
} from './verdict.ts';
import { crashIn } from './schema.ts';
import { yamlText } from './yaml-text.ts';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** schema-rejected cases checked with the real helm, per version */
  helmSample: number;
  batchSize?: number;
  concurrency?: number;
  /** shrink at most this many failures */
  shrink?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface CaseFailure { index: number; kind: string; text: string; problems: string[]; shrunk?: string }

export interface FuzzReport {
  seed: number;
  helm: string[];
  cases: number;
  kinds: Record<string, number>;
  schemaRejected: number;
  schemaRejectedHelmChecked: number;
  chartRejected: number;
  acceptedProven: number;
  acceptedHelmChecked: number;
  failures: CaseFailure[];
  /** failures grouped by the shape of their first problem */
  causes: Record<string, number>;
  seconds: number;
}

/** The shape of a failure: its first problem without the helm version, addresses, numbers and names. */
export function causeOf(problems: string[]): string {
  return (problems[0] ?? '').split('\n')[0].replace(/^helm v[\d.]+:? /, '').replace(/kyma-project\.io--telemetry-[\w-]+/g, 'POLICY')
    .replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'").replace(/\b[\w.-]*\d[\w.:/-]*/g, 'N').slice(0, 160);
}

export function caseText(c: FuzzCase): string {
  return yamlText(c.override, c.style);
}

/** Deterministic sample: every k-th of the list, at least `n` of them (all when fewer). */
export function sampleEvery<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  const k = list.length / n;
  return Array.from({ length: n }, (_, i) => list[Math.floor(i * k)]);
}

/** Plain `helm template` of the chart with one values file, as a user runs it: exit code and output. */
async function helmTemplate(helm: Helm, file: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    return { exitCode: 0, stdout: await renderChart(helm, { valuesFiles: [file] }), stderr: '' };
  } catch (err) {
    if (err instanceof RenderFailed) return { exitCode: 1, stdout: '', stderr: err.stderr };
    throw err;
  }
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Harness renders of one batch, split in halves when helm fails on the batch, to find the culprit. */
async function renderAll(helm: Helm, harness: string, values: unknown[]): Promise<(HarnessRender | { crash: string })[]> {
  try {
    return await renderBatch(helm, harness, values);
  } catch (err) {
    if (values.length === 1) return [{ crash: (err as Error).message }];
    const half = Math.ceil(values.length / 2);
    return [...await renderAll(helm, harness, values.slice(0, half)), ...await renderAll(helm, harness, values.slice(half))];
  }
}

export class FuzzWorkspace {
  readonly dir = join(projectRoot, '.cache', `fuzz-${process.pid}`);
  readonly harness = buildHarnessChart(chartDir);
  private n = 0;
  constructor() { mkdirSync(this.dir, { recursive: true }); }
  file(text: string): string {
    const f = join(this.dir, `case-${this.n++}.yaml`);
    writeFileSync(f, text);
    return f;
  }
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.harness, { recursive: true, force: true });
  }
}

type Rendered = HarnessRender | { crash: string };

/**
 * One helm version's harness render of schema-valid values, judged: the chart's verdict against the keys the
 * model predicts, then every check on an accepted render (the contract on `plain`, the render without extras).
 */
function harnessProblems(helm: Helm, values: Values, render: Rendered, plain: Rendered | undefined): string[] {
  if ('crash' in render) return [`helm ${helm.version} failed on the harness: ${render.crash.slice(0, 400)}`];
  const problems = chartVerdictProblems(chartRejectionKeys(values), helm.version, render.rejected);
  if (render.rejected) return problems;
  const plainText = plain && !('crash' in plain) && !plain.rejected ? plain.manifests : undefined;
  if (plain && plainText === undefined) problems.push(`helm ${helm.version}: the values without their extra rules do not render`);
  problems.push(...renderedProblems(render.manifests, values, plainText).map((x) => `helm ${helm.version}: ${x}`));
  return problems;
}

/** What a harness render amounts to, for comparing Helm 3 with Helm 4: the rejection, or the document set. */
const outcome = (r: HarnessRender) => r.rejected ?? documentSet(r.manifests).join('\n---\n');

/** The whole property for one values file with the real helm (both versions); empty when it holds. */
export async function checkValuesText(text: string, ws: FuzzWorkspace, helms: Helm[]): Promise<string[]> {
  const p = prepare(text);
  const file = ws.file(text);
  const problems: string[] = [];
  if (p.values === undefined) {
    for (const helm of helms) {
      const out = await helmTemplate(helm, file);
      if (out.exitCode === 0) problems.push(`helm ${helm.version} accepts a file that is not a values map (${p.yamlError})`);
    }
    return problems;
  }
  if (!p.schema.valid) {
    for (const helm of helms) {
      const out = await helmTemplate(helm, file);
      problems.push(...schemaRejectionProblems(p, helm.version, out.exitCode, out.stderr));
    }
    return problems;
  }
  const values = p.values as Values;
  const outcomes: string[] = [];
  for (const helm of helms) {
    const [render, plain] = await renderAll(helm, ws.harness, hasExtraRules(values) ? [values, withoutExtraRules(values)] : [values]);
    problems.push(...harnessProblems(helm, values, render, plain));
    if ('crash' in render) continue;
    outcomes.push(outcome(render));
    problems.push(...await realHelmAgrees(helm, file, render, p));
  }
  if (outcomes.length === 2 && outcomes[0] !== outcomes[1]) problems.push('Helm 3 and Helm 4 render different output');
  return problems;
}

/** The real `helm template` on the YAML text agrees with the harness render of the parsed values. */
async function realHelmAgrees(helm: Helm, file: string, render: HarnessRender, p: Prepared): Promise<string[]> {
  const out = await helmTemplate(helm, file);
  if (crashIn(out.stderr)) return [`helm ${helm.version} crashed on the file: ${out.stderr.slice(0, 400)}`];
  if (render.rejected) {
    if (out.exitCode === 0) return [`helm ${helm.version} renders the file that the harness rejects (${render.rejected.slice(0, 200)})`];
    const first = render.rejected.split('\n')[0].trim();
    return out.stderr.includes(first) ? [] : [`helm ${helm.version} rejects the file with another message than the harness: ${out.stderr.slice(0, 300)}`];
  }
  if (out.exitCode !== 0) return [`helm ${helm.version} rejects the file that ajv and the harness accept: ${out.stderr.trim().slice(0, 400)} (values ${JSON.stringify(p.values).slice(0, 200)})`];
  const a = documentSet(out.stdout).join('\n---\n');
  const b = documentSet(render.manifests).join('\n---\n');
  return a === b ? [] : [`helm ${helm.version}: helm template on the file renders other documents than the harness on the parsed values`];
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const helms = [await resolveHelm(3), await resolveHelm(4)];
  const concurrency = opts.concurrency ?? 2;
  const batchSize = opts.batchSize ?? 250;
  const ws = new FuzzWorkspace();
  try {
    const cases = fc.sample(caseArb, { seed: opts.seed, numRuns: opts.cases });
    const prepared = cases.map((c) => prepare(caseText(c)));
    const problems: string[][] = cases.map(() => []);
    const kinds: Record<string, number> = {};
    for (const c of cases) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;

    const rejectedBySchema = prepared.map((p, i) => (p.schema.valid ? -1 : i)).filter((i) => i >= 0);
    const accepted = prepared.map((p, i) => (p.schema.valid ? i : -1)).filter((i) => i >= 0);

    // schema rejections: a deterministic sample with the real helm, both versions
    const sample = sampleEvery(rejectedBySchema, opts.helmSample);
    let done = 0;
    await pool(sample, concurrency, async (i) => {
      const file = ws.file(prepared[i].text);
      for (const helm of helms) {
        const out = await helmTemplate(helm, file);
        problems[i].push(...schemaRejectionProblems(prepared[i], helm.version, out.exitCode, out.stderr));
      }
      opts.onProgress?.('helm template (schema rejections)', ++done, sample.length);
    });

    // schema-valid values: every one through the harness, both versions
    const chartRejected = new Set<number>();
    const renders = new Map<number, HarnessRender[]>();
    const batches: number[][] = [];
    for (let i = 0; i < accepted.length; i += batchSize) batches.push(accepted.slice(i, i + batchSize));
    done = 0;
    for (const helm of helms) {
      await pool(batches, concurrency, async (batch) => {
        // values with extra rules are rendered a second time without them, for the flow contract
        const withExtras = batch.filter((i) => hasExtraRules(prepared[i].values as Values));
        const results = await renderAll(helm, ws.harness, [
          ...batch.map((i) => prepared[i].values), ...withExtras.map((i) => withoutExtraRules(prepared[i].values as Values))]);
        const plainOf = new Map(withExtras.map((i, j) => [i, results[batch.length + j]]));
        results.slice(0, batch.length).forEach((r, j) => {
          const i = batch[j];
          problems[i].push(...harnessProblems(helm, prepared[i].values as Values, r, plainOf.get(i)));
          if ('crash' in r) return;
          if (r.rejected) chartRejected.add(i);
          renders.set(i, [...(renders.get(i) ?? []), r]);
        });
        done += batch.length;
        opts.onProgress?.('harness renders', done, accepted.length * helms.length);
      });
    }
    for (const [i, [a, b]] of renders) {
      if (a && b && outcome(a) !== outcome(b)) problems[i].push('Helm 3 and Helm 4 render different output');
    }

    // schema-valid values: a sample through the real helm template with the YAML text
    const acceptedSample = sampleEvery(accepted, Math.max(1, Math.round(opts.helmSample / 5)));
    done = 0;
    await pool(acceptedSample, concurrency, async (i) => {
      const file = ws.file(prepared[i].text);
      for (const [h, helm] of helms.entries()) {
        const render = renders.get(i)?.[h];
        if (render) problems[i].push(...await realHelmAgrees(helm, file, render, prepared[i]));
      }
      opts.onProgress?.('helm template (accepted)', ++done, acceptedSample.length);
    });

    const failures: CaseFailure[] = problems.flatMap((list, index) => (list.length
      ? [{ index, kind: cases[index].kind, text: prepared[index].text, problems: [...new Set(list)] }] : []));
    // shrink one failure per cause (the first few causes)
    const causes: Record<string, number> = {};
    const firstOfCause = new Map<string, CaseFailure>();
    for (const f of failures) {
      const cause = causeOf(f.problems);
      causes[cause] = (causes[cause] ?? 0) + 1;
      if (!firstOfCause.has(cause)) firstOfCause.set(cause, f);
    }
    for (const f of [...firstOfCause.values()].slice(0, opts.shrink ?? 4)) f.shrunk = await shrinkFailure(opts.seed, f.index, ws, helms, 90_000);
    const failed = new Set(failures.map((f) => f.index));
    return {
      seed: opts.seed,
      helm: helms.map((h) => h.version),
      cases: cases.length,
      kinds,
      schemaRejected: rejectedBySchema.length,
      schemaRejectedHelmChecked: sample.length,
      chartRejected: chartRejected.size,
      acceptedProven: accepted.filter((i) => !chartRejected.has(i) && !failed.has(i)).length,
      acceptedHelmChecked: acceptedSample.length,
      failures,
      causes,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
  } finally {
    ws.close();
  }
}

/**
 * fast-check replays the failing run (same seed, path = its index) and shrinks it, checking each smaller
 * candidate with the real helm; returns the smallest failing values file found within the time limit.
 */
export async function shrinkFailure(seed: number, index: number, ws: FuzzWorkspace, helms: Helm[], timeLimitMs = 120_000): Promise<string | undefined> {
  const details = await fc.check(
    fc.asyncProperty(caseArb, async (c) => (await checkValuesText(caseText(c), ws, helms)).length === 0),
    { seed, path: String(index), interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false },
  );
  const shrunk = details.counterexample?.[0];
  return shrunk ? caseText(shrunk) : undefined;
}

// `make fuzz`: property-based values files against the real helm (Helm 3 and Helm 4).
//
// Property: for each generated values file (and the cluster facts it is rendered with), either both Helm
// versions reject it with a message that names the offending key, or the rendered output passes every check
// and the flow contract under both readings, identically on both versions. Never a crash, a Go panic or a
// stack trace.
//
// Which case gets which check:
//   every case            its YAML text is parsed (js-yaml), coalesced onto the defaults and checked against
//                         chart/values.schema.json with ajv (draft-07, every error)
//   ajv rejects           a deterministic sample (every k-th case, at most --helm-sample) goes through the
//                         real `helm template` with both versions: it must fail, name one of ajv's keys, and
//                         not crash. The rest are counted as rejected on ajv's word only.
//   ajv accepts           every case is rendered by both versions through the harness (HarnessRenderer: the
//                         chart's own templates and checks, many values trees per helm process, with the case's
//                         facts): the chart must reject exactly what the model's cross-field rules and the
//                         per-key checks predict, naming the keys (verdictProblems); an accepted render must
//                         list the open exceptions in NOTES.txt (notesProblems) and pass the checker (schema, API
//                         rules, lint, invariants), the allow-all scan and the flow contract, and be identical on
//                         both versions. A sample (--helm-sample / 5) also goes through the real `helm template`
//                         with the YAML text (helm's own YAML parser, coalescing and schema check, renderChart with
//                         the facts): same verdict, same documents.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { chartName, type ClusterFacts, type Values } from '../../model/index.ts';
import { projectRoot } from '../../paths.ts';
import { HarnessRenderer, type RenderInput, type RenderedPermutation } from '../../render/harness.ts';
import { resolveHelm, type Helm } from '../../render/helm.ts';
import { RenderFailed, renderChart } from '../../render/render.ts';
import { RenderedChecker } from '../../validate/rendered.ts';
import { caseArb, type FuzzCase } from './generate.ts';
import {
  chartVerdictProblems, documentSet, factsLine, hasExtraRules, manifestsText, prepare, renderedProblems, schemaRejectionProblems,
  withoutExtraRules, type Prepared,
} from './verdict.ts';
import { crashIn } from './schema.ts';
import { yamlText } from './yaml-text.ts';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** schema-rejected cases checked with the real helm, per version */
  helmSample: number;
  /** schema-valid cases per harness render call */
  batchSize?: number;
  concurrency?: number;
  /** shrink at most this many failures (one per cause) */
  shrink?: number;
  /** failures that are instances of known open findings: counted, not shrunk */
  isKnown?: (f: CaseFailure) => boolean;
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
  /** schema-valid cases rendered with an Istio API in the cluster */
  withIstioApi: number;
  /** harness renderers built again because their temporary chart folder disappeared during the run */
  renewedRenderers: number;
  failures: CaseFailure[];
  /** failures grouped by the shape of their first problem */
  causes: Record<string, number>;
  seconds: number;
}

/** The shape of a failure: its first problem without the helm version, addresses, numbers and names. */
export function causeOf(problems: string[]): string {
  return (problems[0] ?? '').split('\n')[0].replace(/^helm v[\d.]+:? /, '').replace(/kyma-project\.io--[\w-]+/g, 'POLICY')
    .replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'").replace(/\b[\w.-]*\d[\w.:/-]*/g, 'N').slice(0, 160);
}

/** A case as a values file: its facts line (when the cluster serves an Istio API), then the YAML text. */
export function caseText(c: FuzzCase): string {
  return `${factsLine(c.facts)}${yamlText(c.override, c.style)}`;
}

/** Deterministic sample: every k-th of the list, at most `n` of them (all when fewer). */
export function sampleEvery<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  const k = list.length / n;
  return Array.from({ length: n }, (_, i) => list[Math.floor(i * k)]);
}

/** Plain `helm template` of the chart with one values file and the facts, as a user runs it: exit code and output. */
async function helmTemplate(helm: Helm, file: string, facts: ClusterFacts): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    return { exitCode: 0, stdout: await renderChart(helm, { valuesFiles: [file], facts }), stderr: '' };
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

type Rendered = RenderedPermutation | { crash: string };

/** An error of the renderer's own files (its temporary chart folder gone), not of helm on the chart. */
const lostFiles = (err: unknown) => /ENOENT|no such file or directory/.test((err as Error).message);

/** Both helm versions, a harness renderer for each, the checker, and a folder for values files. */
export class FuzzSession {
  readonly dir = join(projectRoot, '.cache', `fuzz-${process.pid}-${Date.now()}`);
  readonly checker = new RenderedChecker();
  readonly renderers: HarnessRenderer[];
  /** renderers built again because their temporary chart folder disappeared under them */
  renewed = 0;
  private n = 0;

  private constructor(readonly helms: Helm[]) {
    mkdirSync(this.dir, { recursive: true });
    this.renderers = helms.map((h) => new HarnessRenderer(h));
  }

  static async open(): Promise<FuzzSession> {
    return new FuzzSession([await resolveHelm(3), await resolveHelm(4)]);
  }

  file(text: string): string {
    mkdirSync(this.dir, { recursive: true });
    const f = join(this.dir, `case-${this.n++}.yaml`);
    writeFileSync(f, text);
    return f;
  }

  /**
   * Harness renders of some inputs by helm version `h`, split in halves when helm fails on them, to find the
   * culprit. When the renderer's temporary chart folder is gone (something outside removed it), the renderer is
   * built again, at most three times per call, instead of blaming the values.
   */
  async render(h: number, inputs: RenderInput[], renewals = 3): Promise<Rendered[]> {
    try {
      return await this.renderers[h].render(inputs);
    } catch (err) {
      if (lostFiles(err) && renewals > 0) {
        this.renderers[h].close();
        this.renderers[h] = new HarnessRenderer(this.helms[h]);
        this.renewed++;
        return this.render(h, inputs, renewals - 1);
      }
      if (inputs.length === 1) return [{ crash: (err as Error).message }];
      const half = Math.ceil(inputs.length / 2);
      return [...await this.render(h, inputs.slice(0, half), renewals), ...await this.render(h, inputs.slice(half), renewals)];
    }
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
    for (const r of this.renderers) r.close();
  }
}

/** A schema-valid case's renders by one helm version: with its values, and (with extra rules) without them. */
interface CaseRenders { render: Rendered; plain?: Rendered }

/**
 * One helm version's harness render of schema-valid values, judged: the chart's verdict against the keys the
 * model and the per-key checks predict, then every check on an accepted render (the contract on the render
 * without extra rules, when there are any).
 */
function harnessProblems(helm: string, p: Prepared, { render, plain }: CaseRenders, checker: RenderedChecker): string[] {
  const values = p.values as Values;
  if ('crash' in render) return [`helm ${helm} failed on the harness: ${render.crash.slice(0, 400)}`];
  const problems = chartVerdictProblems(values, render.rejected);
  if (render.rejected === undefined) {
    if (plain && ('crash' in plain || plain.rejected !== undefined)) problems.push('the values without their extra rules do not render');
    const plainRender = plain && !('crash' in plain) && plain.rejected === undefined ? plain : undefined;
    problems.push(...renderedProblems(render, values, p.facts, checker, plainRender));
  }
  return problems.map((x) => `helm ${helm}: ${x}`);
}

/** What a harness render amounts to, for comparing Helm 3 with Helm 4: the rejection, or the documents and notes. */
const outcome = (r: Rendered) => ('crash' in r ? `crash ${r.crash}` : r.rejected ?? [...r.documents.map((d) => d.text), `NOTES ${r.notes}`].join('\n---\n'));

/** The harness inputs of schema-valid cases: each with its facts, and again without extra rules when it has some. */
function inputsOf(cases: Prepared[]): { inputs: RenderInput[]; plainAt: (number | undefined)[] } {
  const inputs: RenderInput[] = cases.map((p) => ({ values: p.values, facts: p.facts }));
  const plainAt = cases.map((p) => {
    if (!hasExtraRules(p.values as Values)) return undefined;
    inputs.push({ values: withoutExtraRules(p.values as Values), facts: p.facts });
    return inputs.length - 1;
  });
  return { inputs, plainAt };
}

/**
 * The harness part of the property for schema-valid cases (one render call per helm version): per case, the
 * problems and each version's render.
 */
async function judgeAccepted(cases: Prepared[], session: FuzzSession): Promise<{ problems: string[]; renders: Rendered[] }[]> {
  const { inputs, plainAt } = inputsOf(cases);
  const results = cases.map(() => ({ problems: [] as string[], renders: [] as Rendered[] }));
  for (const [h, helm] of session.helms.entries()) {
    const rendered = await session.render(h, inputs);
    cases.forEach((p, i) => {
      const renders: CaseRenders = { render: rendered[i], plain: plainAt[i] === undefined ? undefined : rendered[plainAt[i]!] };
      results[i].problems.push(...harnessProblems(helm.version, p, renders, session.checker));
      results[i].renders.push(rendered[i]);
    });
  }
  for (const r of results) {
    const [a, b] = r.renders;
    if (a && b && outcome(a) !== outcome(b)) r.problems.push('Helm 3 and Helm 4 render different output');
  }
  return results;
}

/** The real `helm template` on the YAML text agrees with the harness render of the parsed values. */
async function realHelmAgrees(helm: Helm, file: string, render: Rendered, p: Prepared): Promise<string[]> {
  if ('crash' in render) return [];
  const out = await helmTemplate(helm, file, p.facts);
  if (crashIn(out.stderr)) return [`helm ${helm.version} crashed on the file: ${out.stderr.slice(0, 400)}`];
  if (render.rejected !== undefined) {
    if (out.exitCode === 0) return [`helm ${helm.version} renders the file that the harness rejects (${render.rejected.slice(0, 200)})`];
    const first = render.rejected.split('\n')[0].trim();
    return out.stderr.includes(first) ? [] : [`helm ${helm.version} rejects the file with another message than the harness: ${out.stderr.slice(0, 300)}`];
  }
  if (out.exitCode !== 0) return [`helm ${helm.version} rejects the file that ajv and the harness accept: ${out.stderr.trim().slice(0, 400)} (values ${JSON.stringify(p.values).slice(0, 200)})`];
  const a = documentSet(out.stdout).join('\n---\n');
  const b = documentSet(manifestsText(render)).join('\n---\n');
  return a === b ? [] : [`helm ${helm.version}: helm template on the file renders other documents than the harness on the parsed values`];
}

/** The whole property for one values file (its facts on its `# facts:` line) with the real helm, both versions; empty when it holds. */
export async function checkValuesText(text: string, session: FuzzSession): Promise<string[]> {
  const p = prepare(text);
  const file = session.file(text);
  const problems: string[] = [];
  if (p.values === undefined || !p.schema.valid) {
    for (const helm of session.helms) {
      const out = await helmTemplate(helm, file, p.facts);
      if (p.values === undefined) {
        if (out.exitCode === 0) problems.push(`helm ${helm.version} accepts a file that is not a values map (${p.yamlError})`);
      } else problems.push(...schemaRejectionProblems(p, helm.version, out.exitCode, out.stderr));
    }
    return problems;
  }
  const [judged] = await judgeAccepted([p], session);
  problems.push(...judged.problems);
  for (const [h, helm] of session.helms.entries()) problems.push(...await realHelmAgrees(helm, file, judged.renders[h], p));
  return [...new Set(problems)];
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const concurrency = opts.concurrency ?? 2;
  const batchSize = opts.batchSize ?? 500;
  const session = await FuzzSession.open();
  // an interrupted run leaves no temporary charts behind
  const interrupted = (signal: NodeJS.Signals) => { session.close(); process.kill(process.pid, signal); };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, interrupted);
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
      const file = session.file(prepared[i].text);
      for (const helm of session.helms) {
        const out = await helmTemplate(helm, file, prepared[i].facts);
        problems[i].push(...schemaRejectionProblems(prepared[i], helm.version, out.exitCode, out.stderr));
      }
      opts.onProgress?.('helm template (schema rejections)', ++done, sample.length);
    });

    // schema-valid values: every one through the harness, both versions
    const chartRejected = new Set<number>();
    const renders = new Map<number, Rendered[]>();
    done = 0;
    for (let start = 0; start < accepted.length; start += batchSize) {
      const batch = accepted.slice(start, start + batchSize);
      const judged = await judgeAccepted(batch.map((i) => prepared[i]), session);
      batch.forEach((i, j) => {
        problems[i].push(...judged[j].problems);
        renders.set(i, judged[j].renders);
        const first = judged[j].renders[0];
        if (first && !('crash' in first) && first.rejected !== undefined) chartRejected.add(i);
      });
      done += batch.length;
      opts.onProgress?.('harness renders (both helm versions)', done, accepted.length);
    }

    // schema-valid values: a sample through the real helm template with the YAML text
    const acceptedSample = sampleEvery(accepted, Math.max(1, Math.round(opts.helmSample / 5)));
    done = 0;
    await pool(acceptedSample, concurrency, async (i) => {
      const file = session.file(prepared[i].text);
      for (const [h, helm] of session.helms.entries()) {
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
      if (!firstOfCause.has(cause) && !opts.isKnown?.(f)) firstOfCause.set(cause, f);
    }
    for (const f of [...firstOfCause.values()].slice(0, opts.shrink ?? 4)) f.shrunk = await shrinkFailure(opts.seed, f.index, session, 90_000);
    const failed = new Set(failures.map((f) => f.index));
    return {
      seed: opts.seed,
      helm: session.helms.map((h) => h.version),
      cases: cases.length,
      kinds,
      schemaRejected: rejectedBySchema.length,
      schemaRejectedHelmChecked: sample.length,
      chartRejected: chartRejected.size,
      acceptedProven: accepted.filter((i) => !chartRejected.has(i) && !failed.has(i)).length,
      acceptedHelmChecked: acceptedSample.length,
      withIstioApi: accepted.filter((i) => prepared[i].facts.istioApi).length,
      renewedRenderers: session.renewed,
      failures,
      causes,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, interrupted);
    session.close();
  }
}

/**
 * fast-check replays the failing run (same seed, path = its index) and shrinks it, checking each smaller
 * candidate with the real helm; returns the smallest failing values file found within the time limit.
 */
export async function shrinkFailure(seed: number, index: number, session: FuzzSession, timeLimitMs = 120_000): Promise<string | undefined> {
  const details = await fc.check(
    fc.asyncProperty(caseArb, async (c) => (await checkValuesText(caseText(c), session)).length === 0),
    { seed, path: String(index), interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false },
  );
  const shrunk = details.counterexample?.[0];
  return shrunk ? caseText(shrunk) : undefined;
}

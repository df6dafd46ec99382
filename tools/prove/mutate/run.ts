// `make mutate`: the rendered policies of every landscape (the defaults and values/*.yaml, Helm 4, rendered as
// `helm template` renders them: no cluster facts), mutated one change at a time, each mutant checked on the code
// path of `check --manifests MUTANT -f LANDSCAPE` (rendered checks, then the flow contract under both readings).
// A mutant is killed when any check fails. A survivor is equivalent when the analyzer finds the same
// connections between the contract topology's peers under both readings (equivalence.ts); any other survivor
// is a hole in the checks, reported with the first pair whose connections differ.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { $ } from 'zx';
import { projectRoot } from '../../paths.ts';
import { resolveHelm } from '../../render/helm.ts';
import { renderChart } from '../../render/render.ts';
import { checkContract } from '../../contract/index.ts';
import { noClusterFacts, type ClusterFacts } from '../../model/index.ts';
import { landscapes, type Landscape } from '../../report/landscapes.ts';
import { valuesFor } from '../../render/values.ts';
import { RenderedChecker } from '../../validate/rendered.ts';
import { parseDocuments } from '../../yaml/documents.ts';
import { equivalence } from './equivalence.ts';
import { allMutants } from './operators/index.ts';
import { type Doc, MUTATION_KINDS, type MutationKind } from './types.ts';

export interface MutantResult {
  landscape: string;
  kind: MutationKind;
  site: string;
  killed: boolean;
  /** the first problem the checks report */
  killedBy?: string;
  equivalent?: boolean;
  /** why a survivor is (or is not) equivalent */
  reason?: string;
  /** equivalent on the contract topology, but not on the probe topology */
  probeOnly?: boolean;
}

export interface KindSummary { kind: MutationKind; mutants: number; killed: number; equivalent: number; survived: number; killRate: number }

export interface MutationReport {
  helm: string;
  landscapes: string[];
  kinds: KindSummary[];
  total: number;
  killed: number;
  equivalent: number;
  nonEquivalentSurvivors: number;
  survivors: MutantResult[];
  cliChecks: { kind: MutationKind; landscape: string; site: string; exitCode: number; agrees: boolean }[];
  seconds: number;
}

export const manifestsOf = (docs: Doc[]): string => docs.map((d) => `---\n${dump(d, { lineWidth: -1, noRefs: true })}`).join('');

const checker = new RenderedChecker();

/** The verdict of `check --manifests`: rendered checks and the flow contract; empty when both pass. */
export function checkProblems(manifests: string, values: object, facts: ClusterFacts = noClusterFacts): string[] {
  const rendered = checker.check(manifests, values as never, facts).problems;
  if (rendered.length) return rendered;
  try {
    return checkContract(manifests, values, facts).map((f) => `contract: ${f}`);
  } catch (err) {
    return [`contract: ${(err as Error).message}`];
  }
}

export interface LandscapeMutants { landscape: Landscape; values: object; original: Doc[]; results: MutantResult[]; mutated: Map<MutantResult, Doc[]> }

export async function mutateLandscape(l: Landscape, rendered: string): Promise<LandscapeMutants> {
  const values = valuesFor(l.files);
  const original = parseDocuments(rendered).map((d) => d.resource as Doc).filter((d) => d?.kind === 'NetworkPolicy');
  const baseline = checkProblems(manifestsOf(original), values);
  if (baseline.length) throw new Error(`${l.name}: the unmutated render fails its checks:\n  ${baseline.join('\n  ')}`);
  const results: MutantResult[] = [];
  const mutated = new Map<MutantResult, Doc[]>();
  for (const m of allMutants(original)) {
    const problems = checkProblems(manifestsOf(m.docs), values);
    const r: MutantResult = { landscape: l.name, kind: m.kind, site: m.site, killed: problems.length > 0 };
    if (problems.length) r.killedBy = problems[0].split('\n')[0];
    else {
      const eq = equivalence(original, m.docs, values, noClusterFacts);
      r.equivalent = eq.contractEquivalent;
      r.probeOnly = eq.contractEquivalent && !eq.probeEquivalent;
      r.reason = !eq.contractEquivalent
        ? `not equivalent on the contract topology: ${eq.difference}`
        : eq.probeEquivalent
          ? `equivalent: same connections for all ${eq.pairs} peer pairs under both ipBlock readings, calico and cilium (contract topology + ${eq.probePods} probe pods, ${eq.probeAddresses} addresses)`
          : `equivalent on the contract topology (every workload and address it holds); differs only for a probe peer that no workload is: ${eq.difference}`;
    }
    results.push(r);
    mutated.set(r, m.docs);
  }
  return { landscape: l, values, original, results, mutated };
}

export async function runMutations(opts: { cliSample?: boolean; only?: string[] } = {}): Promise<MutationReport> {
  const started = performance.now();
  const helm = await resolveHelm(4);
  const chosen = landscapes().filter((l) => !opts.only || opts.only.includes(l.name));
  const all: LandscapeMutants[] = [];
  for (const l of chosen) all.push(await mutateLandscape(l, await renderChart(helm, { valuesFiles: l.files })));
  const results = all.flatMap((a) => a.results);
  const kinds = MUTATION_KINDS.map((kind): KindSummary => {
    const of = results.filter((r) => r.kind === kind);
    const killed = of.filter((r) => r.killed).length;
    const equivalent = of.filter((r) => r.equivalent).length;
    const survived = of.length - killed - equivalent;
    return { kind, mutants: of.length, killed, equivalent, survived, killRate: of.length - equivalent ? killed / (of.length - equivalent) : 1 };
  });
  const cliChecks = opts.cliSample ? await cliSample(all) : [];
  return {
    helm: helm.version,
    landscapes: chosen.map((l) => l.name),
    kinds,
    total: results.length,
    killed: results.filter((r) => r.killed).length,
    equivalent: results.filter((r) => r.equivalent).length,
    nonEquivalentSurvivors: results.filter((r) => !r.killed && !r.equivalent).length,
    survivors: results.filter((r) => !r.killed),
    cliChecks,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
}

/** One mutant per kind through the real CLI process: `check --manifests MUTANT -f LANDSCAPE`. */
async function cliSample(all: LandscapeMutants[]): Promise<MutationReport['cliChecks']> {
  const dir = join(projectRoot, '.cache', `mutate-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const out: MutationReport['cliChecks'] = [];
  try {
    for (const kind of MUTATION_KINDS) {
      const found = all.flatMap((a) => a.results.filter((r) => r.kind === kind && r.killed).map((r) => ({ a, r })))[0];
      if (!found) continue;
      const file = join(dir, `${kind}.yaml`);
      writeFileSync(file, manifestsOf(found.a.mutated.get(found.r)!));
      const args = ['tools/bin/telemetry-netpol.js', 'check', '--manifests', file, ...found.a.landscape.files.flatMap((f) => ['-f', f])];
      const run = await $({ quiet: true, nothrow: true, cwd: projectRoot })`node ${args}`;
      out.push({ kind, landscape: found.r.landscape, site: found.r.site, exitCode: run.exitCode ?? -1, agrees: run.exitCode === 1 });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function formatMutationReport(r: MutationReport): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `mutate: ${r.total} mutants of ${r.landscapes.length} landscapes (${r.landscapes.join(', ')}), rendered by helm ${r.helm}, ${r.seconds}s`,
    `  ${'kind'.padEnd(24)} ${'mutants'.padStart(7)} ${'killed'.padStart(7)} ${'equiv.'.padStart(7)} ${'survived'.padStart(8)}  kill rate (non-equivalent)`,
    ...r.kinds.map((k) => `  ${k.kind.padEnd(24)} ${String(k.mutants).padStart(7)} ${String(k.killed).padStart(7)} ${String(k.equivalent).padStart(7)} ${String(k.survived).padStart(8)}  ${pct(k.killRate)}`),
    `  total: ${r.killed} killed, ${r.equivalent} equivalent, ${r.nonEquivalentSurvivors} non-equivalent survivors; ` +
      `kill rate of non-equivalent mutants ${pct(r.total - r.equivalent ? r.killed / (r.total - r.equivalent) : 1)}`,
  ];
  const probeOnly = r.survivors.filter((s) => s.probeOnly).length;
  if (probeOnly) lines.push(`  of the equivalent: ${probeOnly} differ on the probe topology only (a selector now matches a pod or namespace no workload of the contract topology is)`);
  if (r.survivors.length) lines.push('  survivors:');
  for (const s of r.survivors) lines.push(`    ${s.equivalent ? 'equivalent' : 'NOT KILLED'} ${s.landscape} ${s.kind} ${s.site}`, `      ${s.reason}`);
  if (r.cliChecks.length) {
    lines.push(`  check --manifests as a process, one mutant per kind: ${r.cliChecks.filter((c) => c.agrees).length}/${r.cliChecks.length} exit 1 as the direct call predicts`);
    for (const c of r.cliChecks.filter((x) => !x.agrees)) lines.push(`    DISAGREES ${c.kind} ${c.landscape} ${c.site}: exit ${c.exitCode}`);
  }
  return lines;
}

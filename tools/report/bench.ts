// `make bench`: the permutation pipeline against the naive one, side by side in one run, with the same real
// helm. Naive: one `helm template` process per permutation, then every check of its output. Ours: the harness
// renders each distinct template unit once, a permutation is put together from its units, and each distinct
// document is validated once. Both run every check: schema, API rules, lint, invariants and the flow contract
// under both CNI readings. Several rounds; medians and their ratio are what count on a shared, noisy machine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { checkContract } from '../contract/index.ts';
import { permutation, sampleIndexes } from '../model/index.ts';
import { resolveHelm } from '../render/helm.ts';
import { RenderFailed, renderChart } from '../render/render.ts';
import { benchSchema } from '../validate/bench.ts';
import { RenderedChecker } from '../validate/rendered.ts';
import { runPermutations } from './permutations.ts';

/** kubeconform's published rate on a 4-core laptop (its README), the reference for schema validation alone. */
export const kubeconformPublishedRate = 7500;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Permutations/s: one helm process per permutation, every check on its output. */
async function naiveRate(samples: number): Promise<number> {
  const helm = await resolveHelm(4);
  const dir = mkdtempSync(join(tmpdir(), 'naive-'));
  const checker = new RenderedChecker();
  const started = performance.now();
  for (const index of sampleIndexes(samples)) {
    const p = permutation(index);
    const file = join(dir, `p${index}.yaml`);
    writeFileSync(file, dump(p.override));
    try {
      const rendered = await renderChart(helm, { valuesFiles: [file], facts: p.facts });
      checker.check(rendered, p.values, p.facts);
      checkContract(rendered, p.values, p.facts);
    } catch (err) {
      // a rejected permutation costs its helm run, as in the fast pipeline
      if (!(err instanceof RenderFailed)) throw err;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return samples / seconds;
}

/** Permutations/s of the pipeline `make verify` runs, Helm 4 only, from a cold start (no unit rendered yet). */
async function pipelineRate(samples: number, withoutContract: boolean): Promise<number> {
  const report = await runPermutations({ helms: [4], limit: samples, withoutContract, reproducerDir: join(tmpdir(), 'bench-reproducers') });
  if (report.failed) throw new Error(`${report.failed} permutations failed during the benchmark`);
  return report.count / report.seconds;
}

export interface BenchOptions { rounds: number; naiveSamples: number; pipelineSamples: number }

export async function runBench(opts: BenchOptions, log: (line: string) => void): Promise<void> {
  log(`permutation pipeline, Helm 4, every check and the flow contract under both readings, ${opts.rounds} rounds ` +
    `(naive: ${opts.naiveSamples} permutations, ours: ${opts.pipelineSamples}, spread over the space)`);
  const naive: number[] = [];
  const ours: number[] = [];
  const oursWithoutContract: number[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    naive.push(await naiveRate(opts.naiveSamples));
    ours.push(await pipelineRate(opts.pipelineSamples, false));
    oursWithoutContract.push(await pipelineRate(opts.pipelineSamples, true));
    log(`  round ${round}: naive ${naive.at(-1)!.toFixed(1)}/s, ours ${ours.at(-1)!.toFixed(0)}/s ` +
      `(${oursWithoutContract.at(-1)!.toFixed(0)}/s without the contract), ratio ${(ours.at(-1)! / naive.at(-1)!).toFixed(1)}x`);
  }
  log(`median: naive ${median(naive).toFixed(1)} permutations/s, ours ${median(ours).toFixed(0)} permutations/s fully checked, ` +
    `ratio ${(median(ours) / median(naive)).toFixed(1)}x (targets: 500/s, 20x); without the contract ${median(oursWithoutContract).toFixed(0)}/s`);
  const schemaRates = Array.from({ length: opts.rounds }, () => benchSchema(50_000));
  log(`schema validation alone: median ${Math.round(median(schemaRates))} resources/s, ${(median(schemaRates) / kubeconformPublishedRate).toFixed(1)}x kubeconform's published ${kubeconformPublishedRate}/s (target: 10x)`);
}

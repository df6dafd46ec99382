// `make bench`: the permutation pipeline against the naive one, side by side in one run, with the same real
// helm. Naive: one `helm template` process per permutation, then a full validation of its output. Ours: the
// harness chart renders a batch per helm process, one process per core, and each distinct document is
// validated once. Both validate (schema, API rules, lint, invariants); the flow contract, which only the fast
// pipeline can afford on every permutation, is measured on its own. Several rounds; medians and their ratio are what count on a shared, noisy machine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { activeExceptions, permutationOverride, permutationValues } from '../model/index.ts';
import { resolveHelm } from '../render/helm.ts';
import { renderChart } from '../render/render.ts';
import { benchSchema } from '../validate/bench.ts';
import { validateRendered } from '../validate/index.ts';
import { contractBenchmark } from './contract/bench.ts';
import { runPermutations, sampleIndexes } from './permutations.ts';
import { enabledWorkloads } from './checker.ts';

/** kubeconform's published rate on a 4-core laptop (its README), the reference for schema validation alone. */
export const kubeconformPublishedRate = 7500;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function naiveRate(samples: number): Promise<number> {
  const helm = await resolveHelm(4);
  const dir = mkdtempSync(join(tmpdir(), 'naive-'));
  const started = performance.now();
  for (const index of sampleIndexes(samples)) {
    const file = join(dir, `p${index}.yaml`);
    writeFileSync(file, dump(permutationOverride(index)));
    const values = permutationValues(index);
    try {
      const rendered = await renderChart(helm, { valuesFiles: [file] });
      validateRendered(rendered, { exceptions: activeExceptions(values), workloads: enabledWorkloads(values) });
    } catch {
      // a rejected permutation costs its helm run, as in the fast pipeline
    }
  }
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return samples / seconds;
}

async function pipelineRate(samples: number): Promise<number> {
  const report = await runPermutations({ helms: [4], limit: samples, withoutContract: true, reproducerDir: join(tmpdir(), 'bench-reproducers') });
  if (report.failed) throw new Error(`${report.failed} permutations failed during the benchmark`);
  return report.count / report.seconds;
}

export interface BenchOptions { rounds: number; naiveSamples: number; pipelineSamples: number; contractSamples: number }

export async function runBench(opts: BenchOptions, log: (line: string) => void): Promise<void> {
  log(`permutation pipeline, Helm 4, ${opts.rounds} rounds (naive: ${opts.naiveSamples} permutations, ours: ${opts.pipelineSamples})`);
  const naive: number[] = [];
  const ours: number[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    naive.push(await naiveRate(opts.naiveSamples));
    ours.push(await pipelineRate(opts.pipelineSamples));
    log(`  round ${round}: naive ${naive.at(-1)!.toFixed(1)}/s, ours ${ours.at(-1)!.toFixed(0)}/s, ratio ${(ours.at(-1)! / naive.at(-1)!).toFixed(1)}x`);
  }
  log(`median: naive ${median(naive).toFixed(1)} permutations/s, ours ${median(ours).toFixed(0)} permutations/s, ratio ${(median(ours) / median(naive)).toFixed(1)}x (targets: 500/s, 20x)`);
  const contract = await contractBenchmark({ count: opts.contractSamples });
  log(`flow contract per accepted permutation (${contract.permutations} of ${contract.permutations + contract.rejected}): ${contract.coldMs.toFixed(2)} ms cold, ${contract.warmMs.toFixed(2)} ms cached (the second helm version's identical render)${contract.failed.length ? `, ${contract.failed.length} FAILED` : ''}`);
  const schemaRates = Array.from({ length: opts.rounds }, () => benchSchema(50_000));
  log(`schema validation alone: median ${Math.round(median(schemaRates))} resources/s, ${(median(schemaRates) / kubeconformPublishedRate).toFixed(1)}x kubeconform's published ${kubeconformPublishedRate}/s (target: 10x)`);
}

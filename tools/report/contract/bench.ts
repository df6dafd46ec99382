// The contract's cost per permutation, for `make bench` and for tuning: renders a spread of permutations
// with the harness (one helm process per batch), then times checkContract on each rendered output, cold
// (nothing cached for these values) and warm (the same output again, as Helm 3 after Helm 4).
// The model is used here only to enumerate permutations; the contract itself never reads it.
import { rmSync } from 'node:fs';
import { permutationCount, permutationValues } from '../../model/index.ts';
import { buildHarnessChart, renderBatch } from '../../render/harness.ts';
import { resolveHelm } from '../../render/helm.ts';
import { sampleIndexes } from '../permutations.ts';
import { checkContract } from './evaluate.ts';

export interface ContractBenchmark {
  permutations: number;
  rejected: number;
  failed: { index: number; failures: string[] }[];
  /** wall-clock ms per permutation, cold and cached */
  coldMs: number;
  warmMs: number;
  /** CPU ms per permutation, cold (this process, user + system) */
  coldCpuMs: number;
  renderSeconds: number;
}

/** Checks `count` permutations spread evenly over the whole space (or the given indexes). */
export async function contractBenchmark(opts: { count?: number; indexes?: number[]; onProgress?: (done: number, total: number) => void } = {}): Promise<ContractBenchmark> {
  const indexes = opts.indexes ?? sampleIndexes(Math.min(opts.count ?? 300, permutationCount()));
  const helm = await resolveHelm(4);
  const harness = buildHarnessChart();
  const failed: ContractBenchmark['failed'] = [];
  let rejected = 0;
  let cold = 0;
  let warm = 0;
  let checked = 0;
  let cpu = 0;
  let renderMs = 0;
  // rendered and checked in chunks, so that the whole space fits in memory
  try {
    for (let start = 0; start < indexes.length; start += 500) {
      const chunk = indexes.slice(start, start + 500);
      const values = chunk.map((i) => permutationValues(i));
      const r0 = performance.now();
      const renders = await renderBatch(helm, harness, values);
      renderMs += performance.now() - r0;
      for (const [i, render] of renders.entries()) {
        if (render.rejected) { rejected++; continue; }
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const failures = checkContract(render.manifests, values[i]);
        const t1 = performance.now();
        const c1 = process.cpuUsage(c0);
        cpu += (c1.user + c1.system) / 1000;
        checkContract(render.manifests, values[i]);
        warm += performance.now() - t1;
        cold += t1 - t0;
        checked++;
        if (failures.length) failed.push({ index: chunk[i], failures });
      }
      opts.onProgress?.(Math.min(start + 500, indexes.length), indexes.length);
    }
  } finally {
    rmSync(harness, { recursive: true, force: true });
  }
  const renderSeconds = renderMs / 1000;
  return {
    permutations: checked, rejected, failed,
    coldMs: Number((cold / Math.max(checked, 1)).toFixed(2)),
    warmMs: Number((warm / Math.max(checked, 1)).toFixed(3)),
    coldCpuMs: Number((cpu / Math.max(checked, 1)).toFixed(2)),
    renderSeconds: Number(renderSeconds.toFixed(1)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = process.argv[2] === 'all' ? permutationCount() : Number(process.argv[2] ?? 300);
  const r = await contractBenchmark({ count, onProgress: (d, n) => process.stderr.write(`\r${d}/${n}`) });
  process.stderr.write('\n');
  console.log(`contract: ${r.permutations} permutations checked (${r.rejected} rejected by the chart), ${r.failed.length} failed; ` +
    `${r.coldMs} ms per permutation cold (${r.coldCpuMs} ms CPU), ${r.warmMs} ms cached; rendering took ${r.renderSeconds}s`);
  for (const f of r.failed.slice(0, 3)) console.log(`  permutation ${f.index}:\n    ${f.failures.slice(0, 5).join('\n    ')}`);
  if (r.failed.length) process.exitCode = 1;
}

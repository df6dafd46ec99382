// The contract's cost per permutation, for `make bench` and for tuning: renders a spread of permutations with
// the harness renderer (Helm 4, each with its cluster facts), then times checkContractDocuments on each
// accepted output, cold (the first time this process sees that output and values; what earlier permutations
// left in the shared memo is used, as in `permutations`) and warm (the same output and values again, as for the
// second helm version's identical render). Each round starts from empty caches; the figures are medians.
// The model is used here only to enumerate permutations; the contract itself never reads it.
import { permutation, permutationCount, sampleIndexes } from '../model/index.ts';
import { HarnessRenderer } from '../render/harness.ts';
import { resolveHelm } from '../render/helm.ts';
import { checkContractDocuments, counters, resetContractCaches } from './evaluate.ts';
import { shared } from './memo.ts';

export interface ContractBenchmark {
  permutations: number;
  rejected: number;
  failed: { index: number; failures: string[] }[];
  /** wall-clock ms per permutation, cold and warm: the median over the rounds */
  coldMs: number;
  warmMs: number;
  /** each round's figures */
  /**
   * each round's figures; verdictHitRate: of the direction verdicts not yet in a topology's rows, the share the
   * shared memo held (the rest were computed by the analyzer); plans: plans made
   */
  rounds: { coldMs: number; warmMs: number; verdictHitRate: number; plans: number }[];
  renderSeconds: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Checks `count` permutations spread over the whole space, `rounds` times. */
export async function contractBenchmark(opts: { count?: number; rounds?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<ContractBenchmark> {
  const indexes = sampleIndexes(Math.min(opts.count ?? 1000, permutationCount()));
  const renderer = new HarnessRenderer(await resolveHelm(4));
  const r0 = performance.now();
  const inputs = indexes.map((i) => permutation(i));
  let renders;
  try {
    renders = await renderer.render(inputs.map((p) => ({ values: p.values, facts: p.facts })));
  } finally {
    renderer.close();
  }
  const renderSeconds = (performance.now() - r0) / 1000;
  const accepted = inputs.flatMap((p, i) => (renders[i].rejected ? [] : [{ p, documents: renders[i].documents.map((d) => d.text) }]));
  const failed: ContractBenchmark['failed'] = [];
  const rounds: ContractBenchmark['rounds'] = [];
  for (let round = 0; round < (opts.rounds ?? 3); round++) {
    resetContractCaches();
    let cold = 0;
    let warm = 0;
    for (const [i, { p, documents }] of accepted.entries()) {
      const t0 = performance.now();
      const failures = checkContractDocuments(documents, p.values, p.facts);
      const t1 = performance.now();
      checkContractDocuments(documents, p.values, p.facts);
      warm += performance.now() - t1;
      cold += t1 - t0;
      if (round === 0 && failures.length) failed.push({ index: p.index, failures });
      opts.onProgress?.(round * accepted.length + i + 1, (opts.rounds ?? 3) * accepted.length);
    }
    const per = (ms: number) => ms / Math.max(accepted.length, 1);
    rounds.push({ coldMs: per(cold), warmMs: per(warm), verdictHitRate: shared.hits / Math.max(shared.hits + shared.misses, 1), plans: counters.plansMade });
  }
  return {
    permutations: accepted.length, rejected: inputs.length - accepted.length, failed,
    coldMs: Number(median(rounds.map((r) => r.coldMs)).toFixed(3)),
    warmMs: Number(median(rounds.map((r) => r.warmMs)).toFixed(4)),
    rounds: rounds.map((r) => ({ ...r, coldMs: Number(r.coldMs.toFixed(3)), warmMs: Number(r.warmMs.toFixed(4)), verdictHitRate: Number(r.verdictHitRate.toFixed(4)) })),
    renderSeconds: Number(renderSeconds.toFixed(1)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = process.argv[2] === 'all' ? permutationCount() : Number(process.argv[2] ?? 1000);
  const r = await contractBenchmark({ count, onProgress: (d, n) => (d === n ? process.stderr.write(`${d}/${n}\n`) : undefined) });
  process.stderr.write('\n');
  console.log(`contract: ${r.permutations} permutations checked (${r.rejected} rejected by the chart), ${r.failed.length} failed; ` +
    `${r.coldMs} ms per permutation cold, ${r.warmMs} ms warm (medians of ${r.rounds.length} rounds: ` +
    `${r.rounds.map((x) => `${x.coldMs}/${x.warmMs}`).join(', ')}; row misses held by the memo ${r.rounds[0].verdictHitRate}, plans made ${r.rounds[0].plans}); ` +
    `rendering took ${r.renderSeconds}s`);
  for (const f of r.failed.slice(0, 3)) console.log(`  permutation ${f.index}:\n    ${f.failures.slice(0, 5).join('\n    ')}`);
  if (r.failed.length) process.exitCode = 1;
}

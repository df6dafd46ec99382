// Renders every values permutation with the real helm (batched through the harness chart, one helm process
// per core) and checks each output: helm's verdict against the model's cross-field rules, then schema,
// API-server rules, hardening lint, invariants and the flow contract; Helm 3 and Helm 4 must render the
// same policies.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import {
  crossFieldViolations, permutationCount, permutationLabels, permutationOverride, permutationValues, switches,
  type Values,
} from '../model/index.ts';
import { chartDir } from '../paths.ts';
import { buildHarnessChart, renderBatch, type HarnessRender } from '../render/harness.ts';
import { resolveHelm, type HelmMajor } from '../render/helm.ts';
import { normalizeKeyPaths, releaseName, defaultNamespace } from '../render/render.ts';
import { RenderedChecker } from './checker.ts';
import { checkContract } from './contract/evaluate.ts';

export interface PermutationOptions {
  helms: HelmMajor[];
  /** check a sample of N permutations spread evenly over the space */
  limit?: number;
  chart?: string;
  batchSize?: number;
  concurrency?: number;
  /** where failing permutations are written as values files */
  reproducerDir: string;
  onProgress?: (done: number, total: number) => void;
  /** skip the flow contract (the benchmark measures it separately) */
  withoutContract?: boolean;
}

export interface PermutationResult {
  index: number;
  values: Record<string, unknown>;
  ok: boolean;
  errors: string[];
}

export interface PermutationReport {
  helm: string[];
  count: number;
  failed: number;
  rejected: number;
  seconds: number;
  distinctDocuments: number;
  reproducers: string[];
  permutations: PermutationResult[];
}

/** All indexes, or `n` of them spread evenly over the space so that every switch varies. */
export function sampleIndexes(n: number): number[] {
  const count = permutationCount();
  return n >= count ? Array.from({ length: count }, (_, i) => i) : Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

/** Helm's verdict for one permutation against what the model predicts. */
export function verdictProblems(values: Values, render: HarnessRender): string[] {
  const predicted = crossFieldViolations(values);
  if (render.rejected) {
    if (!predicted.length) return [`the chart rejects values the model accepts: ${render.rejected}`];
    const message = normalizeKeyPaths(render.rejected);
    return predicted.filter((p) => !message.includes(normalizeKeyPaths(p.key))).map((p) => `the rejection does not name ${p.key}: ${render.rejected}`);
  }
  return predicted.map((p) => `the chart accepts values that break ${p.rule} (${p.key})`);
}

export async function runPermutations(opts: PermutationOptions): Promise<PermutationReport> {
  const started = performance.now();
  const indexes = sampleIndexes(Math.min(opts.limit ?? Infinity, permutationCount()));
  const total = indexes.length;
  const batchSize = opts.batchSize ?? 500;
  const concurrency = opts.concurrency ?? 2;
  const checker = new RenderedChecker();
  const errors: string[][] = Array.from({ length: total }, () => []);
  const rejected = new Set<number>();
  const firstRender = new Map<number, string>();
  const helmVersions: string[] = [];
  const harness = buildHarnessChart(opts.chart ?? chartDir);
  let done = 0;
  try {
    for (const major of opts.helms) {
      const helm = await resolveHelm(major);
      helmVersions.push(helm.version);
      let next = 0;
      const worker = async () => {
        while (next < total) {
          const start = next;
          next = Math.min(total, next + batchSize);
          const values = indexes.slice(start, next).map((i) => permutationValues(i));
          const renders = await renderBatch(helm, harness, values);
          for (const [offset, render] of renders.entries()) {
            const position = start + offset;
            const index = indexes[position];
            const digest = createHash('sha1').update(render.rejected ?? render.manifests).digest('hex');
            const seen = firstRender.get(index);
            if (seen === undefined) firstRender.set(index, digest);
            // The same output as the first helm version's has been checked already: only a difference counts.
            const own = seen === digest ? [] : verdictProblems(values[offset], render);
            if (seen !== undefined && seen !== digest) own.push(`${helm.version} renders differently from ${helmVersions[0]}`);
            if (render.rejected) rejected.add(index);
            else if (seen !== digest) {
              own.push(...checker.check(render.manifests, values[offset]).problems);
              if (!opts.withoutContract) own.push(...checkContract(render.manifests, values[offset]));
            }
            errors[position].push(...own.map((e) => `helm ${helm.version}: ${e}`));
          }
          done += renders.length;
          opts.onProgress?.(done, total * opts.helms.length);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
  } finally {
    rmSync(harness, { recursive: true, force: true });
  }

  const permutations = errors.map((e, position) => {
    const index = indexes[position];
    return { index, values: permutationOverride(index), ok: e.length === 0, errors: e };
  });
  const reproducers = writeReproducers(permutations, opts.reproducerDir, opts.chart ?? chartDir);
  return {
    helm: helmVersions,
    count: total,
    failed: permutations.filter((p) => !p.ok).length,
    rejected: rejected.size,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    distinctDocuments: checker.distinctDocuments,
    reproducers,
    permutations,
  };
}

/** One values file per failing permutation (the first 50), reproducible with plain `helm template`. */
function writeReproducers(results: PermutationResult[], dir: string, chart: string): string[] {
  const failing = results.filter((r) => !r.ok).slice(0, 50);
  if (!failing.length) return [];
  mkdirSync(dir, { recursive: true });
  return failing.map(({ index, values, errors }) => {
    const file = join(dir, `permutation-${index}.yaml`);
    const labels = Object.entries(permutationLabels(index)).map(([k, v]) => `${k}=${v}`).join(', ');
    writeFileSync(file, [
      `# Permutation ${index}: ${labels}`,
      `# Reproduce: helm template ${releaseName} ${chart} --namespace ${defaultNamespace} --values ${file}`,
      ...errors.map((e) => `# ${e.replace(/\n/g, ' ')}`),
      dump(values, { lineWidth: -1 }),
    ].join('\n'));
    return file;
  });
}

export function describeSpace(): string[] {
  return switches.map((s) => `${s.key}: ${s.domain.map((d) => d.label).join(' | ')} (${s.domain.length})`);
}

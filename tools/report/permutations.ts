// Renders every values permutation with the real helm (through the harness, each distinct template unit once
// per helm version) and checks each output: helm's verdict against the model's cross-field rules, then schema,
// API-server rules, hardening lint, invariants and the flow contract under both CNI readings; Helm 3 and
// Helm 4 must render the same policies.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { dump } from 'js-yaml';
import { permutation, permutationCount, sampleIndexes, switches } from '../model/index.ts';
import { chartDir } from '../paths.ts';
import { HarnessRenderer, type RenderedPermutation } from '../render/harness.ts';
import { resolveHelm, type HelmMajor } from '../render/helm.ts';
import { capabilityArgs, releaseName, defaultNamespace } from '../render/render.ts';
import { type PermutationFailure, type PermutationUnits, type UnitOutput } from './permutation-check.ts';

export interface PermutationOptions {
  helms: HelmMajor[];
  /** check a sample of N permutations spread over the space */
  limit?: number;
  chart?: string;
  /** permutations rendered and checked together */
  chunkSize?: number;
  /** where failing permutations are written as values files */
  reproducerDir: string;
  onProgress?: (done: number, total: number) => void;
  /** skip the flow contract (the benchmark measures the pipeline with and without it) */
  withoutContract?: boolean;
}

export interface PermutationReport {
  helm: string[];
  count: number;
  failed: number;
  rejected: number;
  seconds: number;
  /** distinct template units rendered per helm version */
  units: number;
  distinctDocuments: number;
  reproducers: string[];
  /** the permutations that fail, with their values and problems (the others pass every check) */
  failures: PermutationFailure[];
}

/**
 * The checks of the run in worker threads, one per core: each keeps every rendered unit (sent once) and checks
 * its share of each chunk.
 */
class CheckPool {
  private readonly workers: Worker[];
  /** per worker, the answer it owes */
  private readonly pending: ({ resolve: (m: WorkerAnswer) => void; reject: (e: Error) => void } | undefined)[];
  distinctDocuments = 0;

  constructor(size: number, withContract: boolean) {
    // the workers load the TypeScript sources through tsx, as the CLI does
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./permutation-worker.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    this.workers = Array.from({ length: size }, () => new Worker(code, { eval: true, workerData: { withContract } }));
    this.pending = this.workers.map(() => undefined);
    this.workers.forEach((worker, i) => {
      const settle = (act: (p: NonNullable<(typeof this.pending)[number]>) => void) => {
        const p = this.pending[i];
        this.pending[i] = undefined;
        if (p) act(p);
      };
      worker.on('message', (m: WorkerAnswer) => settle((p) => (m.error ? p.reject(new Error(m.error)) : p.resolve(m))));
      worker.on('error', (err) => settle((p) => p.reject(err)));
    });
  }

  async check(units: UnitOutput[], batch: PermutationUnits[]): Promise<{ failures: PermutationFailure[]; rejected: number }> {
    const share = Math.ceil(batch.length / this.workers.length);
    const results = await Promise.all(this.workers.map((worker, i) => new Promise<WorkerAnswer>((resolve, reject) => {
      this.pending[i] = { resolve, reject };
      worker.postMessage({ units, batch: batch.slice(i * share, (i + 1) * share) });
    })));
    this.distinctDocuments = Math.max(...results.map((r) => r.distinctDocuments));
    return { failures: results.flatMap((r) => r.failures), rejected: results.reduce((n, r) => n + r.rejected, 0) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface WorkerAnswer { error?: string; failures: PermutationFailure[]; rejected: number; distinctDocuments: number }

/**
 * Each distinct unit the reference helm version rendered, once, with an id; a unit the other versions render
 * differently says so, and every permutation made of it fails.
 */
class UnitTable {
  private readonly ids = new Map<string, number>();
  constructor(private readonly renderers: HarnessRenderer[]) {}

  /** The ids of a permutation's units, and the units not seen before. */
  idsOf(rendered: RenderedPermutation[], fresh: UnitOutput[]): number[] {
    const [reference] = this.renderers;
    return rendered[0].unitKeys.flatMap((key, position) => {
      if (key === undefined) return [];
      let id = this.ids.get(key);
      if (id === undefined) {
        this.ids.set(key, (id = this.ids.size));
        const text = reference.textOf(key)!;
        const other = this.renderers.slice(1).find((r, i) => rendered[i + 1].unitKeys[position] !== key || r.textOf(key) !== text);
        fresh.push({
          id, template: reference.units[position].name, text,
          ...(other ? { differs: `helm ${other.helm.version} renders ${reference.units[position].name} differently from ${reference.helm.version}` } : {}),
        });
      }
      return [id];
    });
  }
}

/**
 * Whether a permutation's install notes are checked: one in eight, picked by the top three bits of a
 * multiplicative hash so that the sample spreads over every switch (the index's low digits are the last
 * switches, which would always pick the same workloads). NOTES.txt reads nearly every key, so rendering it for
 * every permutation would cost as much as all the policies; every landscape's notes are checked through
 * `helm install --dry-run=client` besides.
 */
export const notesChecked = (index: number) => Math.imul(index, 0x9e3779b1) >>> 29 === 0;

export async function runPermutations(opts: PermutationOptions): Promise<PermutationReport> {
  const started = performance.now();
  const indexes = sampleIndexes(Math.min(opts.limit ?? Infinity, permutationCount()));
  const total = indexes.length;
  const chunkSize = opts.chunkSize ?? 4000;
  const renderers = await Promise.all(opts.helms.map(async (major) => new HarnessRenderer(await resolveHelm(major), opts.chart ?? chartDir)));
  const versions = renderers.map((r) => r.helm.version);
  const table = new UnitTable(renderers);
  const pool = new CheckPool(Math.min(availableParallelism(), Math.max(1, Math.ceil(total / chunkSize))), !opts.withoutContract);
  const failures: PermutationFailure[] = [];
  let rejected = 0;
  // helm renders the next chunk while the workers check the current one
  const renderChunk = (start: number) => {
    const chunk = indexes.slice(start, start + chunkSize).map((index) => ({ ...permutation(index), withoutNotes: !notesChecked(index) }));
    return { chunk, renders: Promise.all(renderers.map((r) => r.render(chunk))) };
  };
  try {
    let next = total ? renderChunk(0) : undefined;
    for (let start = 0; next; start += chunkSize) {
      const { chunk, renders } = next;
      const byHelm = await renders;
      next = start + chunkSize < total ? renderChunk(start + chunkSize) : undefined;
      const fresh: UnitOutput[] = [];
      const batch = chunk.map((p, i) => ({ index: p.index, units: table.idsOf(byHelm.map((r) => r[i]), fresh) }));
      const checked = await pool.check(fresh, batch);
      failures.push(...checked.failures);
      rejected += checked.rejected;
      opts.onProgress?.(Math.min(total, start + chunkSize), total);
    }
  } finally {
    for (const r of renderers) r.close();
    await pool.close();
  }
  failures.sort((a, b) => a.index - b.index);
  const reproducers = writeReproducers(failures, opts.reproducerDir, opts.chart ?? chartDir);
  return {
    helm: versions,
    count: total,
    failed: failures.length,
    rejected,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    units: renderers[0]?.rendered ?? 0,
    distinctDocuments: pool.distinctDocuments,
    reproducers,
    failures,
  };
}

/** One values file per failing permutation (the first 50), reproducible with plain `helm template`. */
function writeReproducers(failures: PermutationFailure[], dir: string, chart: string): string[] {
  const failing = failures.slice(0, 50);
  if (!failing.length) return [];
  mkdirSync(dir, { recursive: true });
  return failing.map(({ index, values, labels, errors }) => {
    const p = permutation(index);
    const file = join(dir, `permutation-${index}.yaml`);
    const apiVersions = capabilityArgs(p.facts).map((a) => ` ${a}`).join('');
    writeFileSync(file, [
      `# Permutation ${index}: ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ')}`,
      `# Reproduce: helm template ${releaseName} ${chart} --namespace ${defaultNamespace} --values ${file}${apiVersions}`,
      ...errors.map((e) => `# ${e.replace(/\n/g, ' ')}`),
      dump(values, { lineWidth: -1 }),
    ].join('\n'));
    return file;
  });
}

export function describeSpace(): string[] {
  return switches.map((s) => `${s.name}: ${s.domain.map((d) => d.label).join(' | ')} (${s.domain.length})`);
}

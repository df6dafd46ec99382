// Every generated file of the project in one registry, one writer and one check: `npx telemetry-netpol generate`
// writes them, `generate --check` fails on any drift and prints the command that fixes it. Like cli.ts, this file
// wires the stages together (the generators live in their stages: the chart in tools/generate, the Kubernetes
// schema in tools/validate, the connectivity matrix of the chart README in tools/review).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { UserError } from './errors.ts';
import { chartOutputs, readmePath, readmeWithValues } from './generate/generate.ts';
import { generateCommand } from './generate/output-file.ts';
import { projectRoot } from './paths.ts';
import { connectivityOutputs } from './review/matrix.ts';
import { schemaPath } from './validate/schema/path.ts';

/** One generated file, or one section of a file that several generators fill (the chart README). */
interface Output {
  path: string;
  /** the new content, from the current one (undefined for a file that does not exist yet) */
  content: (current: string | undefined) => string;
}

const whole = (path: string, text: string): Output => ({ path, content: () => text });

/**
 * The chart as the generators write it, in a temporary folder: the connectivity matrix is read from its render,
 * not from the chart on disk, which may be the stale one being regenerated.
 */
async function withGeneratedChart<T>(root: string, chartFiles: { path: string; content: string }[], use: (chart: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-netpol-generate-'));
  try {
    cpSync(join(root, 'chart'), dir, { recursive: true });
    rmSync(join(dir, 'templates'), { recursive: true, force: true });
    for (const f of chartFiles) {
      const target = join(dir, relative('chart', f.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The registry: every generator's outputs, in the order they apply to a shared file. */
async function outputs(root: string): Promise<Output[]> {
  const { generatedSchemaText } = await import('./validate/schema/write.ts'); // loads the TypeScript compiler: only here
  const chart = chartOutputs();
  const connectivity = await withGeneratedChart(root, chart, connectivityOutputs);
  return [
    ...chart.map((f) => whole(f.path, f.content)),
    { path: readmePath, content: (current) => readmeWithValues(current ?? '') },
    { path: readmePath, content: (current) => connectivity.readmeSection(current ?? '') },
    whole(connectivity.svgPath, connectivity.svg),
    whole(relative(projectRoot, schemaPath), await generatedSchemaText()),
  ];
}

/** Each generated path with the content the generators give it, from what is on disk under `root`. */
export async function generatedFiles(root = projectRoot): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const o of await outputs(root)) {
    const current = files.get(o.path) ?? (existsSync(join(root, o.path)) ? readFileSync(join(root, o.path), 'utf8') : undefined);
    files.set(o.path, o.content(current));
  }
  return files;
}

/** Files in chart/templates that no generator writes: stale output of an older model. */
function staleTemplates(root: string, files: Map<string, string>): string[] {
  const dir = join(root, 'chart/templates');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((name) => `chart/templates/${name}`).filter((p) => !files.has(p));
}

export interface Drift { changed: string[]; stale: string[] }

/** What differs between the generators' files and the disk. */
function driftOf(root: string, files: Map<string, string>): Drift {
  const changed = [...files].filter(([path, content]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== content).map(([path]) => path);
  return { changed, stale: staleTemplates(root, files) };
}

export async function checkGenerated(root = projectRoot): Promise<Drift> {
  return driftOf(root, await generatedFiles(root));
}

/** The one writer: writes what differs, removes stale templates; returns the paths written. */
export async function writeGenerated(root = projectRoot): Promise<string[]> {
  const files = await generatedFiles(root);
  const { changed, stale } = driftOf(root, files);
  for (const path of stale) rmSync(join(root, path));
  for (const path of changed) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), files.get(path)!);
  }
  return changed;
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('write every generated file: the chart templates, values.yaml and values.schema.json, the chart README\'s values table and connectivity matrix, and the Kubernetes schema data')
    .option('--check', 'write nothing; exit 1 when a committed file differs from what the generators write')
    .action(async (opts: { check?: boolean }) => {
      if (opts.check) {
        const { changed, stale } = await checkGenerated();
        if (changed.length || stale.length) {
          const lines = [...changed.map((p) => `  out of date: ${p}`), ...stale.map((p) => `  not generated: ${p}`)];
          throw new UserError(`generated files differ from their generators:\n${lines.join('\n')}\nrun \`${generateCommand}\` and commit the result`);
        }
        console.log('generated files are up to date');
        return;
      }
      const written = await writeGenerated();
      console.log(written.length ? `wrote ${written.join(', ')}` : 'generated files are up to date');
    });
}

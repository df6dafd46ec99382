// Composes every generator and writes (or checks) the result. The only code here that touches the disk.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chartTemplates } from './chart-templates.ts';
import { compose, generateCommand, type OutputFile } from './output-file.ts';
import { readmePath, readmeWithValues } from './readme.ts';
import { valuesSchema, valuesYaml } from './values-files.ts';

export function generatedFiles(root: string): OutputFile[] {
  const readme = readFileSync(join(root, readmePath), 'utf8');
  return compose(chartTemplates(), [valuesYaml(), valuesSchema(), readmeWithValues(readme)]);
}

/** Files in chart/templates that no generator writes: stale output of an older model. */
function staleTemplates(root: string, files: OutputFile[]): string[] {
  const dir = join(root, 'chart/templates');
  if (!existsSync(dir)) return [];
  const written = new Set(files.map((f) => f.path));
  return readdirSync(dir).map((name) => `chart/templates/${name}`).filter((p) => !written.has(p));
}

export interface Drift { changed: string[]; stale: string[] }

export function checkGenerated(root: string): Drift {
  const files = generatedFiles(root);
  const changed = files
    .filter((f) => !existsSync(join(root, f.path)) || readFileSync(join(root, f.path), 'utf8') !== f.content)
    .map((f) => f.path);
  return { changed, stale: staleTemplates(root, files) };
}

export function writeGenerated(root: string): string[] {
  const files = generatedFiles(root);
  for (const stale of staleTemplates(root, files)) rmSync(join(root, stale));
  const written: string[] = [];
  for (const f of files) {
    const target = join(root, f.path);
    if (existsSync(target) && readFileSync(target, 'utf8') === f.content) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    written.push(f.path);
  }
  return written;
}

export const fixCommand = generateCommand;

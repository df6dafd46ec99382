// Where the project lives, and where reports go, for code in any stage.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const chartDir = join(projectRoot, 'chart');

/** Writes a JSON report, creating its folder (reports/ does not exist in a fresh clone). */
export function writeReport(file: string, report: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 1));
}

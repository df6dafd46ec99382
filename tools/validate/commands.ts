// CLI commands of the validate stage:
//   validate [FILE...|-]   strict schema + API-server rules, kubeconform-style output
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { formatErrors, type ResourceResult, validateDocuments } from './index.ts';
import { cliText } from './messages.ts';

/** The text of a file, or of stdin for `-`; a file that cannot be read is a UserError naming it and why. */
function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    const name = file === '-' ? 'stdin' : file;
    if (code === 'ENOENT') throw new UserError(cliText.missingFile(name));
    throw new UserError(cliText.unreadableFile(name, cliText.readProblems[code ?? ''] ?? message));
  }
}

function resultLine(file: string, result: ResourceResult, verbose: boolean): string | undefined {
  switch (result.status) {
    case 'invalid':
      return cliText.invalid(file, result.kind, result.name, formatErrors(result.errors));
    case 'error':
      return cliText.failed(file, result.kind, result.name, result.message ?? '');
    case 'valid':
      return verbose ? cliText.valid(file, result.kind, result.name) : undefined;
    case 'skipped':
      return verbose ? cliText.skipped(file, result.kind, result.name) : undefined;
  }
}

/** Validates files (or stdin) and returns the output lines and whether everything passed. */
export function runValidate(files: string[], read = readInput, verbose = false): { lines: string[]; ok: boolean } {
  const isStdin = files.length === 0 || (files.length === 1 && files[0] === '-');
  const inputs = isStdin ? ['-'] : files;
  const counts = { valid: 0, invalid: 0, error: 0, skipped: 0 };
  const lines: string[] = [];
  for (const file of inputs) {
    const text = read(file);
    for (const result of validateDocuments(text)) {
      counts[result.status]++;
      const line = resultLine(isStdin ? 'stdin' : file, result, verbose);
      if (line) lines.push(line);
    }
  }
  const total = counts.valid + counts.invalid + counts.error + counts.skipped;
  lines.push(
    isStdin
      ? cliText.summaryStdin(total, counts.valid, counts.invalid, counts.error, counts.skipped)
      : cliText.summary(total, inputs.length, counts.valid, counts.invalid, counts.error, counts.skipped),
  );
  return { lines, ok: counts.invalid === 0 && counts.error === 0 };
}

export function registerValidateCommands(program: Command): void {
  program
    .command('validate')
    .description('Validate Kubernetes manifests: strict schema (as kubeconform -strict) and the API server NetworkPolicy rules')
    .argument('[files...]', 'multi-document YAML files; "-" or none reads stdin')
    .option('-v, --verbose', 'also list valid and skipped resources')
    .action((files: string[], options: { verbose?: boolean }) => {
      const { lines, ok } = runValidate(files, readInput, options.verbose ?? false);
      for (const line of lines) console.log(line);
      if (!ok) process.exitCode = 1;
    });
}

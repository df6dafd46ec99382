// `telemetry-netpol generate [--check]`
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { checkGenerated, fixCommand, writeGenerated } from './generate.ts';

export function registerGenerateCommands(program: Command): void {
  program
    .command('generate')
    .description('write chart/templates, values.yaml, values.schema.json and the README values table from the model')
    .option('--check', 'write nothing; exit 1 when a committed file differs from what the generator writes')
    .action((opts: { check?: boolean }) => {
      if (opts.check) {
        const { changed, stale } = checkGenerated(projectRoot);
        if (changed.length || stale.length) {
          const lines = [...changed.map((p) => `  out of date: ${p}`), ...stale.map((p) => `  not generated: ${p}`)];
          throw new UserError(`generated files differ from the model:\n${lines.join('\n')}\nrun \`${fixCommand}\` and commit the result`);
        }
        console.log('generated files are up to date');
        return;
      }
      const written = writeGenerated(projectRoot);
      console.log(written.length ? `wrote ${written.join(', ')}` : 'generated files are up to date');
    });
}

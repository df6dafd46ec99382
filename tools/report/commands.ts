// Commands that run whole pipelines: render, then validate and analyze, then report.
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { checkLandscape, landscapes } from './landscapes.ts';

export function registerReportCommands(program: Command): void {
  program
    .command('landscapes')
    .description('lint (--strict) and render the defaults and every values/ file with Helm 3 and Helm 4, compare, and check each output')
    .option('-v, --verbose', 'list the recorded exceptions each landscape uses')
    .action(async (opts: { verbose?: boolean }) => {
      const started = Date.now();
      const results = await Promise.all(landscapes().map(checkLandscape));
      for (const r of results) {
        console.log(`${r.problems.length ? 'FAIL' : 'ok  '} ${r.name} (${r.exceptionsUsed.length} recorded exceptions used)`);
        for (const p of r.problems) console.log(`     ${p.replace(/\n/g, '\n     ')}`);
        if (opts.verbose) for (const e of r.exceptionsUsed) console.log(`     exception ${e}`);
      }
      const failed = results.filter((r) => r.problems.length).length;
      console.log(`${results.length} landscapes, ${failed} failed, Helm 3 and Helm 4, ${((Date.now() - started) / 1000).toFixed(1)}s`);
      if (failed) throw new UserError(`${failed} landscape(s) failed`);
    });
}

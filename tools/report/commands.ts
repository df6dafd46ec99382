// Commands that run whole pipelines: render, then validate and analyze, then report.
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { writeReport } from '../paths.ts';
import { Presets, SingleBar } from 'cli-progress';
import { permutationCount, switches } from '../model/index.ts';
import { checkLandscape, landscapes } from './landscapes.ts';
import { describeSpace, runPermutations } from './permutations.ts';
import { runBench } from './bench.ts';

export function registerReportCommands(program: Command): void {
  registerPermutationCommand(program);
  registerBenchCommand(program);
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

interface PermutationFlags { helm: string; report?: string; limit?: string; chart?: string; reproducers: string }

export function registerPermutationCommand(program: Command): void {
  program
    .command('permutations')
    .description('render every values permutation of the model with the real helm and check each output')
    .option('--helm <version>', '3, 4 or both', '4')
    .option('--report <file>', 'write a JSON report of the run: counts, and every failing permutation with its values and problems')
    .option('--limit <n>', 'check a sample of n permutations spread over the space')
    .option('--chart <dir>', 'the chart to render (default: chart/)')
    .option('--reproducers <dir>', 'where failing permutations are written as values files', 'reports/permutations')
    .action(async (flags: PermutationFlags) => {
      const helms = ({ '3': [3], '4': [4], both: [4, 3] } as const)[flags.helm as '3' | '4' | 'both'];
      if (!helms) throw new UserError(`--helm: expected 3, 4 or both, got '${flags.helm}'`);
      const limit = flags.limit === undefined ? undefined : Number(flags.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UserError(`--limit: expected a positive integer, got '${flags.limit}'`);
      const total = Math.min(limit ?? Infinity, permutationCount());
      console.log(`${permutationCount()} permutations (${switches.length} switches)${limit ? `, checking a sample of ${total}` : ''}:`);
      for (const line of describeSpace()) console.log(`  ${line}`);
      const bar = process.stderr.isTTY
        ? new SingleBar({ format: 'rendering |{bar}| {value}/{total} {rate}/s ETA {eta}s', hideCursor: true }, Presets.shades_classic)
        : null;
      const started = Date.now();
      bar?.start(total, 0, { rate: 0 });
      const report = await runPermutations({
        helms: [...helms], limit, chart: flags.chart, reproducerDir: flags.reproducers,
        onProgress: (done) => bar?.update(done, { rate: Math.round(done / ((Date.now() - started) / 1000)) }),
      });
      bar?.stop();
      if (flags.report) writeReport(flags.report, report);
      const rate = Math.round(report.count / report.seconds);
      console.log(`${report.count} permutations × helm ${report.helm.join(', ')}: ${report.count - report.failed} ok, ${report.failed} failed ` +
        `(${report.rejected} rejected by the chart as the model predicts), ${report.seconds}s, ${rate} permutations/s fully checked, ` +
        `${report.units} distinct template units rendered per helm version, ${report.distinctDocuments} distinct documents validated`);
      for (const p of report.failures.slice(0, 5)) console.log(`  FAIL ${JSON.stringify(p.values)}\n    ${p.errors.join('\n    ')}`);
      if (report.failed) throw new UserError(`${report.failed} permutation(s) failed; reproducers: ${report.reproducers.join(', ')}`);
    });
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('measure the permutation pipeline against one helm process per permutation, side by side (medians, ratio)')
    .option('--rounds <n>', 'rounds; medians are reported', '3')
    .option('--naive <n>', 'permutations per naive round', '60')
    .option('--samples <n>', 'permutations per round of ours', '20000')
    .action(async (flags: { rounds: string; naive: string; samples: string }) => {
      await runBench({ rounds: Number(flags.rounds), naiveSamples: Number(flags.naive), pipelineSamples: Number(flags.samples) }, console.log);
    });
}

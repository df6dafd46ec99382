// `npx telemetry-netpol check -f VALUES... [--manifests FILE]`: renders the chart with Helm 4 (or reads
// a rendered file) and checks schema, API rules, hardening lint, invariants and the flow contract.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { resolveHelm } from '../../render/helm.ts';
import { RenderFailed, renderChart } from '../../render/render.ts';
import { checkRenderedWithValues, valuesFor } from '../rendered-checks.ts';
import { checkContractWithStats } from './evaluate.ts';
import { contractText } from './messages.ts';

export interface CheckOptions {
  /** values files, in order (none: the defaults) */
  values: string[];
  /** a rendered output to check instead of rendering */
  manifests?: string;
  /** the contract folder (default test/contract) */
  contract?: string;
}

export interface CheckReport { lines: string[]; problems: number; seconds: number }

export async function runCheck(opts: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  for (const f of [...opts.values, ...(opts.manifests ? [opts.manifests] : [])]) {
    if (!existsSync(f)) throw new UserError(contractText.missingFile(f));
  }
  const what = opts.values.length ? opts.values.join(', ') : contractText.defaults;
  let manifests: string;
  let header: string;
  if (opts.manifests) {
    manifests = readFileSync(opts.manifests, 'utf8');
    header = contractText.checking(`${contractText.givenManifests(opts.manifests)} for ${what}`, '');
  } else {
    const helm = await resolveHelm(4);
    try {
      manifests = await renderChart(helm, { valuesFiles: opts.values });
    } catch (err) {
      if (err instanceof RenderFailed) throw new UserError(err.message);
      throw err;
    }
    header = contractText.checking(what, contractText.renderedBy(helm.version));
  }
  const values = valuesFor(opts.values);
  const lines = [header];
  const rendered = checkRenderedWithValues(manifests, values);
  lines.push(`  ${rendered.problems.length ? contractText.renderedFailed(rendered.problems.length) : contractText.renderedOk}`);
  for (const p of rendered.problems) lines.push(`    ${p.replace(/\n/g, '\n    ')}`);
  const contract = checkContractWithStats(manifests, values, opts.contract);
  lines.push(`  ${contract.failures.length ? contractText.contractFailed(contract.failures.length) : contractText.contractOk(contract.stats)}`);
  for (const f of contract.failures) lines.push(`    ${f.replace(/\n/g, '\n    ')}`);
  const problems = rendered.problems.length + contract.failures.length;
  if (!problems) lines.push(contractText.passed);
  return { lines, problems, seconds: (performance.now() - started) / 1000 };
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('render the chart with the values files (Helm 4) and check schema, API rules, lint, invariants and the flow contract')
    .option('-f, --values <file>', 'a values file (repeatable, applied in order; none: the defaults)', collect, [])
    .option('--manifests <file>', 'check this rendered output instead of rendering the chart')
    .option('--contract <dir>', 'the folder holding topology.yaml and flows.yaml', undefined)
    .action(async (flags: { values: string[]; manifests?: string; contract?: string }) => {
      const report = await runCheck({ values: flags.values, manifests: flags.manifests, contract: flags.contract });
      for (const line of report.lines) console.log(line);
      if (report.problems) throw new UserError(contractText.failed(report.problems));
    });
}

// `npx telemetry-netpol check -f VALUES... [--manifests FILE] [--istio-api] [--existing FILE...]`: renders the chart
// with Helm 4 (or reads a rendered file) and checks schema, API rules, hardening lint, invariants and the flow
// contract; with --existing, also what the NetworkPolicies already in the cluster reopen.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  auditExisting, checkContractWithStats, contractText, foreignPolicies, formatReopened, loadExistingPolicies, policiesOf, presentPeersFor, topologyFor,
} from '../contract/index.ts';
import { UserError } from '../errors.ts';
import { istioApiVersion, noClusterFacts, type ClusterFacts } from '../model/index.ts';
import { resolveHelm } from '../render/helm.ts';
import { RenderFailed, renderChart } from '../render/render.ts';
import { valuesFor } from '../render/values.ts';
import { RenderedChecker } from '../validate/rendered.ts';

export interface CheckOptions {
  /** values files, in order (none: the defaults) */
  values: string[];
  /** a rendered output to check instead of rendering */
  manifests?: string;
  /** the contract folder (default test/contract) */
  contract?: string;
  /** what the cluster serves (`--api-versions`); none by default, as `helm template` without a cluster */
  facts?: ClusterFacts;
  /** files with the NetworkPolicies already in the cluster: report what they reopen */
  existing?: string[];
}

export interface CheckReport { lines: string[]; problems: number; seconds: number }

export async function runCheck(opts: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  const facts = opts.facts ?? noClusterFacts;
  for (const f of [...opts.values, ...(opts.manifests ? [opts.manifests] : [])]) {
    if (!existsSync(f)) throw new UserError(contractText.missingFile(f));
  }
  // read the existing policies first: a wrong file fails before anything is rendered
  const existingPolicies = opts.existing?.length ? loadExistingPolicies(opts.existing) : [];
  const what = opts.values.length ? opts.values.join(', ') : contractText.defaults;
  let manifests: string;
  let header: string;
  if (opts.manifests) {
    manifests = readFileSync(opts.manifests, 'utf8');
    header = contractText.checking(`${contractText.givenManifests(opts.manifests)} for ${what}`, '');
  } else {
    const helm = await resolveHelm(4);
    try {
      manifests = await renderChart(helm, { valuesFiles: opts.values, facts });
    } catch (err) {
      if (err instanceof RenderFailed) throw new UserError(err.message);
      throw err;
    }
    header = contractText.checking(what, contractText.renderedBy(helm.version));
  }
  const values = valuesFor(opts.values);
  const lines = [header];
  const rendered = new RenderedChecker().check(manifests, values, facts);
  lines.push(`  ${rendered.problems.length ? contractText.renderedFailed(rendered.problems.length) : contractText.renderedOk}`);
  for (const p of rendered.problems) lines.push(`    ${p.replace(/\n/g, '\n    ')}`);
  const contract = checkContractWithStats(manifests, values, facts, opts.contract);
  lines.push(`  ${contract.failures.length ? contractText.contractFailed(contract.failures.length) : contractText.contractOk(contract.stats)}`);
  for (const f of contract.failures) lines.push(`    ${f.replace(/\n/g, '\n    ')}`);
  let problems = rendered.problems.length + contract.failures.length;
  if (opts.existing?.length) {
    const chart = policiesOf(manifests);
    const existing = foreignPolicies(existingPolicies, chart);
    const reopened = auditExisting(topologyFor(values, facts, opts.contract), presentPeersFor(values, facts, opts.contract), chart, existing);
    const reopeners = new Set(reopened.flatMap((f) => f.rules.map((r) => r.rule.split(' ')[0])));
    lines.push(`  ${reopened.length ? contractText.existingReopens(reopened.length, reopeners.size) : contractText.existingNone(existing.length)}`);
    for (const line of formatReopened(reopened)) lines.push(`    ${line}`);
    problems += reopened.length;
  }
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
    .option('--istio-api', `render as for a cluster that serves Istio's API (helm template --api-versions ${istioApiVersion}): istio.enabled auto turns the sidecar flows on`)
    .option('--existing <file>', 'NetworkPolicies already in the cluster (`kubectl get networkpolicies -A -o yaml`): list every connection the chart closes that they reopen, exit 1 when any (repeatable)', collect, [])
    .action(async (flags: { values: string[]; manifests?: string; contract?: string; istioApi?: boolean; existing: string[] }) => {
      const report = await runCheck({
        values: flags.values, manifests: flags.manifests, contract: flags.contract, facts: { istioApi: flags.istioApi === true },
        existing: flags.existing,
      });
      for (const line of report.lines) console.log(line);
      if (report.problems) throw new UserError(contractText.failed(report.problems));
    });
}

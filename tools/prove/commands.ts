// `fuzz` and `mutate`: the two proofs of issue 5 (values fuzzing against the real helm, policy mutation
// testing of the checks). tools/cli.ts registers them with one call.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { writeReport } from '../paths.ts';
import { causeOf, runFuzz, type FuzzReport } from './fuzz/run.ts';
import { formatMutationReport, runMutations } from './mutate/run.ts';

const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name}: expected a non-negative integer, got '${text}'`);
  return n;
};

/**
 * Known open findings: `# open:` regression files with a `# cause: REGEX` line (matched against a failure's
 * problems) and, optionally, a `# when: REGEX` line (matched against the failing values file's text), which
 * keeps a broad cause from excusing failures of other values.
 */
export interface KnownFinding { file: string; cause: RegExp; when?: RegExp }

export function knownFindings(dir: string): KnownFinding[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const cause = /^# cause: (.+)$/m.exec(text)?.[1];
    const when = /^# when: (.+)$/m.exec(text)?.[1];
    return text.startsWith('# open:') && cause ? [{ file, cause: new RegExp(cause), ...(when ? { when: new RegExp(when) } : {}) }] : [];
  });
}

/** The known finding a failure is an instance of: every problem of the failure matches one of them. */
export function knownFindingOf(problems: string[], known: KnownFinding[], text?: string): string | undefined {
  const applies = known.filter((k) => !k.when || text === undefined || k.when.test(text));
  const first = applies.find((k) => problems.some((p) => k.cause.test(p)));
  if (!first) return undefined;
  return problems.every((p) => applies.some((k) => k.cause.test(p)) || /isolated: workload/.test(p)) ? first.file : undefined;
}

export function formatFuzzReport(r: FuzzReport, known: KnownFinding[] = []): string[] {
  const byFinding = new Map<string, number>();
  for (const f of r.failures) {
    const k = knownFindingOf(f.problems, known, f.text);
    if (k) byFinding.set(k, (byFinding.get(k) ?? 0) + 1);
  }
  const knownCount = [...byFinding.values()].reduce((a, b) => a + b, 0);
  // the causes of the new failures (known ones are listed by their regression file)
  const freshCauses: Record<string, number> = {};
  for (const f of r.failures) {
    if (knownFindingOf(f.problems, known, f.text)) continue;
    const cause = causeOf(f.problems);
    freshCauses[cause] = (freshCauses[cause] ?? 0) + 1;
  }
  const rejected = r.schemaRejected + r.chartRejected;
  const lines = [
    `fuzz: ${r.cases} cases run (seed ${r.seed}), helm ${r.helm.join(' and ')}, ${r.seconds}s`,
    `  rejected with a named key: ${rejected}`,
    `    by values.schema.json: ${r.schemaRejected} (ajv on every case; real helm template, both versions, on a sample of ${r.schemaRejectedHelmChecked}: each must fail naming an offending key)`,
    `    by the chart's checks: ${r.chartRejected} (every schema-valid case rendered through the harness by both versions; the message must name each key the model's cross-field rules and the per-key checks predict)`,
    `  accepted and proven: ${r.acceptedProven} (both versions: NOTES.txt, strict schema, API rules, lint, invariants, allow-all scan, flow contract under both readings, same output; ` +
      `${r.acceptedHelmChecked} also through the real helm template: same documents)`,
    `  schema-valid cases rendered for a cluster serving an Istio API: ${r.withIstioApi}`,
    ...(r.renewedRenderers ? [`  harness renderers built again after their temporary chart folder disappeared: ${r.renewedRenderers}`] : []),
    `  failures: ${r.failures.length}` + (known.length ? ` (${knownCount} instances of known open findings, ${r.failures.length - knownCount} new)` : ''),
    ...[...byFinding].map(([file, n]) => `    ${n} × known open finding test/prove/regressions/${file}`),
    ...Object.entries(freshCauses).sort((a, b) => b[1] - a[1]).map(([cause, n]) => `    ${n} × ${cause}`),
    `  cases by kind: ${Object.entries(r.kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  ];
  for (const f of r.failures.filter((x) => x.shrunk !== undefined || (r.failures.length <= 5 && !knownFindingOf(x.problems, known, x.text)))) {
    lines.push(`  FAIL case ${f.index} (${f.kind}):`, ...f.problems.slice(0, 5).map((p) => `    ${p.replace(/\n/g, '\n      ')}`));
    if (f.shrunk) lines.push('    shrunk counterexample:', ...f.shrunk.trimEnd().split('\n').map((l) => `      ${l}`));
  }
  return lines;
}

export function registerProveCommands(program: Command): void {
  program
    .command('fuzz')
    .description('generate values files (plausible and hostile) and prove each is rejected naming its key by Helm 3 and Helm 4, or renders output that passes every check and the flow contract under both readings, identically on both')
    .option('--cases <n>', 'how many values files', '10000')
    .option('--seed <n>', 'fast-check seed (the same seed generates the same cases)', '20261126')
    .option('--helm-sample <n>', 'schema-rejected cases checked with the real helm template (accepted ones: a fifth of it)', '600')
    .option('--report <file>', 'write the JSON report')
    .option('--counterexamples <dir>', 'where shrunk counterexamples are written', 'reports/fuzz')
    .option('--known <dir>', 'fail only on failures that are no instance of the open findings in this folder (`# open:` files with a `# cause:` line, and an optional `# when:` line on the values text)')
    .action(async (flags: { cases: string; seed: string; helmSample: string; report?: string; counterexamples: string; known?: string }) => {
      const known = flags.known ? knownFindings(flags.known) : [];
      const bar = process.stderr.isTTY;
      let last = '';
      const report = await runFuzz({
        cases: positive('--cases', flags.cases), seed: positive('--seed', flags.seed), helmSample: positive('--helm-sample', flags.helmSample),
        isKnown: (f) => knownFindingOf(f.problems, known, f.text) !== undefined,
        onProgress: (phase, done, total) => {
          const line = `${phase}: ${done}/${total}`;
          if (bar) process.stderr.write(`\r${line}   `);
          else if (phase !== last && (last = phase)) console.error(phase);
        },
      });
      if (bar) process.stderr.write('\n');
      for (const line of formatFuzzReport(report, known)) console.log(line);
      if (flags.report) writeReport(flags.report, report);
      const fresh = report.failures.filter((f) => !knownFindingOf(f.problems, known, f.text));
      if (report.failures.length) {
        mkdirSync(flags.counterexamples, { recursive: true });
        for (const f of report.failures) {
          writeFileSync(join(flags.counterexamples, `case-${f.index}.yaml`), `# ${f.problems.join('\n# ').replace(/\n(?!#)/g, '\n# ')}\n${f.text}`);
          if (f.shrunk) writeFileSync(join(flags.counterexamples, `case-${f.index}-shrunk.yaml`), f.shrunk);
        }
        if (fresh.length) throw new UserError(`${fresh.length} fuzz case(s) failed; values files in ${flags.counterexamples}/ (copy a shrunk one into test/prove/regressions/)`);
      }
    });

  program
    .command('mutate')
    .description('mutate the rendered policies of every landscape (drop rules, ports, selectors; widen CIDRs; ...) and report how many mutants the checks kill, per kind')
    .option('--report <file>', 'write the JSON report')
    .option('--cli-sample', 'also run `check --manifests` as a process on one mutant per kind')
    .action(async (flags: { report?: string; cliSample?: boolean }) => {
      const report = await runMutations({ cliSample: flags.cliSample });
      for (const line of formatMutationReport(report)) console.log(line);
      if (flags.report) writeReport(flags.report, report);
      if (report.nonEquivalentSurvivors > 0) throw new UserError(`${report.nonEquivalentSurvivors} non-equivalent mutant(s) survived`);
    });
}

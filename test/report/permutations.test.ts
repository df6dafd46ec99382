import t from 'tap';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  crossFieldViolations, defaultValues, mergeValues, noClusterFacts, permutation, permutationCount, sampleIndexes, switches, type Values,
} from '../../tools/model/index.ts';
import { chartDir } from '../../tools/paths.ts';
import { HarnessRenderer, actionsOf, asHelmOutput, dependenciesOf, templateUnits } from '../../tools/render/harness.ts';
import { resolveHelm } from '../../tools/render/helm.ts';
import { renderChart } from '../../tools/render/render.ts';
import { runPermutations } from '../../tools/report/permutations.ts';
import { notesProblems, verdictProblems } from '../../tools/report/verdicts.ts';
import { run } from '../helpers/cli.ts';

t.test('the permutation count is the product of the switch domains', async (t) => {
  t.equal(permutationCount(), switches.map((s) => s.domain.length).reduce((a, b) => a * b));
  t.equal(switches.find((s) => s.name === 'zeroTrust.enabled')?.domain.length, 2, 'booleans take both values');
  t.same(switches.find((s) => s.name === 'istio')?.domain.map((d) => d.label), ['false', 'true', 'auto', 'auto+api'],
    'auto is rendered with and without Istio\'s API');
});

t.test('every permutation is distinct, and its values are the defaults plus its override', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < permutationCount(); i += 7919) {
    const p = permutation(i);
    const key = JSON.stringify([p.override, p.facts]);
    t.notOk(seen.has(key), `permutation ${i} is new`);
    seen.add(key);
    t.same(p.values, mergeValues(defaultValues(), p.override));
  }
});

t.test('a template\'s dependencies: every `.Values` path it or its helpers read, no helper documentation', async (t) => {
  const helpers = new Map([
    ['h.one', 'include "h.two" .\n.Values.rma.namespaces'],
    ['h.two', '.context.Values.backends.logs.ports'],
    ['h.dynamic', 'index . "Values"'],
    ['h.caps', '.Capabilities.APIVersions'],
  ]);
  const text = '{{/* Usage: {{ include "h.dynamic" . }} */}}{{ include "h.one" . }}{{ .Values.rma.podLabels }}{{ .Values.rma }}';
  t.same(dependenciesOf(actionsOf(text), helpers), { paths: ['backends.logs.ports', 'rma'], capabilities: false },
    'transitive, a path inside another dropped, comments skipped');
  t.same(dependenciesOf(actionsOf('{{ include "h.dynamic" . }}'), helpers).paths, [''], 'reading Values by name is reading everything');
  t.ok(dependenciesOf(actionsOf('{{ include "h.caps" . }}'), helpers).capabilities);
  const units = templateUnits();
  t.equal(units[0].name, 'telemetry-netpol.validationErrors', 'the validation unit comes first');
  t.ok(units.find((u) => u.name === 'log-agent.yaml')!.dependencies.paths.every((p) => !p.startsWith('backends.traces')),
    'the log agent never reads the trace backends');
  t.ok(units.find((u) => u.name === 'NOTES.txt'), 'the install notes are a unit too');
});

t.test('the harness renders what plain helm template renders, for both helm versions, with and without Istio\'s API', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'harness-'));
  const count = permutationCount();
  const indexes = [...sampleIndexes(24), count - 1, 3, 4097 * 3 + 1].filter((i) => i < count);
  for (const major of [4, 3] as const) {
    const helm = await resolveHelm(major);
    const renderer = new HarnessRenderer(helm);
    const perms = indexes.map((i) => permutation(i));
    const rendered = await renderer.render(perms);
    renderer.close();
    t.ok(perms.some((p) => p.facts.istioApi), 'the sample renders with Istio\'s API too');
    for (const [k, p] of perms.entries()) {
      const file = join(dir, `p${p.index}.json`);
      writeFileSync(file, JSON.stringify(p.override));
      const plain = await renderChart(helm, { valuesFiles: [file], facts: p.facts }).then((out) => out, (err: Error) => err);
      if (plain instanceof Error) {
        t.ok(rendered[k].rejected, `helm ${major}: permutation ${p.index} is rejected by both`);
        t.ok(crossFieldViolations(p.values).length > 0, 'and the model predicts it');
        continue;
      }
      t.equal(asHelmOutput(rendered[k], 'telemetry-netpol'), plain, `helm ${major}: permutation ${p.index} renders the same text`);
    }
  }
});

t.test('a broken template makes permutations fail and write a reproducer that plain helm confirms', async (t) => {
  const broken = mkdtempSync(join(tmpdir(), 'broken-chart-'));
  cpSync(chartDir, broken, { recursive: true });
  // Drop the port list of the RMA scraping rule: the rule now admits every port, an allow-all on ports.
  const file = join(broken, 'templates/log-agent.yaml');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('# RMA scrapes');
  const cut = text.indexOf('    - ports:', start);
  const from = text.indexOf('      from:', cut);
  writeFileSync(file, `${text.slice(0, cut)}    -${text.slice(from + '     '.length)}`);
  const reproducers = mkdtempSync(join(tmpdir(), 'reproducers-'));
  const report = await runPermutations({ helms: [4], limit: 64, chart: broken, reproducerDir: reproducers });
  t.ok(report.failed > 0, `${report.failed} of ${report.count} permutations fail`);
  const failing = report.failures[0];
  t.match(failing.errors.join('\n'), /missing-ports/, 'the lint names the broken rule');
  t.ok(report.reproducers.length > 0 && existsSync(report.reproducers[0]), 'a reproducer is written');
  const reproduced = await renderChart(await resolveHelm(4), { chart: broken, valuesFiles: [report.reproducers[0]] });
  t.match(reproduced, /# RMA scrapes the OTel log agent metrics\n {4}- from:\n/, 'plain helm template renders the rule without ports');
});

t.test('the sound chart passes a slice of the space on both helm versions', async (t) => {
  const report = await runPermutations({ helms: [4, 3], limit: 300, reproducerDir: mkdtempSync(join(tmpdir(), 'r-')) });
  t.equal(report.failed, 0, report.failures.map((p) => p.errors.join('; ')).slice(0, 3).join('\n'));
  t.equal(report.count, 300);
  t.ok(report.rejected > 0, 'the slice includes values the chart rejects');
  t.ok(report.units < 300 * templateUnits().length, `${report.units} distinct units rendered, fewer than one per template and permutation`);
});

t.test('CLI: --report writes into a folder that does not exist yet (reports/ is not in a fresh clone)', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'r-')), 'new', 'permutations.json');
  const out = await run('permutations', '--limit', '8', '--report', file);
  t.equal(out.code, 0, out.stderr);
  t.equal((JSON.parse(readFileSync(file, 'utf8')) as { count: number }).count, 8, 'the report holds the run');
});

t.test('the verdict reads key paths in one spelling: the model\'s `inCluster[1]` is the chart\'s message', async (t) => {
  const backend = (labels: Record<string, string>) => ({ namespace: 'observability', podLabels: labels, ports: [4317] });
  const values = mergeValues(defaultValues(), {
    backends: { traces: { inCluster: [backend({ app: 'jaeger' }), backend({ 'kyma-project.io/module': 'telemetry' })] } },
  }) as Values;
  t.same(crossFieldViolations(values).map((v) => v.key), ['backends.traces.inCluster[1].podLabels']);
  const renderer = new HarnessRenderer(await resolveHelm(4));
  const [rendered] = await renderer.render([{ values, facts: noClusterFacts }]);
  renderer.close();
  t.ok(rendered.rejected, 'the chart rejects it');
  t.same(verdictProblems(values, rendered.rejected), [], 'and the rejection names the key the model predicts');
  t.same(verdictProblems(values, undefined), ['the chart accepts values that break module-label-on-peer (backends.traces.inCluster[1].podLabels)']);
});

t.test('NOTES.txt lists exactly the open exceptions the model finds', async (t) => {
  const renderer = new HarnessRenderer(await resolveHelm(4));
  const perms = sampleIndexes(40).map((i) => permutation(i));
  const rendered = await renderer.render(perms);
  renderer.close();
  const accepted = perms.filter((_, i) => !rendered[i].rejected);
  t.ok(accepted.length > 10);
  for (const p of accepted) t.same(notesProblems(p, rendered[perms.indexOf(p)].notes), [], `permutation ${p.index}`);
  const defaults = accepted[0];
  const notes = rendered[perms.indexOf(defaults)].notes!;
  t.match(notesProblems(defaults, notes.replace(/^ {2}- [a-z-]+: .*\n.*\n/m, ''))[0] ?? '', /does not list the open exceptions/, 'a missing line is caught');
});

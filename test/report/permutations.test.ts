import t from 'tap';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import {
  crossFieldViolations, defaultValues, mergeValues, permutationCount, permutationOverride, permutationValues, switches,
} from '../../tools/model/index.ts';
import { chartDir } from '../../tools/paths.ts';
import { buildHarnessChart, renderBatch } from '../../tools/render/harness.ts';
import { resolveHelm } from '../../tools/render/helm.ts';
import { renderChart } from '../../tools/render/render.ts';
import { runPermutations, verdictProblems } from '../../tools/report/permutations.ts';
import { splitDocuments } from '../../tools/report/checker.ts';
import { run } from '../helpers/cli.ts';

t.test('the permutation count is the product of the switch domains', async (t) => {
  t.equal(permutationCount(), switches.map((s) => s.domain.length).reduce((a, b) => a * b));
  t.ok(switches.find((s) => s.key === 'zeroTrust.enabled')?.domain.length === 2, 'booleans take both values');
});

t.test('every permutation is distinct, and its values are the defaults plus its override', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < permutationCount(); i += 97) {
    const override = permutationOverride(i);
    const key = JSON.stringify(override);
    t.notOk(seen.has(key), `permutation ${i} is new`);
    seen.add(key);
    t.same(permutationValues(i), mergeValues(defaultValues(), override));
  }
});

t.test('the harness renders what plain helm template renders, for both helm versions', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'harness-'));
  const harness = buildHarnessChart();
  const indexes = [0, 1, 4097, 20000, 33333, permutationCount() - 1];
  for (const major of [4, 3] as const) {
    const helm = await resolveHelm(major);
    const batch = await renderBatch(helm, harness, indexes.map((i) => permutationValues(i)));
    for (const [k, index] of indexes.entries()) {
      const file = join(dir, `p${index}.json`);
      writeFileSync(file, JSON.stringify(permutationOverride(index)));
      const plain = await renderChart(helm, { valuesFiles: [file] }).then((out) => out, (err: Error) => err);
      if (plain instanceof Error) {
        t.ok(batch[k].rejected, `helm ${major}: permutation ${index} is rejected by both`);
        t.ok(crossFieldViolations(permutationValues(index)).length > 0, 'and the model predicts it');
        continue;
      }
      const parse = (text: string) => splitDocuments(text).map((d) => load(d));
      t.same(parse(batch[k].manifests), parse(plain), `helm ${major}: permutation ${index} renders the same policies`);
    }
  }
});

t.test('a broken template makes permutations fail and write a reproducer that plain helm confirms', async (t) => {
  const broken = mkdtempSync(join(tmpdir(), 'broken-chart-'));
  cpSync(chartDir, broken, { recursive: true });
  // Drop the port list of the RMA scraping rule: the rule now admits every port, an allow-all on ports.
  const file = join(broken, 'templates/log-gateway.yaml');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('# RMA scrapes');
  const cut = text.indexOf('      ports:', start);
  const end = text.indexOf('    {{- with .Values.components.logGateway.extraIngress', cut);
  writeFileSync(file, text.slice(0, cut) + text.slice(end));
  const reproducers = mkdtempSync(join(tmpdir(), 'reproducers-'));
  const report = await runPermutations({ helms: [4], limit: 64, chart: broken, reproducerDir: reproducers });
  t.ok(report.failed > 0, `${report.failed} of ${report.count} permutations fail`);
  const failing = report.permutations.find((p) => !p.ok)!;
  t.match(failing.errors.join('\n'), /missing-ports/, 'the lint names the broken rule');
  t.ok(report.reproducers.length > 0 && existsSync(report.reproducers[0]), 'a reproducer is written');
  const reproduced = await renderChart(await resolveHelm(4), { chart: broken, valuesFiles: [report.reproducers[0]] });
  t.match(reproduced, /# RMA scrapes the OTel log gateway metrics\n    - from:\n(?:(?! {6}ports:).*\n)*?    # /, 'plain helm template renders the rule without ports');
});

t.test('the sound chart passes a slice of the space on both helm versions', async (t) => {
  const report = await runPermutations({ helms: [4, 3], limit: 256, reproducerDir: mkdtempSync(join(tmpdir(), 'r-')) });
  t.equal(report.failed, 0, report.permutations.filter((p) => !p.ok).map((p) => p.errors.join('; ')).slice(0, 3).join('\n'));
  t.equal(report.count, 256);
  t.ok(report.rejected > 0, 'the slice includes values the chart rejects');
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
  }) as ReturnType<typeof permutationValues>;
  t.same(crossFieldViolations(values).map((v) => v.key), ['backends.traces.inCluster[1].podLabels']);
  const harness = buildHarnessChart();
  const [render] = await renderBatch(await resolveHelm(4), harness, [values]);
  rmSync(harness, { recursive: true, force: true });
  t.ok(render.rejected, 'the chart rejects it');
  t.same(verdictProblems(values, render), [], 'and the rejection names the key the model predicts');
});

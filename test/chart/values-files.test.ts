// Several values files are read as helm reads them (merged in order, then coalesced onto the defaults): the
// toolkit's values (tools/render/values.ts) pass the chart's schema exactly when both Helm versions accept the
// files. A null in a later file stays a null where the defaults hold no such key, and deletes a default.
import t from 'tap';
import { RenderFailed, renderChart } from '../../tools/render/render.ts';
import { valuesFor } from '../../tools/render/values.ts';
import { checkSchema } from '../../tools/prove/fuzz/schema.ts';
import { tempFile } from '../helpers/files.ts';
import { bothHelms } from '../helpers/helm.ts';

const labelled = tempFile('rma:\n  podLabels:\n    app: prometheus\n');
const unlabelled = tempFile('rma:\n  podLabels:\n    app: null\n');
const noNamespaces = tempFile('rma:\n  namespaces: null\n');

const cases = [
  { what: 'a later null on a key the defaults lack stays a null', files: [labelled, unlabelled], accepted: false },
  { what: 'a later value replaces an earlier null', files: [unlabelled, labelled], accepted: true },
  { what: 'a null on a key the defaults hold deletes it', files: [noNamespaces], accepted: false },
];

const helms = await bothHelms();
for (const c of cases) {
  t.test(c.what, async (t) => {
    t.equal(checkSchema(valuesFor(c.files)).valid, c.accepted, 'the toolkit\'s values against the chart schema');
    for (const helm of helms) {
      const accepted = await renderChart(helm, { valuesFiles: c.files }).then(() => true, (err) => {
        if (err instanceof RenderFailed) return false;
        throw err;
      });
      t.equal(accepted, c.accepted, `helm ${helm.version}`);
    }
  });
}

t.test('a values file is YAML as helm reads it: `yes` is true, `0777` is 511', async (t) => {
  const backends = 'backends: {logs: {ports: [443]}, metrics: {ports: [443]}, traces: {ports: [443]}}\n';
  const yes = tempFile(`zeroTrust: {enabled: yes}\n${backends}`);
  const trueFile = tempFile(`zeroTrust: {enabled: true}\n${backends}`);
  t.equal(valuesFor([yes]).zeroTrust.enabled, true);
  t.same(valuesFor([tempFile('apiServer: {ports: [0777]}\n')]).apiServer.ports, [511]);
  for (const helm of helms) {
    t.equal(await renderChart(helm, { valuesFiles: [yes] }), await renderChart(helm, { valuesFiles: [trueFile] }), `helm ${helm.version} renders yes as true`);
  }
});

t.test('a values file of several documents is named, not half read', async (t) => {
  const file = tempFile('platform: kubernetes\n---\nzeroTrust: {enabled: true}\n');
  t.throws(() => valuesFor([file]), { message: `${file}: holds 2 YAML documents; helm reads only the first, so write one` });
});

// Golden renders: the defaults and every landscape in values/, rendered by Helm 4 and Helm 3, must equal the
// reviewed file in golden/. After an intended change: `make goldens`, then review the diff.
import t from 'tap';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../tools/paths.ts';
import { renderChart } from '../../tools/render/render.ts';
import { bothHelms } from '../helpers/helm.ts';

const goldenDir = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDENS === '1';
const landscapes = [
  { name: 'defaults', files: [] as string[] },
  ...readdirSync(join(projectRoot, 'values')).filter((f) => f.endsWith('.yaml')).sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ''), files: [join(projectRoot, 'values', f)] })),
];
const helms = await bothHelms();

for (const { name, files } of landscapes) {
  t.test(name, async (t) => {
    const goldenPath = join(goldenDir, `${name}.yaml`);
    const [helm4, helm3] = await Promise.all(helms.map((h) => renderChart(h, { valuesFiles: files })));
    t.equal(helm3, helm4, 'Helm 3 and Helm 4 render the same output');
    if (update) writeFileSync(goldenPath, helm4);
    t.ok(existsSync(goldenPath), `${goldenPath} exists (make goldens writes it)`);
    t.equal(helm4, readFileSync(goldenPath, 'utf8'), 'matches the reviewed golden render');
  });
}

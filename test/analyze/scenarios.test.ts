// Every folder in scenarios/ holds input manifests and the connlist text expected for them,
// written from the Kubernetes documentation. Output is sorted, so the comparison is exact.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildCluster, connlist, loadManifests } from '../../tools/analyze/index.ts';
import { formatTxt } from '../../tools/analyze/format/txt.ts';

const root = join(import.meta.dirname, 'scenarios');
const scenarios = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

t.ok(scenarios.length >= 60, `at least 60 scenarios (${scenarios.length})`);
for (const name of scenarios) {
  t.test(name, async (t) => {
    const { objects } = loadManifests([join(root, name, 'input')]);
    const actual = formatTxt(connlist(buildCluster(objects)).connections);
    t.equal(actual, readFileSync(join(root, name, 'expected.txt'), 'utf8'));
  });
}

// Every folder in scenarios/ holds input manifests and the connlist text expected for them,
// written from the Kubernetes documentation: `expected.txt` with the default options, and
// `expected.<reading>.txt` (calico, cilium, kubernetes) under that reading. Output is sorted, so the
// comparison is exact.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ALL_READINGS, buildCluster, connlist, loadManifests, type Reading } from '../../tools/analyze/index.ts';
import { formatTxt } from '../../tools/analyze/format/txt.ts';

const root = join(import.meta.dirname, 'scenarios');
const scenarios = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/** The reading an expected file names (`expected.calico.txt`), undefined for `expected.txt`. */
function readingOf(file: string): Reading | undefined {
  const name = /^expected\.(.+)\.txt$/.exec(file)?.[1];
  if (name !== undefined && !(ALL_READINGS as readonly string[]).includes(name)) throw new Error(`${file}: no reading "${name}"`);
  return name as Reading | undefined;
}

t.ok(scenarios.length >= 60, `at least 60 scenarios (${scenarios.length})`);
for (const name of scenarios) {
  const expectations = readdirSync(join(root, name)).filter((f) => /^expected(\..+)?\.txt$/.test(f)).sort();
  t.test(name, async (t) => {
    t.ok(expectations.includes('expected.txt'), 'every scenario states the default output');
    const cluster = buildCluster(loadManifests([join(root, name, 'input')]).objects);
    for (const file of expectations) {
      const reading = readingOf(file);
      const actual = formatTxt(connlist(cluster, reading ? { reading } : {}).connections);
      t.equal(actual, readFileSync(join(root, name, file), 'utf8'), file);
    }
  });
}

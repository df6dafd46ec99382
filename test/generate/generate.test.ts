import t from 'tap';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { defaultValues, leaves } from '../../tools/model/index.ts';
import { checkGenerated, generatedFiles, writeGenerated } from '../../tools/generated.ts';
import { compose } from '../../tools/generate/output-file.ts';
import { projectRoot } from '../../tools/paths.ts';
import { run } from '../helpers/cli.ts';

const generated = await generatedFiles(projectRoot);
const files = [...generated].map(([path, content]) => ({ path, content }));

t.test('every generated file names the command that writes it in its first lines', async (t) => {
  t.ok(files.some((f) => f.path === 'tools/validate/schema/kubernetes.schema.json'), 'the Kubernetes schema data is one of them');
  t.ok(files.some((f) => f.path === 'chart/connectivity.svg'));
  for (const f of files) {
    if (f.path.endsWith('.svg')) continue; // named in the README section that shows it
    const heads = f.path.endsWith('README.md')
      ? [...f.content.matchAll(/<!-- BEGIN[^\n]*\n([^\n]*)/g)].map((m) => m[1])
      : [f.content.split('\n').slice(0, 3).join('\n')];
    if (f.path.endsWith('README.md')) t.equal(heads.length, 2, 'the values table and the connectivity matrix');
    for (const head of heads) t.match(head, 'npx telemetry-netpol generate', f.path);
  }
});

t.test('the committed files are what the generators write', async (t) => {
  // the files generated above, against the disk (the CLI test below runs the same check as a process)
  for (const f of files) t.ok(readFileSync(join(projectRoot, f.path), 'utf8') === f.content, `${f.path} is up to date`);
  t.same(readdirSync(join(projectRoot, 'chart/templates')).filter((name) => !generated.has(`chart/templates/${name}`)), [], 'no stale template');
});

t.test('--check finds a hand edit, a README section edit and a stale template; writing fixes them', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gen-'));
  cpSync(join(projectRoot, 'chart'), join(root, 'chart'), { recursive: true });
  cpSync(join(projectRoot, 'tools/validate/schema'), join(root, 'tools/validate/schema'), { recursive: true });
  writeFileSync(join(root, 'chart/templates/manager.yaml'), '# edited by hand\n');
  writeFileSync(join(root, 'chart/templates/old-policy.yaml'), '# from an older model\n');
  const readme = readFileSync(join(root, 'chart/README.md'), 'utf8');
  writeFileSync(join(root, 'chart/README.md'), readme.replace('| `rmaScraper` | TCP 8080 |', '| `rmaScraper` | TCP 8081 |'));
  const drift = await checkGenerated(root);
  t.same({ changed: drift.changed.sort(), stale: drift.stale }, { changed: ['chart/README.md', 'chart/templates/manager.yaml'], stale: ['chart/templates/old-policy.yaml'] });
  t.same((await writeGenerated(root)).sort(), ['chart/README.md', 'chart/templates/manager.yaml']);
  t.same(await checkGenerated(root), { changed: [], stale: [] });
});

t.test('CLI: generate --check', async (t) => {
  const r = await run('generate', '--check');
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'generated files are up to date\n');
});

t.test('two generators writing one path is an error', async (t) => {
  t.throws(() => compose([{ path: 'a', content: '1' }], [{ path: 'a', content: '2' }]), /two generators write a/);
});

t.test('values.yaml holds the model defaults, each key with a helm-docs comment', async (t) => {
  const valuesYaml = files.find((f) => f.path === 'chart/values.yaml')!.content;
  t.same(load(valuesYaml), defaultValues());
  const lines = valuesYaml.split('\n');
  for (const { path } of leaves()) {
    const key = path.split('.').pop()!;
    const at = lines.findIndex((l, i) => l.trimStart().startsWith(`${key}:`) && lines[i - 1]?.trimStart().startsWith('# --'));
    t.ok(at > 0, `${path} has a # -- comment`);
  }
});

t.test('the values schema closes every object and types every leaf', async (t) => {
  const schema = JSON.parse(files.find((f) => f.path === 'chart/values.schema.json')!.content);
  t.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const walk = (node: any, path: string): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'object' && !node.propertyNames) t.equal(node.additionalProperties, false, `${path} is closed`);
    for (const [k, v] of Object.entries(node)) if (typeof v === 'object') walk(v, `${path}/${k}`);
  };
  walk(schema, '#');
  for (const { path } of leaves()) {
    const leaf = path.split('.').reduce((s: any, k) => s.properties[k], schema);
    t.ok(leaf.type || leaf.enum, `${path} has a type`);
  }
});

t.test('the README values table lists every key', async (t) => {
  const readme = readFileSync(join(projectRoot, 'chart/README.md'), 'utf8');
  for (const { path } of leaves()) t.match(readme, `| ${path} |`, path);
});

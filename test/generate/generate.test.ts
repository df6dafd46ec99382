import t from 'tap';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { defaultValues, leaves } from '../../tools/model/index.ts';
import { checkGenerated, generatedFiles, writeGenerated } from '../../tools/generate/generate.ts';
import { compose } from '../../tools/generate/output-file.ts';
import { projectRoot } from '../../tools/paths.ts';

const files = generatedFiles(projectRoot);

t.test('every generated file names the command that writes it in its first lines', async (t) => {
  for (const f of files) {
    const head = f.path.endsWith('README.md')
      ? f.content.slice(f.content.indexOf('<!-- BEGIN'), f.content.indexOf('<!-- BEGIN') + 300)
      : f.content.split('\n').slice(0, 3).join('\n');
    t.match(head, 'npx telemetry-netpol generate', f.path);
  }
});

t.test('the committed chart is what the generator writes', async (t) => {
  t.same(checkGenerated(projectRoot), { changed: [], stale: [] });
});

t.test('--check finds a hand edit and a stale template; writing fixes both', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gen-'));
  cpSync(join(projectRoot, 'chart'), join(root, 'chart'), { recursive: true });
  writeFileSync(join(root, 'chart/templates/manager.yaml'), '# edited by hand\n');
  writeFileSync(join(root, 'chart/templates/old-policy.yaml'), '# from an older model\n');
  t.same(checkGenerated(root), { changed: ['chart/templates/manager.yaml'], stale: ['chart/templates/old-policy.yaml'] });
  t.same(writeGenerated(root), ['chart/templates/manager.yaml']);
  t.same(checkGenerated(root), { changed: [], stale: [] });
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

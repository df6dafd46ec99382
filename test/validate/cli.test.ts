// `npx telemetry-netpol validate` and `schema --check`: output format and exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runValidate } from '../../tools/validate/commands.ts';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'tools', 'bin', 'telemetry-netpol.js');
const docs = join(import.meta.dirname, 'fixtures', 'k8s-docs');

function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
const invalidFile = join(dir, 'invalid.yaml');
writeFileSync(
  invalidFile,
  `---
# Source: chart/templates/a.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: too-wide
spec:
  podSelector: {}
  egress:
    - ports: [{port: 443, endPort: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: skipped}
---
kind: NetworkPolicy
kind: NetworkPolicy
`,
);

t.test('valid files: summary only, exit 0', async (t) => {
  const files = ['default-deny-all.yaml', 'test-network-policy.yaml'].map((f) => join(docs, f));
  const { code, stdout, stderr } = run(['validate', ...files]);
  t.equal(code, 0, stderr);
  t.equal(stdout, 'Summary: 2 resources found in 2 files - Valid: 2, Invalid: 0, Errors: 0, Skipped: 0\n');
});

t.test('invalid file: one line per invalid or broken resource, exit 1', async (t) => {
  const { code, stdout } = run(['validate', invalidFile]);
  t.equal(code, 1);
  t.equal(
    stdout,
    `${invalidFile} - NetworkPolicy too-wide is invalid: spec.egress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to \`port\`\n` +
      `${invalidFile} - failed validation: error unmarshalling resource: line 17: duplicate key kind (already defined at line 16)\n` +
      'Summary: 3 resources found in 1 file - Valid: 0, Invalid: 1, Errors: 1, Skipped: 1\n',
  );
});

t.test('stdin and --verbose', async (t) => {
  const { code, stdout } = run(['validate', '-', '--verbose'], 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n');
  t.equal(code, 0);
  t.equal(stdout, 'stdin - Secret s skipped\nSummary: 1 resource found parsing stdin - Valid: 0, Invalid: 0, Errors: 0, Skipped: 1\n');
});

t.test('missing file: clear message, non-zero, no stack trace', async (t) => {
  const { code, stdout, stderr } = run(['validate', join(dir, 'nope.yaml')]);
  t.not(code, 0);
  t.equal(stdout, '');
  t.equal(stderr, `telemetry-netpol: cannot read ${join(dir, 'nope.yaml')}: no such file\n`);
});

const isRoot = process.getuid?.() === 0;

t.test('a file that cannot be read: the file and the problem, no stack trace', async (t) => {
  const { code, stdout, stderr } = run(['validate', dir]);
  t.equal(code, 1);
  t.equal(stdout, '');
  t.equal(stderr, `telemetry-netpol: cannot read ${dir}: is a directory\n`);
  t.test('permission denied', { skip: isRoot && 'root reads any file' }, async (t) => {
    const unreadable = join(dir, 'unreadable.yaml');
    writeFileSync(unreadable, 'a: 1\n', { mode: 0o000 });
    const denied = run(['validate', unreadable]);
    t.equal(denied.code, 1);
    t.equal(denied.stderr, `telemetry-netpol: cannot read ${unreadable}: permission denied\n`);
  });
});

t.test('broken documents: the file and the line in it, the other documents still checked, no crash', async (t) => {
  const policy = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ok}\nspec: {podSelector: {}}\n';
  const input = [
    policy, //                                                  lines 1-4
    '---\nmetadata: {name: "unclosed}\n', //                   lines 5-6
    '---\n' + policy.replace('podSelector: {}', 'ingress: &rules [*rules]'), // lines 7-11
    '---\n' + policy, //                                        lines 12-16
  ].join('');
  const { code, stdout, stderr } = run(['validate', '-'], input);
  t.equal(code, 1);
  t.equal(stderr, '');
  t.equal(
    stdout,
    'stdin - failed validation: error unmarshalling resource: line 6, column 28: Missing closing "quote\n' +
      'stdin - failed validation: error unmarshalling resource: line 11, column 25: an alias refers to a node that contains it\n' +
      'Summary: 4 resources found parsing stdin - Valid: 2, Invalid: 0, Errors: 2, Skipped: 0\n',
  );
});

t.test('runValidate counts files and resources as kubeconform does', async (t) => {
  const texts: Record<string, string> = { a: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n', b: '# nothing here\n' };
  const { lines, ok } = runValidate(['a', 'b'], (file) => texts[file]);
  t.ok(ok);
  t.same(lines, ['Summary: 1 resource found in 2 files - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0']);
});

t.test('YAML 1.1 booleans are booleans, as kubectl reads them: `name: y` is no name', async (t) => {
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  labels: {enabled: yes}\ndata: {a: b}\n';
  const { code, stdout } = run(['validate', '-'], manifest);
  t.equal(code, 1);
  t.match(stdout, 'metadata.labels.enabled: Invalid type: true: must be string');
  t.match(stdout, 'metadata.name: Invalid type: true: must be string');
  const quoted = run(['validate', '-'], manifest.replace('name: y', 'name: "y"').replace('enabled: yes', 'enabled: "yes"'));
  t.equal(quoted.code, 0, quoted.stdout);
});

// `check` passes for the defaults and every file in values/; the CLI's output and exit codes; the
// contract data's own rules; a spread of permutations holds the contract.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCheck } from '../../tools/report/contract/command.ts';
import { loadContract } from '../../tools/report/contract/spec.ts';
import { contractBenchmark } from '../../tools/report/contract/bench.ts';
import { landscape, mutate, render, root, ruleWith, tempFile } from './helpers.ts';

const cli = join(root, 'tools', 'bin', 'telemetry-netpol.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const files = ['defaults', ...readdirSync(join(root, 'values')).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => f.replace(/\.ya?ml$/, ''))];
for (const name of files) {
  t.test(`check passes: ${name}`, async (t) => {
    const report = await runCheck({ values: landscape(name) });
    t.equal(report.problems, 0, report.lines.join('\n'));
    t.match(report.lines.join('\n'), /schema, API rules, lint, invariants: ok\n {2}contract: ok — \d+ flows in force/);
  });
}

t.test('CLI: a landscape passes, a hand-edited render fails naming the flow and the rule', async (t) => {
  const ok = run(['check', '-f', 'values/zero-trust.yaml']);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^check values\/zero-trust.yaml \(rendered with helm v4\.[\d.]+\)\n/);
  t.match(ok.stdout, /\nok\n$/);

  const zeroTrust = landscape('zero-trust');
  const wrong = tempFile(mutate(await render(zeroTrust), 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].namespaceSelector = {};
  }));
  const bad = run(['check', '--manifests', wrong, '-f', 'values/zero-trust.yaml']);
  t.equal(bad.code, 1);
  t.match(bad.stdout, `check the manifests in ${wrong} for values/zero-trust.yaml`);
  t.match(bad.stdout, 'forbidden flow rma-outside-namespace-denied is allowed under both readings: elsewhere/rma-scraper-outside → kyma-system/manager TCP 8080');
  t.match(bad.stdout, 'ingress of kyma-system/manager: allowed by kyma-system/kyma-project.io--telemetry-manager ingress rule 3');
  t.match(bad.stderr, /^telemetry-netpol: \d+ problem\(s\) found\n$/);

  const correct = tempFile(await render(zeroTrust));
  t.equal(run(['check', '--manifests', correct, '-f', 'values/zero-trust.yaml']).code, 0, 'the unedited render passes');

  // a text edit keeps the chart's comment above each rule, which the explanation quotes
  const widened = tempFile((await render(zeroTrust)).replace(/cidr: 198\.51\.100\.0\/24/g, 'cidr: 0.0.0.0/0'));
  const quoted = run(['check', '--manifests', widened, '-f', 'values/zero-trust.yaml']);
  t.equal(quoted.code, 1);
  t.match(quoted.stdout, /forbidden flow backend-logs-outside-443-denied is allowed under both readings: kyma-system\/fluent-bit → outside 192\.0\.2\.77 TCP 443\n {8}contract: .+\n {8}egress of kyma-system\/fluent-bit: allowed by kyma-system\/kyma-project\.io--telemetry-fluent-bit egress rule 1 \("[^"\n]+"\)\n/);

  const missing = run(['check', '-f', 'values/nope.yaml']);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'telemetry-netpol: values/nope.yaml: no such file\n');

  // helm takes an empty values file (or comments only) as no override, and so does check
  const empty = run(['check', '-f', tempFile('# nothing to override\n')]);
  t.equal(empty.code, 0, empty.stderr);
  const correctDefaults = tempFile(await render(landscape('defaults')));
  const list = run(['check', '--manifests', correctDefaults, '-f', tempFile('- a\n')]);
  t.equal(list.code, 1);
  t.match(list.stderr, /^telemetry-netpol: \S+\.yaml: expected a map of values at the top level\n$/, 'no stack trace');
  const broken = run(['check', '--manifests', correctDefaults, '-f', tempFile('a: [\n')]);
  t.match(broken.stderr, /^telemetry-netpol: \S+\.yaml: not YAML: /);
});

t.test('the contract data: sources cited, peers known, never derived from the model', async (t) => {
  const spec = loadContract();
  t.ok(spec.flows.length > 50);
  t.ok(spec.flows.every((f) => f.source.length > 10), 'every flow cites its ADR or DESIGN line');
  const code = readdirSync(join(root, 'tools', 'report', 'contract')).filter((f) => f !== 'bench.ts');
  for (const f of code) t.notMatch(readFileSync(join(root, 'tools', 'report', 'contract', f), 'utf8'), /from '[./]*\/model\//, `${f} does not import tools/model`);

  const dir = mkdtempSync(join(tmpdir(), 'contract-data-'));
  copyFileSync(join(root, 'test', 'contract', 'topology.yaml'), join(dir, 'topology.yaml'));
  writeFileSync(join(dir, 'flows.yaml'), 'flows:\n  - {id: x, source: "DESIGN somewhere", from: managr, to: selfMonitor, ports: [9090], expect: required}\n');
  t.throws(() => loadContract(dir), { name: 'UserError', message: /flows\[0\] x: unknown peer or group 'managr'/ });
  const dir2 = mkdtempSync(join(tmpdir(), 'contract-data-'));
  copyFileSync(join(root, 'test', 'contract', 'topology.yaml'), join(dir2, 'topology.yaml'));
  writeFileSync(join(dir2, 'flows.yaml'), 'flows:\n  - {id: y, source: "DESIGN somewhere", from: manager, to: selfMonitor, ports: [9090], expect: required, when: {istio.enabled: sometimes maybe}}\n');
  t.doesNotThrow(() => loadContract(dir2), 'a plain value is an equality condition');
});

t.test('a spread of permutations holds the contract', async (t) => {
  const r = await contractBenchmark({ count: 240 });
  t.ok(r.permutations > 50, `${r.permutations} permutations checked`);
  t.same(r.failed.map((f) => ({ index: f.index, first: f.failures[0] })), []);
  t.comment(`contract: ${r.coldMs} ms per permutation cold (${r.coldCpuMs} ms CPU), ${r.warmMs} ms cached`);
});

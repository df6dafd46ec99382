// The `check` command, end to end through the CLI: a landscape passes, a hand-edited render fails naming the
// flow, its reading(s) and the rule, bad input is named without a stack trace, and --existing lists what the
// NetworkPolicies already in a cluster reopen (expected from the module's own policies as upstream writes them,
// test/fixtures/module-policies/, against what the chart closes).
import { join } from 'node:path';
import t from 'tap';
import { runCheck } from '../../tools/report/check.ts';
import { landscape, landscapes, mutate, render, ruleWith, tempFile } from '../contract/helpers.ts';
import { run } from '../helpers/cli.ts';

const fixture = (name: string) => join('test', 'fixtures', 'module-policies', name);

t.test('check: a landscape passes', async (t) => {
  const ok = await run('check', '-f', 'values/gardener-zero-trust.yaml');
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^check values\/gardener-zero-trust.yaml \(rendered with helm v4\.[\d.]+\)\n/);
  t.match(ok.stdout, /contract: ok — \d+ flows in force \(\d+ required, \d+ forbidden\), \d+ flow checks and \d+ peer pairs under the calico and cilium readings/);
  t.match(ok.stdout, /\nok\n$/);
});

t.test('check --manifests: a hand-edited render fails naming the flow, the readings and the rule', async (t) => {
  const zeroTrust = landscape('gardener-zero-trust');
  const wrong = tempFile(mutate(await render(zeroTrust), 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].namespaceSelector = {};
  }));
  const bad = await run('check', '--manifests', wrong, '-f', 'values/gardener-zero-trust.yaml');
  t.equal(bad.code, 1);
  t.match(bad.stdout, `check the manifests in ${wrong} for values/gardener-zero-trust.yaml`);
  t.match(bad.stdout, 'forbidden flow rma-outside-namespace-denied is allowed under the calico and cilium readings: elsewhere/rma-scraper-outside → kyma-system/manager TCP 8080');
  t.match(bad.stdout, 'ingress of kyma-system/manager: allowed by kyma-system/kyma-project.io--telemetry-netpol-manager ingress rule 3');
  t.match(bad.stderr, /^telemetry-netpol: \d+ problem\(s\) found\n$/);

  const correct = tempFile(await render(zeroTrust));
  t.equal((await run('check', '--manifests', correct, '-f', 'values/gardener-zero-trust.yaml')).code, 0, 'the unedited render passes');

  // a text edit keeps the chart's comment above each rule, which the explanation quotes
  const widened = tempFile((await render(zeroTrust)).replace(/cidr: 203\.0\.113\.128\/25/g, 'cidr: 0.0.0.0/0'));
  const quoted = await run('check', '--manifests', widened, '-f', 'values/gardener-zero-trust.yaml');
  t.equal(quoted.code, 1);
  t.match(quoted.stdout, /forbidden flow backend-traces-outside-denied is allowed under the calico and cilium readings: kyma-system\/otlp-gateway → outside 192\.0\.2\.77 TCP 4317\n {8}contract: .+\n {8}egress of kyma-system\/otlp-gateway: allowed by kyma-system\/kyma-project\.io--telemetry-netpol-otlp-gateway egress rule \d+ \("export traces to the trace backends"\)\n/);
});

t.test('check: bad input is named, without a stack trace', async (t) => {
  const missing = await run('check', '-f', 'values/nope.yaml');
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'telemetry-netpol: values/nope.yaml: no such file\n');
  // helm takes an empty values file (or comments only) as no override, and so does check
  const empty = await run('check', '-f', tempFile('# nothing to override\n'));
  t.equal(empty.code, 0, empty.stderr);
  const correctDefaults = tempFile(await render(landscape('defaults')));
  const list = await run('check', '--manifests', correctDefaults, '-f', tempFile('- a\n'));
  t.equal(list.code, 1);
  t.match(list.stderr, /^telemetry-netpol: \S+\.yaml: expected a map of values at the top level\n$/, 'no stack trace');
  const broken = await run('check', '--manifests', correctDefaults, '-f', tempFile('a: [\n'));
  t.match(broken.stderr, /^telemetry-netpol: \S+\.yaml: not YAML: /);
});

t.test('check: every landscape passes through the CLI', async (t) => {
  for (const name of landscapes().filter((n) => n !== 'defaults')) {
    const r = await run('check', '-f', ...landscape(name));
    t.equal(r.code, 0, `${name}: ${r.stdout.split('\n').slice(1, 4).join(' ')}`);
  }
});

t.test('check --existing: the module 1.69\'s own policies on a Gardener shoot (phase 1)', async (t) => {
  const report = await runCheck({ values: ['values/gardener.yaml'], existing: [fixture('telemetry-1.69.yaml')] });
  const out = report.lines.join('\n');
  t.ok(report.problems > 0, 'reopened connections are problems');
  t.match(out, /existing policies: 4 beside the chart reopen \d+ connection\(s\) the chart closes/, 'four of the fifteen reopen something');
  // the module selects the manager by app.kubernetes.io/name alone (selfmonitor/resources.go): another operator's
  // `manager` pod becomes reachable for the self-monitor, and may query it
  t.match(out, 'kyma-system/kyma-project.io--telemetry-self-monitor egress rule 4 reopens 1 connection(s) of kyma-system/self-monitor:\n        kyma-system/self-monitor → kyma-system/other-operator TCP 9443');
  // webhooks from every source (helm/templates/networkpolicy.yaml): the chart admits only the vpn-shoot pods
  t.match(out, /kyma-system\/kyma-project\.io--allow-telemetry-manager-webhooks ingress rule 0 reopens \d+ connection\(s\) of kyma-system\/manager:\n/);
  t.match(out, 'kyma-system/other-module → kyma-system/manager TCP 9443 under the calico and cilium readings');
  // OTLP from every source (otlp_gateway.go WithIngressFromAny): the chart admits pods only, not the host network
  t.match(out, /kyma-system\/kyma-project\.io--telemetry-otlp-gateway ingress rule 0 reopens \d+ connection\(s\) of kyma-system\/otlp-gateway:\n\s+node \(host\) 10\.250\.0\.10 → kyma-system\/otlp-gateway TCP 4317-4318 under the calico and cilium readings/);
  t.notMatch(out, /telemetry-fluent-bit egress/, 'phase 1: the chart itself lets the exporters reach every address and port');
});

t.test('check --existing: in zero trust the module\'s egress: [{}] reopens every door the chart closed', async (t) => {
  const report = await runCheck({ values: ['values/gardener-zero-trust.yaml'], existing: [fixture('telemetry-1.69.yaml')] });
  const out = report.lines.join('\n');
  t.match(out, /kyma-system\/kyma-project\.io--telemetry-fluent-bit egress rule 0 reopens \d+ connection\(s\) of kyma-system\/fluent-bit:/);
  t.match(out, /kyma-system\/kyma-project\.io--telemetry-metric-agent egress rule 0 reopens/);
  t.match(out, /kyma-system\/kyma-project\.io--telemetry-self-monitor-metrics ingress rule 1 reopens \d+ connection\(s\) of kyma-system\/self-monitor/,
    'RMA from any namespace, where the landscape names one');
  t.notMatch(out, /kyma-project\.io--telemetry-netpol-/, 'the chart\'s own policies are never named as existing ones');
});

t.test('check --existing: the per-signal gateways of module 1.62', async (t) => {
  const report = await runCheck({ values: ['values/per-signal-gateways.yaml'], existing: [fixture('telemetry-1.62.yaml')] });
  const out = report.lines.join('\n');
  for (const g of ['log', 'metric', 'trace']) {
    t.match(out, new RegExp(`kyma-project\\.io--telemetry-${g}-gateway ingress rule 0 reopens \\d+ connection\\(s\\) of kyma-system/${g}-gateway`));
  }
});

t.test('check --existing: a namespace\'s deny-all reopens nothing, nor does the release\'s own render', async (t) => {
  const denyAll = await runCheck({ values: ['values/gardener-zero-trust.yaml'], existing: [fixture('namespace-deny-all.yaml')] });
  t.equal(denyAll.problems, 0, denyAll.lines.join('\n'));
  t.match(denyAll.lines.join('\n'), 'existing policies: 1 beside the chart, none reopens what the chart closes');
  const own = tempFile(await render(landscape('gardener-zero-trust')));
  const itself = await runCheck({ values: ['values/gardener-zero-trust.yaml'], existing: [own] });
  t.equal(itself.problems, 0);
  t.match(itself.lines.join('\n'), 'existing policies: 0 beside the chart', 'objects of the release are the chart\'s');
});

t.test('check --existing: exit codes, and bad files named without a stack trace', async (t) => {
  const reopened = await run('check', '-f', 'values/gardener.yaml', '--existing', fixture('telemetry-1.69.yaml'));
  t.equal(reopened.code, 1);
  t.match(reopened.stderr, /^telemetry-netpol: \d+ problem\(s\) found\n$/);
  const clean = await run('check', '-f', 'values/gardener.yaml', '--existing', fixture('namespace-deny-all.yaml'));
  t.equal(clean.code, 0, clean.stderr);
  const missing = await run('check', '--existing', 'no-such.yaml');
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'telemetry-netpol: --existing no-such.yaml: no such file (write it with `kubectl get networkpolicies -A -o yaml > no-such.yaml`)\n');
  const broken = tempFile('apiVersion: v1\nkind: List\nitems:\n- kind: NetworkPolicy\n  metadata: {name: a\n');
  const malformed = await run('check', '--existing', broken);
  t.equal(malformed.code, 1);
  t.match(malformed.stderr, new RegExp(`^telemetry-netpol: --existing ${broken}: not all of it is YAML or JSON: .*line \\d+`));
  t.notMatch(malformed.stderr, /\n\s+at /, 'no stack trace');
  const pods = tempFile('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n');
  const none = await run('check', '--existing', pods);
  t.equal(none.code, 1);
  t.match(none.stderr, `--existing ${pods}: holds no NetworkPolicy`);
});

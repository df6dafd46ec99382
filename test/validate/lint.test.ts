// Hardening lint (Kyma rules, exceptions), invariants, and RenderedChecker over a multi-document render.
import { dump } from 'js-yaml';
import t from 'tap';
import type { HardeningException } from '../../tools/model/hardening.ts';
import { componentKeys, defaultValues, mergeValues, noClusterFacts, type Values } from '../../tools/model/index.ts';
import { checkInvariants, lintHardening, type NetworkPolicy } from '../../tools/validate/index.ts';
import { RenderedChecker } from '../../tools/validate/rendered.ts';
import { hardeningViolations } from '../../tools/validate/lint.ts';

const module = { 'kyma-project.io/module': 'telemetry' };
const inSystem = { matchLabels: { 'kubernetes.io/metadata.name': 'kyma-system' } };

function policy(name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'kyma-system' }, spec };
}

/** Hardened: combined selectors, ports everywhere, small CIDRs. */
const gateway = policy('kyma-project.io--telemetry-log-gateway', {
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'telemetry-log-gateway' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{ from: [{ namespaceSelector: inSystem, podSelector: { matchLabels: module } }], ports: [{ protocol: 'TCP', port: 4317 }] }],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
});

const exception = (over: Partial<HardeningException>): HardeningException => ({
  id: 'backend-any-address',
  rule: 'any-address',
  policy: 'kyma-project.io--telemetry-log-gateway',
  direction: 'egress',
  ports: 'TCP 443',
  reason: 'backend addresses are unknown until a landscape sets them',
  closedBy: 'backends.logs.cidrs',
  ...over,
});

function withAnyBackend(): NetworkPolicy {
  const p = structuredClone(gateway);
  p.spec!.egress![0].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
  return p;
}

const rulesOf = (p: NetworkPolicy) => hardeningViolations(p).map((v) => `${v.rule} ${v.direction} ${v.path}`);

t.test('a hardened policy has no violations', async (t) => {
  t.same(hardeningViolations(gateway), []);
});

t.test('each Kyma rule is detected with its path', async (t) => {
  const cases: Array<[string, (p: NetworkPolicy) => void, string]> = [
    ['ingress-peer-not-combined', (p) => delete p.spec!.ingress![0].from![0].podSelector, 'ingress-peer-not-combined ingress spec.ingress[0].from[0]'],
    ['ingress-peer-not-combined', (p) => delete p.spec!.ingress![0].from![0].namespaceSelector, 'ingress-peer-not-combined ingress spec.ingress[0].from[0]'],
    ['namespace-selector-alone', (p) => (p.spec!.egress![0].to = [{ namespaceSelector: inSystem }]), 'namespace-selector-alone egress spec.egress[0].to[0].namespaceSelector'],
    ['empty-selector', (p) => (p.spec!.ingress![0].from![0].namespaceSelector = {}), 'empty-selector ingress spec.ingress[0].from[0].namespaceSelector'],
    ['empty-selector', (p) => (p.spec!.egress![0].to = [{ namespaceSelector: inSystem, podSelector: { matchExpressions: [] } }]), 'empty-selector egress spec.egress[0].to[0].podSelector'],
    ['missing-ports', (p) => delete p.spec!.egress![0].ports, 'missing-ports egress spec.egress[0]'],
    ['missing-ports', (p) => (p.spec!.ingress![0].ports = []), 'missing-ports ingress spec.ingress[0]'],
    ['port-range', (p) => (p.spec!.egress![0].ports![0].endPort = 8443), 'port-range egress spec.egress[0].ports[0].endPort'],
    ['any-address', (p) => (p.spec!.egress![0].to = [{ ipBlock: { cidr: '::/0' } }]), 'any-address egress spec.egress[0].to[0].ipBlock.cidr'],
    ['empty-peers', (p) => delete p.spec!.ingress![0].from, 'empty-peers ingress spec.ingress[0]'],
    ['empty-peers', (p) => (p.spec!.egress![0].to = []), 'empty-peers egress spec.egress[0].to'],
  ];
  for (const [rule, mutate, expected] of cases) {
    const p = structuredClone(gateway);
    mutate(p);
    t.ok(rulesOf(p).includes(expected), `${rule}: ${expected} in ${JSON.stringify(rulesOf(p))}`);
  }
  const emptyRule = structuredClone(gateway);
  emptyRule.spec!.egress = [{}];
  t.same(rulesOf(emptyRule), ['empty-peers egress spec.egress[0]', 'missing-ports egress spec.egress[0]'], 'an empty rule {} breaks two rules');
});

t.test('a violation with a matching exception is excused and reported as used', async (t) => {
  const report = lintHardening([withAnyBackend()], [exception({})]);
  t.equal(report.violations.length, 2);
  t.same(report.unexcused, []);
  t.equal(report.exceptionsUsed.length, 1);
  t.equal(report.exceptionsUsed[0].exception.id, 'backend-any-address');
  t.equal(report.exceptionsUsed[0].exception.reason, 'backend addresses are unknown until a landscape sets them');
  t.same(report.exceptionsUsed[0].violations.map((v) => v.path), ['spec.egress[0].to[0].ipBlock.cidr', 'spec.egress[0].to[1].ipBlock.cidr']);
});

t.test('the same violation without an exception fails', async (t) => {
  const report = lintHardening([withAnyBackend()], []);
  t.equal(report.unexcused.length, 2);
  t.same(report.exceptionsUsed, []);
});

t.test('an exception for another policy, direction, rule or ports does not excuse', async (t) => {
  for (const other of [
    exception({ policy: 'kyma-project.io--telemetry-trace-gateway' }),
    exception({ direction: 'ingress' }),
    exception({ rule: 'missing-ports' }),
    exception({ ports: 'TCP 4317' }),
    exception({ ports: 'any' }),
  ]) {
    const report = lintHardening([withAnyBackend()], [other]);
    t.equal(report.unexcused.length, 2, JSON.stringify(other));
    t.same(report.exceptionsUsed, []);
  }
});

t.test('an exception excuses its own rule only: another rule of the policy breaking the same way fails', async (t) => {
  const p = withAnyBackend();
  p.spec!.egress!.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 53 }, { port: 53 }] });
  const report = lintHardening([p], [exception({})]);
  t.same(report.unexcused.map((v) => `${v.path} ${v.ports}`), ['spec.egress[1].to[0].ipBlock.cidr TCP 53,UDP 53'], 'ports read with TCP as the default protocol, sorted');
  t.equal(report.exceptionsUsed[0].violations.length, 2, 'the backend rule\'s two any-address peers are excused');
});

t.test('invariants', async (t) => {
  const manager = { name: 'manager', labels: { 'app.kubernetes.io/name': 'manager', ...module } };
  const logGateway = { name: 'telemetry-log-gateway', labels: { 'app.kubernetes.io/name': 'telemetry-log-gateway', ...module } };
  t.same(checkInvariants([gateway], [logGateway]), [], 'the gateway is isolated both ways');

  const findings = checkInvariants([gateway], [manager]).map((f) => f.invariant);
  t.same(findings, ['ingress-isolated', 'egress-isolated'], 'an unselected workload is open both ways');

  const ingressOnly = structuredClone(gateway);
  delete ingressOnly.spec!.policyTypes;
  delete ingressOnly.spec!.egress;
  t.same(checkInvariants([ingressOnly], [logGateway]).map((f) => f.message), [
    'workload telemetry-log-gateway is not selected by any policy with Egress in its effective policyTypes',
  ], 'omitted policyTypes default to Ingress only when there are no egress rules');

  const defaulted = structuredClone(gateway);
  delete defaulted.spec!.policyTypes;
  t.same(checkInvariants([defaulted], [logGateway]), [], 'omitted policyTypes include Egress when there are egress rules');

  const byExpression = structuredClone(gateway);
  byExpression.spec!.podSelector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['telemetry-log-gateway'] }] };
  t.same(checkInvariants([byExpression], [logGateway]), [], 'matchExpressions select too');

  t.same(checkInvariants([gateway, gateway], []).map((f) => f.invariant), ['unique-name']);

  const v4Only = structuredClone(gateway);
  v4Only.spec!.egress![0].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
  const twin = checkInvariants([v4Only], []);
  t.same(twin.map((f) => `${f.path}: ${f.message}`), ['spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 without its ::/0 twin in the same peer list']);
  t.same(checkInvariants([withAnyBackend()], []), [], 'both families together are fine');
});

t.test('RenderedChecker runs schema, API rules, lint and invariants over one render', async (t) => {
  const checker = new RenderedChecker();
  // only the log gateway is deployed: the invariants ask for it to be isolated, nothing else
  const values = mergeValues(defaultValues(), {
    gateways: { layout: 'perSignal' },
    components: Object.fromEntries(componentKeys.filter((k) => k !== 'logGateway').map((k) => [k, { enabled: false }])),
  }) as Values;
  const render = (docs: unknown[]) => docs.map((d) => `---\n# Source: telemetry-netpol/templates/x.yaml\n${dump(d)}`).join('');

  const good = checker.check(render([gateway, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }]), values, noClusterFacts);
  t.same(good.problems, []);
  t.equal(good.policies.length, 1, 'the Secret is skipped');
  const excused = checker.checkDocuments([dump(withAnyBackend())], values, noClusterFacts, [exception({})]);
  t.same(excused.problems, []);
  t.equal(excused.exceptionsUsed.length, 1);

  const unexcused = checker.checkDocuments([dump(withAnyBackend())], values, noClusterFacts, []);
  t.equal(unexcused.problems.length, 2, 'both address violations, no exception given');

  const broken = structuredClone(gateway) as any;
  broken.spec.egress[0].ports[0].endPort = 80;
  const invalid = checker.check(render([broken]), values, noClusterFacts);
  t.match(invalid.problems[0], /^NetworkPolicy kyma-project\.io--telemetry-log-gateway: .*endPort/);
  t.same(invalid.policies, [], 'lint and invariants only see valid policies');
  t.ok(invalid.problems.some((p) => p.startsWith('ingress-isolated')) && invalid.problems.some((p) => p.startsWith('egress-isolated')));

  const duplicateKey = checker.check('---\nkind: NetworkPolicy\nkind: NetworkPolicy\n', values, noClusterFacts);
  t.match(duplicateKey.problems.join('\n'), /duplicate/);

  // helm prints a template that renders only comments as a document of its own (check --manifests reads such files)
  const commentsOnly = checker.check(`---\n# Source: telemetry-netpol/templates/empty.yaml\n# nothing here\n${render([gateway])}`, values, noClusterFacts);
  t.same(commentsOnly.problems, [], 'a document of comments only is no resource and no problem');
  t.equal(commentsOnly.policies.length, 1);
});

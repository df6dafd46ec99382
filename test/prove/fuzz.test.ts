// The pieces of `make fuzz`: key normalization across Helm 3, Helm 4 and the chart, ajv's keys, the YAML
// texts (anchors and flow style read back as written, facts on their own line), the generators of the new
// values and of extra-rule selectors, repair, host bits, selectors that match everything, the chart rejection
// keys, the extra-rule check, the structural allow-all scan, and one harness verdict end to end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { crossFieldViolations, defaultValues, mergeValues, type Values } from '../../tools/model/index.ts';
import { allowAllFindings } from '../../tools/prove/allow-all.ts';
import { knownFindingOf, knownFindings } from '../../tools/prove/commands.ts';
import { applyEdit, caseArb, expressionArb, extraRulePaths, repair, splitPath, wildcardSelectors } from '../../tools/prove/fuzz/generate.ts';
import { FuzzSession, caseText, causeOf, checkValuesText, sampleEvery } from '../../tools/prove/fuzz/run.ts';
import { checkSchema, crashIn, namedKey } from '../../tools/prove/fuzz/schema.ts';
import { normalizeKeyPaths } from '../../tools/render/render.ts';
import {
  chartRejectionKeys, chartVerdictProblems, extraRulesProblems, factsOf, hasHostBits, matchesEverything, nonCanonical, prepare, withoutExtraRules,
} from '../../tools/prove/fuzz/verdict.ts';
import { yamlText } from '../../tools/prove/fuzz/yaml-text.ts';

const values = (override: object) => mergeValues(defaultValues(), override) as Values;

t.test('keys are compared in one dotted form whatever helm version printed them', async (t) => {
  t.equal(normalizeKeyPaths('backends.logs.cidrs[0]'), 'backends.logs.cidrs.0');
  t.equal(normalizeKeyPaths('/backends/logs/cidrs/0'), 'backends.logs.cidrs.0');
  t.equal(normalizeKeyPaths('/rma/podLabels/a~1b'), 'rma.podLabels.a.b');
  const keys = ['backends.logs.cidrs.0'];
  t.equal(namedKey("- backends.logs.cidrs.0: Does not match pattern '^x$'", keys), 'backends.logs.cidrs.0', 'Helm 3');
  t.equal(namedKey("- at '/backends/logs/cidrs/0': '1' does not match pattern", keys), 'backends.logs.cidrs.0', 'Helm 4');
  t.equal(namedKey("backends.logs.cidrs[0]: '10.0.0.1/24' has host bits set", keys), 'backends.logs.cidrs.0', 'the chart');
  t.equal(namedKey('Error: something else', keys), undefined);
  t.equal(crashIn('panic: runtime error: index out of range\ngoroutine 1 [running]:'), 'panic:');
  t.equal(crashIn('Error: values don\'t meet the specifications'), undefined);
});

t.test('ajv names the offending keys: unknown, missing, wrong items', async (t) => {
  const unknown = checkSchema(values({ zeroTrust: { enabled: true, extra: 1 } }));
  t.notOk(unknown.valid);
  t.ok(unknown.keys.includes('zeroTrust.extra'));
  const missing = checkSchema(mergeValues(defaultValues(), { dns: null }));
  t.ok(missing.keys.includes('dns'));
  const item = checkSchema(values({ webhooks: { callers: { cidrs: ['10.0.0.0/33'] } } }));
  t.ok(item.keys.includes('webhooks.callers.cidrs.0') && item.keys.includes('webhooks.callers.cidrs'));
  const expression = (e: object) => checkSchema(values({ components: { manager: { extraEgress: [{ to: [{ namespaceSelector: { matchExpressions: [e] }, podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }] } } }));
  t.notOk(expression({ key: 'app', operator: 'In' }).valid, 'In without values');
  t.notOk(expression({ key: 'app', operator: 'NotIn', values: [] }).valid, 'NotIn with an empty list');
  t.notOk(expression({ key: 'app', operator: 'Exists', values: ['a'] }).valid, 'Exists with values');
  t.ok(expression({ key: 'app', operator: 'Exists', values: [] }).valid, 'Exists with an empty list');
  t.ok(expression({ key: 'app', operator: 'DoesNotExist' }).valid);
  t.ok(expression({ key: 'app', operator: 'Exists' }).keys.length === 0, 'a wildcard is the chart\'s to reject, not the schema\'s');
  t.notOk(checkSchema(values({ istio: { enabled: 'yes' } })).valid);
  t.ok(checkSchema(values({ istio: { enabled: 'auto' }, platform: 'kubernetes', gateways: { layout: 'perSignal' }, dns: { nodeLocal: false } })).valid);
  t.ok(checkSchema(defaultValues()).valid);
});

t.test('the YAML text of every generated case reads back as the values it was made from', async (t) => {
  for (const c of fc.sample(caseArb, { seed: 7, numRuns: 150 })) {
    const text = yamlText(c.override, c.style);
    t.same(JSON.parse(JSON.stringify(load(text, { maxDepth: 1000 } as never))), JSON.parse(JSON.stringify(c.override)), `${c.kind} ${c.style}`);
  }
  const anchored = yamlText({ webhooks: { cidrs: ['10.0.0.0/8'] }, apiServer: { cidrs: ['10.0.0.0/8'] } }, 'anchors');
  t.match(anchored, /"webhooks": &a1 \{"cidrs": &a2 \["10\.0\.0\.0\/8"\]\}/);
  t.match(anchored, /"apiServer": \*a1/);
  const withFacts = caseText({ kind: 'plausible', override: { istio: { enabled: 'auto' } }, style: 'block', facts: { istioApi: true } });
  t.equal(withFacts, '# facts: {"istioApi":true}\nistio:\n  enabled: auto\n', 'the facts go on a comment line of the values file');
  t.same(factsOf(withFacts), { istioApi: true });
  t.same(prepare(withFacts).facts, { istioApi: true });
  t.same(factsOf('istio: {enabled: auto}\n'), { istioApi: false }, 'no line: no Istio API');
  t.equal(yamlText({ a: { b: ['::/1'] } }, 'flow'), '{"a": {"b": ["::/1"]}}\n', 'strings quoted in flow style (helm reads ::/1 unquoted as an error)');
  t.equal(yamlText({ n: 1e21 }, 'flow'), '{"n": 1.e+21}\n', 'YAML 1.1 floats need a dot');
});

t.test('generated edits land where they say', async (t) => {
  t.same(splitPath('rma.podLabels.networking.kyma-project.io/metrics-scraping'), ['rma', 'podLabels', 'networking.kyma-project.io/metrics-scraping']);
  t.same(splitPath('webhooks.callers.pods.0.namespaceLabels.kubernetes.io/metadata.name'), ['webhooks', 'callers', 'pods', '0', 'namespaceLabels', 'kubernetes.io/metadata.name']);
  t.same(splitPath(''), []);
  const o: Record<string, unknown> = {};
  applyEdit(o, { kind: 'bad-cidr', path: 'backends.logs.cidrs.0', value: '10.0.0.1/8' });
  t.same(o, { backends: { logs: { cidrs: ['10.0.0.1/8'] } } });
  applyEdit(o, { kind: 'huge-list', path: 'components.manager.extraIngress', value: 65 });
  t.equal(((o.components as any).manager.extraIngress as unknown[]).length, 65);
  t.notOk('to' in (o.components as any).manager.extraIngress[0], 'ingress rules hold `from` only');
  const rule = { to: [{ namespaceSelector: { matchLabels: { a: 'b' } }, podSelector: { matchLabels: { c: 'd' } } }], ports: [{ port: 80, protocol: 'TCP' }] };
  const n: Record<string, any> = { components: { otlpGateway: { extraEgress: [structuredClone(rule)] } } };
  t.ok(extraRulePaths(n).some((p) => p.join('.') === 'components.otlpGateway.extraEgress.0.ports.0.protocol'));
  applyEdit(n, { kind: 'null-in-rule', path: '', value: extraRulePaths(n).findIndex((p) => p.join('.') === 'components.otlpGateway.extraEgress.0.ports.0.protocol') });
  t.equal(n.components.otlpGateway.extraEgress[0].ports[0].protocol, null, 'a null on a field of an existing extra rule');
  applyEdit(n, { kind: 'wildcard-selector', path: '', value: { path: 'components.otlpGateway.extraEgress', rule } });
  t.equal(n.components.otlpGateway.extraEgress.length, 2, 'a rule appended, the others kept');
});

t.test('selectors: every operator with and without values, wildcards written other ways', async (t) => {
  const samples = fc.sample(expressionArb, { seed: 3, numRuns: 400 });
  const shape = (e: any) => `${e.operator} ${'values' in e ? (e.values.length ? 'values' : 'empty') : 'none'}`;
  const shapes = new Set(samples.map(shape));
  for (const want of ['In values', 'NotIn values', 'Exists none', 'DoesNotExist none', 'In none', 'NotIn empty', 'Exists values', 'DoesNotExist empty']) t.ok(shapes.has(want), want);
  for (const w of wildcardSelectors) t.ok(matchesEverything(w), JSON.stringify(w));
  t.notOk(matchesEverything({ matchLabels: { app: 'a' } }));
  t.notOk(matchesEverything({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['x'] }, { key: 'tier', operator: 'In', values: ['web'] }] }));
  t.ok(matchesEverything({ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'Exists' }] }), 'an empty matchLabels names no value');
});

t.test('repair writes what a careful landscape writes for this design', async (t) => {
  const r = repair({
    backends: { logs: { cidrs: ['10.0.0.1/8', '2001:db8:0:0:0:0:0:1/32'] } }, zeroTrust: { enabled: true },
    apiServer: { cidrs: ['10.250.0.1/32'], ports: [6443] },
    components: { manager: { extraEgress: [{ to: [{ namespaceSelector: wildcardSelectors[0], podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }, { key: 'x', operator: 'Exists', values: ['a'] }] } }], ports: [{ port: 80 }] }] } },
  }) as any;
  t.same(r.backends.logs.cidrs, ['10.0.0.0/8', '2001:db8::/32'], 'network addresses, canonical IPv6');
  t.same(r.apiServer.cidrs, [], 'Gardener: no API server addresses');
  t.ok(r.apiServer.ports.includes(443), 'Gardener: the API server on 443');
  t.same([r.backends.metrics.ports, r.backends.traces.ports].map((p) => p.length > 0), [true, true], 'zero trust needs backend ports');
  t.notOk(r.backends.logs.ports.includes(443), 'no backend CIDR on a port open to every address (the API server on Gardener)');
  const peer = r.components.manager.extraEgress[0].to[0];
  t.notOk(matchesEverything(peer.namespaceSelector), 'a wildcard namespace selector narrowed');
  t.same(peer.podSelector.matchExpressions, [{ key: 'app', operator: 'In', values: ['a'] }, { key: 'x', operator: 'Exists' }], 'expressions as the API takes them');
  t.same(crossFieldViolations(values(r)), [], 'no cross-field rule broken');
  const managed = repair({ platform: 'kubernetes', apiServer: { cidrs: ['203.0.113.16/28'], ports: [53, 443] }, dns: { nodeLocal: true } }) as any;
  t.same(managed.apiServer, { cidrs: ['203.0.113.16/28'], ports: [443] }, 'a managed API server keeps its addresses, not the DNS port');
  for (const c of fc.sample(caseArb, { seed: 11, numRuns: 300 }).filter((x) => x.kind === 'plausible')) {
    const v = values(repair(c.override as never));
    t.same(crossFieldViolations(v).map((x) => x.key), [], 'repaired plausible values break no cross-field rule');
  }
});

t.test('the chart must reject exactly host-bit and non-canonical CIDRs, wildcard selectors and the cross-field rules, naming each key', async (t) => {
  t.ok(hasHostBits('10.0.0.1/24'));
  t.notOk(hasHostBits('10.0.0.0/24'));
  t.ok(hasHostBits('2001:db8::1/64'));
  t.notOk(hasHostBits('2001:db8::/64'));
  t.ok(nonCanonical('2001:db8:0:0:0:0:0:0/96'));
  t.notOk(nonCanonical('2001:db8::/96'));
  t.notOk(nonCanonical('10.0.0.0/8'));
  const v = values({
    webhooks: { callers: { cidrs: ['10.0.0.1/24'] } }, zeroTrust: { enabled: true },
    components: { manager: { extraEgress: [{ to: [{ ipBlock: { cidr: '10.1.1.1/16' } }, { namespaceSelector: wildcardSelectors[0], podSelector: { matchLabels: { a: 'b' } } }], ports: [{ port: 1 }] }] } },
  });
  t.same(chartRejectionKeys(v).sort(), ['backends.logs.ports', 'backends.metrics.ports', 'backends.traces.ports',
    'components.manager.extraEgress[0].to[0].ipBlock.cidr', 'components.manager.extraEgress[0].to[1].namespaceSelector', 'webhooks.callers.cidrs[0]']);
  t.same(chartRejectionKeys(values({})), []);
  const hostBits = values({ webhooks: { callers: { cidrs: ['10.0.0.1/24'] } } });
  t.same(chartVerdictProblems(hostBits, "webhooks.callers.cidrs[0]: '10.0.0.1/24' has host bits set"), [], 'a per-key rejection alone is no rejection the model disputes');
  t.match(chartVerdictProblems(hostBits, 'something'), [/does not name webhooks.callers.cidrs\[0\]/]);
  t.match(chartVerdictProblems(hostBits, undefined), [/accepts values that break its per-key checks/]);
  t.match(chartVerdictProblems(values({}), 'x'), [/rejects values the model accepts/]);
  t.match(chartVerdictProblems(values({ zeroTrust: { enabled: true } }), undefined), [/accepts values that break zero-trust-backend-ports/]);
  t.match(chartVerdictProblems(values({}), 'panic: boom'), [/crashed/]);
  t.same(chartVerdictProblems(values({}), undefined), []);
});

t.test('extra rules may only add themselves; the contract sees the values without them', async (t) => {
  const extra = { to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 5000, protocol: 'TCP' }] };
  const v = values({ components: { manager: { extraEgress: [extra] } } });
  t.same(withoutExtraRules(v).components.manager.extraEgress, []);
  const policy = (egress: unknown[], name = 'kyma-project.io--telemetry-netpol-manager') =>
    [`kind: NetworkPolicy\nmetadata: {name: ${name}}\nspec: ${JSON.stringify({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress })}`];
  const base = [{ to: [{ podSelector: {} }] }];
  t.same(extraRulesProblems(policy([...base, extra]), policy(base), v), []);
  t.match(extraRulesProblems(policy([extra, ...base]), policy(base), v), [/last egress rules are not components.manager.extraEgress/, /change more than their own rules/]);
  const renamed = values({ fullnameOverride: 'netpol', components: { manager: { extraEgress: [extra] } } });
  t.same(extraRulesProblems(policy([...base, extra], 'kyma-project.io--netpol-manager'), policy(base, 'kyma-project.io--netpol-manager'), renamed), [], 'the policy named with the fullname');
  t.match(extraRulesProblems(policy(base, 'other'), policy(base, 'other'), v), [/not rendered, so components.manager's extra rules are lost/]);
});

t.test('the allow-all scan finds the classic traps and leaves the deliberate every-address rules to the lint', async (t) => {
  const doc = (spec: object) => `kind: NetworkPolicy\nmetadata: {name: p}\nspec: ${JSON.stringify(spec)}\n`;
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 1 }] }], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })), []);
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}, { ports: [{ port: 443 }] }] })), [], 'a rule without peers is the chart\'s way to write an every-address exception');
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [], ports: [{ port: 1 }] }] })), ['p egress[0]: an empty to admits every peer']);
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [] }] })), ['p ingress[0]: an empty ports list admits every port']);
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress'], egress: [{ to: [{}] }] })), ['p: egress rules without Egress in policyTypes (ignored)', 'p egress[0].to[0]: an empty peer']);
  t.same(allowAllFindings(doc({ policyTypes: ['Ingress'], ingress: [5] })), ['p: no podSelector', 'p ingress[0]: not a rule']);
  t.match(allowAllFindings('a: [1'), [/not YAML/]);
});

t.test('helpers: deterministic samples, failure causes, values files that are not maps', async (t) => {
  t.same(sampleEvery([1, 2, 3], 5), [1, 2, 3]);
  t.same(sampleEvery([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5), [0, 2, 4, 6, 8]);
  t.equal(causeOf(['helm v4.1.4: NetworkPolicy kyma-project.io--netpol-dns: spec.egress[1].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/08"']),
    'NetworkPolicy POLICY: spec.egress[N].to[N].ipBlock.cidr: Invalid value: "…"');
  t.match(prepare('- a list').yamlError, /expected a map of values at the top level/);
  t.match(prepare('a: [1').yamlError, /not YAML/);
  t.ok(prepare('').schema.valid, 'an empty file is the defaults');
});

t.test('one case end to end with the real helm: facts, rejection naming the key, accepted and proven', async (t) => {
  const session = await FuzzSession.open();
  t.teardown(() => session.close());
  t.same(await checkValuesText('# facts: {"istioApi": true}\nistio: {enabled: auto}\n', session), [], 'istio auto with an Istio API: sidecar flows, proven');
  t.same(await checkValuesText('platform: kubernetes\ngateways: {layout: perSignal}\ndns: {nodeLocal: false}\n', session), []);
  const wildcard = 'components:\n  otlpGateway:\n    extraIngress:\n      - from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: Exists}]}, podSelector: {matchLabels: {app: a}}}]\n        ports: [{port: 4317}]\n';
  t.same(await checkValuesText(wildcard, session), [], 'a wildcard namespace selector: rejected by the chart, naming it');
  const problems = await checkValuesText('istio: {enabled: maybe}\n', session);
  t.same(problems, [], 'a schema rejection names istio.enabled on both versions');
});

t.test('known open findings: a cause on the problems, a when on the values text', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'known-'));
  writeFileSync(join(dir, 'a.yaml'), '# open: a\n# cause: flow x is denied\n# when: vpn-shoot\nk: 1\n');
  writeFileSync(join(dir, 'b.yaml'), '# holds: b\n# cause: anything\n');
  writeFileSync(join(dir, 'c.yaml'), '# open: c, without a cause line\n');
  const known = knownFindings(dir);
  t.same(known.map((k) => k.file), ['a.yaml'], 'only open files with a cause');
  t.equal(knownFindingOf(['helm v4: flow x is denied'], known, 'app: vpn-shoot'), 'a.yaml');
  t.equal(knownFindingOf(['helm v4: flow x is denied'], known, 'app: other'), undefined, 'the when line must match the values');
  t.equal(knownFindingOf(['helm v4: flow x is denied', 'something else'], known, 'vpn-shoot'), undefined, 'every problem must be an instance');
});

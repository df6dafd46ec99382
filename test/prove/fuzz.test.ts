// The pieces of `make fuzz`: key normalization across Helm 3, Helm 4 and the chart, ajv's keys, the YAML
// texts (anchors and flow style read back as written), host bits, the chart rejection keys, the extra-rule
// check, and the structural allow-all scan.
import t from 'tap';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { defaultValues, mergeValues, type Values } from '../../tools/model/index.ts';
import { allowAllFindings } from '../../tools/prove/allow-all.ts';
import { applyEdit, caseArb, repair, splitPath } from '../../tools/prove/fuzz/generate.ts';
import { causeOf, sampleEvery } from '../../tools/prove/fuzz/run.ts';
import { checkSchema, crashIn, namedKey } from '../../tools/prove/fuzz/schema.ts';
import { normalizeKeyPaths } from '../../tools/render/render.ts';
import { chartRejectionKeys, chartVerdictProblems, extraRulesProblems, hasHostBits, prepare, withoutExtraRules } from '../../tools/prove/fuzz/verdict.ts';
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
  const item = checkSchema(values({ dns: { cidrs: ['10.0.0.0/33'] } }));
  t.ok(item.keys.includes('dns.cidrs.0') && item.keys.includes('dns.cidrs'));
  t.ok(checkSchema(defaultValues()).valid);
});

t.test('the YAML text of every generated case reads back as the values it was made from', async (t) => {
  for (const c of fc.sample(caseArb, { seed: 7, numRuns: 150 })) {
    const text = yamlText(c.override, c.style);
    t.same(JSON.parse(JSON.stringify(load(text, { maxDepth: 1000 } as never))), JSON.parse(JSON.stringify(c.override)), `${c.kind} ${c.style}`);
  }
  const anchored = yamlText({ dns: { cidrs: ['10.0.0.0/8'] }, apiServer: { cidrs: ['10.0.0.0/8'] } }, 'anchors');
  t.match(anchored, /"dns": &a1 \{"cidrs": &a2 \["10\.0\.0\.0\/8"\]\}/);
  t.match(anchored, /"apiServer": \*a1/);
  t.equal(yamlText({ a: { b: ['::/1'] } }, 'flow'), '{"a": {"b": ["::/1"]}}\n', 'strings quoted in flow style (helm reads ::/1 unquoted as an error)');
  t.equal(yamlText({ n: 1e21 }, 'flow'), '{"n": 1.e+21}\n', 'YAML 1.1 floats need a dot');
});

t.test('generated edits land where they say', async (t) => {
  t.same(splitPath('rma.podLabels.networking.kyma-project.io/metrics-scraping'), ['rma', 'podLabels', 'networking.kyma-project.io/metrics-scraping']);
  t.same(splitPath(''), []);
  const o: Record<string, unknown> = {};
  applyEdit(o, { kind: 'bad-cidr', path: 'backends.logs.cidrs.0', value: '10.0.0.1/8' });
  t.same(o, { backends: { logs: { cidrs: ['10.0.0.1/8'] } } });
  applyEdit(o, { kind: 'huge-list', path: 'components.manager.extraIngress', value: 65 });
  t.equal(((o.components as any).manager.extraIngress as unknown[]).length, 65);
  t.notOk('to' in (o.components as any).manager.extraIngress[0], 'ingress rules hold `from` only');
  const r = repair({ backends: { logs: { cidrs: ['10.0.0.1/8', '2001:db8::1/32'] } }, zeroTrust: { enabled: true } }) as any;
  t.same(r.backends.logs.cidrs, ['10.0.0.0/8', '2001:db8::/32']);
  t.same(r.apiServer.cidrs, ['10.250.0.1/32'], 'restricted backends need the API server narrowed');
  t.same([r.backends.metrics.ports, r.backends.traces.ports], [[443], [443]], 'zero trust needs backend ports');
});

t.test('the chart must reject exactly host-bit CIDRs and the cross-field rules, naming each key', async (t) => {
  t.ok(hasHostBits('10.0.0.1/24'));
  t.notOk(hasHostBits('10.0.0.0/24'));
  t.ok(hasHostBits('2001:db8::1/64'));
  t.notOk(hasHostBits('2001:db8::/64'));
  const v = values({ dns: { cidrs: ['10.0.0.1/24'] }, zeroTrust: { enabled: true }, components: { manager: { extraEgress: [{ to: [{ ipBlock: { cidr: '10.1.1.1/16' } }], ports: [{ port: 1 }] }] } } });
  t.same(chartRejectionKeys(v).sort(), ['backends.logs.ports', 'backends.metrics.ports', 'backends.traces.ports', 'components.manager.extraEgress[0].to[0].ipBlock.cidr', 'dns.cidrs[0]']);
  t.same(chartRejectionKeys(values({})), []);
  t.same(chartVerdictProblems(['dns.cidrs[0]'], 'v4', "invalid values:\ndns.cidrs[0]: '10.0.0.1/24' has host bits set"), []);
  t.match(chartVerdictProblems(['dns.cidrs[0]'], 'v4', 'invalid values:\nsomething'), [/does not name dns.cidrs\[0\]/]);
  t.match(chartVerdictProblems([], 'v4', 'x'), [/rejects values that break no rule/]);
  t.match(chartVerdictProblems(['a.b'], 'v4', undefined), [/accepts values that break its rules/]);
  t.same(chartVerdictProblems([], 'v4', undefined), []);
});

t.test('extra rules may only add themselves; the contract sees the values without them', async (t) => {
  const extra = { to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 5000, protocol: 'TCP' }] };
  const v = values({ components: { manager: { extraEgress: [extra] } } });
  t.same(withoutExtraRules(v).components.manager.extraEgress, []);
  const policy = (egress: unknown[]) => `---\nkind: NetworkPolicy\nmetadata: {name: kyma-project.io--telemetry-manager}\nspec: ${JSON.stringify({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress })}\n`;
  const base = [{ to: [{ podSelector: {} }] }];
  t.same(extraRulesProblems(policy([...base, extra]), policy(base), v), []);
  t.match(extraRulesProblems(policy([extra, ...base]), policy(base), v), [/last egress rules are not components.manager.extraEgress/, /change more than their own rules/]);
});

t.test('the allow-all scan finds the classic traps', async (t) => {
  const doc = (spec: object) => `kind: NetworkPolicy\nmetadata: {name: p}\nspec: ${JSON.stringify(spec)}\n`;
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 1 }] }], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })), []);
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}] })), ['p egress[0]: an empty rule admits every peer on every port']);
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [], ports: [{ port: 1 }] }] })), ['p egress[0]: an empty to admits every peer']);
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [] }] })), ['p ingress[0]: no from, so every peer is admitted', 'p ingress[0]: an empty ports list admits every port']);
  t.same(allowAllFindings(doc({ podSelector: {}, policyTypes: ['Ingress'], egress: [{ to: [{}] }] })), ['p: egress rules without Egress in policyTypes (ignored)', 'p egress[0].to[0]: an empty peer']);
  t.match(allowAllFindings('a: [1'), [/not YAML/]);
});

t.test('helpers: deterministic samples, failure causes, values files that are not maps', async (t) => {
  t.same(sampleEvery([1, 2, 3], 5), [1, 2, 3]);
  t.same(sampleEvery([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5), [0, 2, 4, 6, 8]);
  t.equal(causeOf(['helm v4.1.4: NetworkPolicy kyma-project.io--telemetry-dns: spec.egress[1].to[0].ipBlock.cidr: Invalid value: "2001:db8:0:0:0:0:0:0/96"']),
    'NetworkPolicy POLICY: spec.egress[N].to[N].ipBlock.cidr: Invalid value: "…"');
  t.match(prepare('- a list').yamlError, /expected a map of values at the top level/);
  t.match(prepare('a: [1').yamlError, /not YAML/);
  t.ok(prepare('').schema.valid, 'an empty file is the defaults');
});

// tools/validate behaviour the other tests left unasserted (found by StrykerJS survivors): the strict schema
// check in process (schema.test.ts is left out of the Stryker run, see tools/prove/stryker/validate-tests.ts),
// field paths and error texts as the API server prints them, document splitting, CIDR rules, selector
// semantics and the invariants.
import t from 'tap';
import { isAnyAddress, isStrictSubset, parseCidr } from '../../../tools/validate/cidr.ts';
import { parseDocuments } from '../../../tools/yaml/documents.ts';
import { validateDocuments, validateResource } from '../../../tools/validate/index.ts';
import {
  duplicateNameFindings, effectivePolicyTypes, ipFamilyTwinFindings, isolationFindings, selectorMatches,
} from '../../../tools/validate/invariants.ts';
import { apiText, cliText, formatFieldError, invariantText, schemaText, supportedValues } from '../../../tools/validate/messages.ts';
import { fieldPath, validateSchema } from '../../../tools/validate/schema/validator.ts';
import type { NetworkPolicy } from '../../../tools/validate/types.ts';

const netpol = (spec: Record<string, unknown>, name = 'p', namespace = 'n'): NetworkPolicy =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec }) as NetworkPolicy;
const errorsOf = (resource: unknown) => {
  const r = validateSchema(resource);
  return r.status === 'invalid' ? r.errors.map(formatFieldError) : [r.status];
};

t.test('validateSchema: what is not a resource is an error, an unknown kind is skipped', async (t) => {
  t.same(validateSchema(null), { status: 'error', message: 'document is not an object' });
  t.same(validateSchema([]), { status: 'error', message: 'document is not an object' });
  t.same(validateSchema('x'), { status: 'error', message: 'document is not an object' });
  t.same(validateSchema({ apiVersion: 'v1' }), { status: 'error', message: "missing 'kind' key" });
  t.same(validateSchema({ apiVersion: 'v1', kind: '' }), { status: 'error', message: "missing 'kind' key" });
  t.same(validateSchema({ kind: 'Pod' }), { status: 'error', message: "missing 'apiVersion' key" });
  t.same(validateSchema({ kind: 'Pod', apiVersion: '' }), { status: 'error', message: "missing 'apiVersion' key" });
  t.same(validateSchema({ kind: 'Widget', apiVersion: 'example.com/v1' }), { status: 'skipped' });
  t.same(errorsOf({ kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1beta1', metadata: { name: 'x' } }),
    ['apiVersion: Unsupported value: "networking.k8s.io/v1beta1": supported values: "networking.k8s.io/v1"']);
  t.same(validateSchema(netpol({ podSelector: {} })), { status: 'valid' });
});

t.test('validateSchema: errors carry API-server paths and texts', async (t) => {
  t.same(errorsOf(netpol({ podSelector: {}, bogus: 1 })), ['spec.bogus: Unknown field']);
  t.same(errorsOf(netpol({ podSelector: {}, ingress: [{ from: [{ ipBlock: {} }] }] })), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
  t.same(errorsOf(netpol({ podSelector: {}, policyTypes: 'Ingress' })), ['spec.policyTypes: Invalid type: "Ingress": must be array or null']);
  t.same(errorsOf(netpol({ podSelector: { matchLabels: { 'a/b': 1 } } })), ['spec.podSelector.matchLabels[a/b]: Invalid type: 1: must be string']);
  const enumError = errorsOf(netpol({ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] }));
  t.equal(enumError.length, 1);
  t.match(enumError[0], /^spec\.ingress\[0\]\.ports\[0\]\.protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"$/);
  t.same(errorsOf(netpol({ podSelector: {}, ingress: [{ ports: [{ protocol: 5 }] }] })), ['spec.ingress[0].ports[0].protocol: Invalid type: 5: must be string or null'],
    'a type error is not repeated as an enum error');
  const port = errorsOf(netpol({ podSelector: {}, ingress: [{ ports: [{ port: 1.5 }] }] }));
  t.ok(port.length >= 1 && port.every((e) => e.startsWith('spec.ingress[0].ports[0].port: ')), port.join('; '));
});

t.test('fieldPath writes JSON pointers as the API server does', async (t) => {
  const resource = { spec: { ingress: [{ from: [{}] }] }, metadata: { labels: { 'a/b~c': 'x', plain_key: 'y' } } };
  t.equal(fieldPath(resource, ''), '');
  t.equal(fieldPath(resource, '', 'spec'), 'spec');
  t.equal(fieldPath(resource, '/spec/ingress/0/from'), 'spec.ingress[0].from');
  t.equal(fieldPath(resource, '/spec/ingress/0', 'from'), 'spec.ingress[0].from');
  t.equal(fieldPath(resource, '/metadata/labels/a~1b~0c'), 'metadata.labels[a/b~c]');
  t.equal(fieldPath(resource, '/metadata/labels/plain_key'), 'metadata.labels.plain_key');
  t.equal(fieldPath(resource, '/metadata/labels/9lives'), 'metadata.labels[9lives]');
});

t.test('field errors print their value the way the API server does', async (t) => {
  t.equal(formatFieldError({ path: 'a', type: 'Invalid value', value: 'x', detail: 'd' }), 'a: Invalid value: "x": d');
  t.equal(formatFieldError({ path: 'a', type: 'Invalid value', value: null }), 'a: Invalid value: null');
  t.equal(formatFieldError({ path: 'a', type: 'Invalid value', value: { k: [1] } }), 'a: Invalid value: {"k":[1]}');
  t.equal(formatFieldError({ path: 'a', type: 'Invalid value', value: 3 }), 'a: Invalid value: 3');
  t.equal(formatFieldError({ path: 'a', type: 'Invalid value' }), 'a: Invalid value');
  t.equal(formatFieldError({ path: 'a', type: 'Required value', value: 'hidden' }), 'a: Required value');
  t.equal(formatFieldError({ path: 'a', type: 'Forbidden', value: 'hidden', detail: 'why' }), 'a: Forbidden: why');
  t.equal(formatFieldError({ path: 'a', type: 'Unknown field', value: 1 }), 'a: Unknown field');
  t.equal(supportedValues(['TCP', 1, null]), 'supported values: "TCP", 1, null');
  t.equal(schemaText.mustBe(['string', 'null']), 'must be string or null');
  t.equal(schemaText.mustBe('array'), 'must be array');
  t.equal(schemaText.format('int32'), 'must match format "int32"');
  t.equal(schemaText.noSchema('v1', 'Pod'), 'no schema for v1/Pod');
  t.equal(schemaText.yamlError('bad'), 'error unmarshalling resource: bad');
  t.equal(apiText.maxLength(63), 'must be no more than 63 characters');
  t.match(apiText.dns1123Label, /^a lowercase RFC 1123 label .* \(e\.g\. 'my-name',  or '123-abc', regex used for validation is '\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?'\)$/);
  t.match(apiText.qualifiedName, /with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  t.equal(apiText.prefixPart('x'), 'prefix part x');
  t.equal(apiText.namePart('x'), 'name part x');
});

t.test('the validate CLI texts: counts with singular and plural, file and resource named', async (t) => {
  t.equal(cliText.summary(1, 1, 1, 0, 0, 0), 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0');
  t.equal(cliText.summary(2, 3, 0, 1, 0, 1), 'Summary: 2 resources found in 3 files - Valid: 0, Invalid: 1, Errors: 0, Skipped: 1');
  t.equal(cliText.summaryStdin(1, 0, 0, 1, 0), 'Summary: 1 resource found parsing stdin - Valid: 0, Invalid: 0, Errors: 1, Skipped: 0');
  t.equal(cliText.summaryStdin(0, 0, 0, 0, 0), 'Summary: 0 resources found parsing stdin - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0');
  t.equal(cliText.failed('f', 'Pod', 'p', 'e'), 'f - Pod p failed validation: e');
  t.equal(cliText.failed('f', '', '', 'e'), 'f - failed validation: e');
  t.equal(cliText.failed('f', 'Pod', '', 'e'), 'f - failed validation: e');
  t.equal(cliText.invalid('f', 'Pod', 'p', 'x'), 'f - Pod p is invalid: x');
  t.equal(cliText.valid('f', 'Pod', 'p'), 'f - Pod p is valid');
  t.equal(cliText.skipped('f', 'Pod', 'p'), 'f - Pod p skipped');
  t.equal(cliText.missingFile('f'), 'cannot read f: no such file');
  t.equal(cliText.unreadableFile('f', 'r'), 'cannot read f: r');
  t.same(cliText.readProblems, { EISDIR: 'is a directory', EACCES: 'permission denied', EPERM: 'permission denied' });
  t.equal(invariantText.missingTwin('0.0.0.0/0', '::/0'), '0.0.0.0/0 without its ::/0 twin in the same peer list');
});

t.test('parseDocuments splits on separator lines only, skips empty documents, keeps parse errors in place', async (t) => {
  const docs = parseDocuments([
    '# leading comment only', '---', 'a: 1', '--- # with a comment', '~', '---', 'b: "--- not a separator"', '---\t', '  # indented comment', '',
    '---', 'c: [1', '---', 'd: 4',
  ].join('\n'));
  t.same(docs.map((d) => d.index), [0, 1, 2, 3]);
  t.same(docs.map((d) => d.line), [2, 6, 11, 13], 'each document knows the line it starts on: its --- line');
  t.same(docs[0].resource, { a: 1 });
  t.same(docs[1].resource, { b: '--- not a separator' });
  t.equal(docs[2].resource, undefined);
  t.notMatch(docs[2].error!, /\n/);
  t.same(docs[3].resource, { d: 4 });
  t.same(parseDocuments(''), []);
  t.same(parseDocuments('a: 1\n---x: 2'), [{ index: 0, line: 1, resource: { a: 1, '---x': 2 } }], 'a separator is a whole line');
  const results = validateDocuments('kind: NetworkPolicy\n---\nfoo: [\n---\n- 1');
  t.same(results.map((r) => [r.index, r.status]), [[0, 'error'], [1, 'error'], [2, 'error']]);
  t.match(results[1].message!, /^error unmarshalling resource: /);
  t.same(validateResource(netpol({ podSelector: {} }), 7).index, 7);
  t.same(validateResource({ kind: 'Widget', apiVersion: 'x/v1', metadata: { name: 'w' } }).status, 'skipped');
  t.same(validateResource({ kind: 'Widget', apiVersion: 'x/v1', metadata: { name: 'w' } }).name, 'w');
});

t.test('parseCidr: the API server rules, in the order it reports them', async (t) => {
  const problems = (c: string) => parseCidr(c).problems;
  t.same(problems('10.0.0.0/8'), []);
  t.same(problems('2001:db8::/32'), []);
  t.same(problems('10.0.0.0'), [apiText.cidrInvalid]);
  t.same(problems('10.0.0.0/'), [apiText.cidrInvalid]);
  t.same(problems('10.0.0.0/1234'), [apiText.cidrInvalid]);
  t.same(problems('10.0.0.0/33'), [apiText.cidrInvalid]);
  t.same(problems('2001:db8::/129'), [apiText.cidrInvalid]);
  t.same(problems('256.0.0.0/8'), [apiText.cidrInvalid]);
  t.same(problems('fe80::1%eth0/64'), [apiText.cidrInvalid]);
  t.same(problems('host/8'), [apiText.cidrInvalid]);
  t.same(problems('010.0.0.0/8'), [apiText.cidrLeadingZeros]);
  t.same(problems('10.0.0.0/08'), [apiText.cidrLeadingZeros]);
  t.same(problems('10.0.0.0/0'), [apiText.cidrHostBits]);
  t.same(problems('::ffff:10.0.0.0/104'), [apiText.cidrIPv4Mapped]);
  t.same(problems('10.0.0.1/24'), [apiText.cidrHostBits]);
  t.same(problems('10.0.1.0/23'), [apiText.cidrHostBits]);
  t.same(problems('10.0.2.0/23'), []);
  t.same(problems('2001:db8::1/64'), [apiText.cidrHostBits]);
  // non-canonical IPv6 text is valid for the API server (it only warns); the chart asks for canonical form itself
  t.same(problems('2001:db8:0:0:0:0:0:0/96'), []);
  t.same(problems('2001:DB8::/32'), []);
  t.same(parseCidr('10.1.0.0/16').cidr?.family, 'ipv4');
  t.same(parseCidr('10.1.0.0/16').cidr?.prefix, 16);
  const c = (text: string) => parseCidr(text).cidr!;
  t.ok(isStrictSubset(c('10.1.0.0/16'), c('10.0.0.0/8')));
  t.notOk(isStrictSubset(c('10.0.0.0/8'), c('10.0.0.0/8')), 'equal is not strict');
  t.notOk(isStrictSubset(c('11.0.0.0/16'), c('10.0.0.0/8')));
  t.notOk(isStrictSubset(c('10.0.0.0/4'), c('10.0.0.0/8')), 'larger is not inside');
  t.notOk(isStrictSubset(c('2001:db8::/48'), c('10.0.0.0/8')), 'another family');
  t.ok(isStrictSubset(c('2001:db8:1::/48'), c('2001:db8::/32')));
  t.equal(isAnyAddress('0.0.0.0/0'), 'ipv4');
  t.equal(isAnyAddress('::/0'), 'ipv6');
  t.equal(isAnyAddress('0:0::/0'), 'ipv6');
  t.equal(isAnyAddress('10.0.0.0/8'), undefined);
  t.equal(isAnyAddress('nonsense'), undefined);
});

t.test('selectors and policyTypes as the API defines them', async (t) => {
  const labels = { app: 'x', tier: 'web' };
  t.ok(selectorMatches(undefined, labels));
  t.ok(selectorMatches({}, labels));
  t.ok(selectorMatches({ matchLabels: { app: 'x' } }, labels));
  t.notOk(selectorMatches({ matchLabels: { app: 'y' } }, labels));
  t.notOk(selectorMatches({ matchLabels: { missing: '' } }, labels));
  const expr = (operator: string, key: string, values?: string[]) => selectorMatches({ matchExpressions: [{ key, operator, values }] } as never, labels);
  t.same([expr('In', 'app', ['x', 'z']), expr('In', 'app', ['z']), expr('In', 'nope', ['x'])], [true, false, false]);
  t.same([expr('NotIn', 'app', ['z']), expr('NotIn', 'app', ['x']), expr('NotIn', 'nope', ['x'])], [true, false, true]);
  t.same([expr('Exists', 'app'), expr('Exists', 'nope')], [true, false]);
  t.same([expr('DoesNotExist', 'app'), expr('DoesNotExist', 'nope')], [false, true]);
  t.notOk(expr('Near', 'app', ['x']), 'an unknown operator matches nothing');
  t.notOk(expr('In', 'app'), 'In without values matches nothing');
  t.same([...effectivePolicyTypes(netpol({}))], ['Ingress']);
  t.same([...effectivePolicyTypes(netpol({ egress: [] }))], ['Ingress']);
  t.same([...effectivePolicyTypes(netpol({ egress: [{}] }))], ['Ingress', 'Egress']);
  t.same([...effectivePolicyTypes(netpol({ policyTypes: [], egress: [{}] }))], ['Ingress', 'Egress']);
  t.same([...effectivePolicyTypes(netpol({ policyTypes: ['Egress'] }))], ['Egress']);
});

t.test('invariants: isolation per direction, unique names per namespace, IPv4 and IPv6 twins', async (t) => {
  const workloads = [{ name: 'a', labels: { app: 'a' } }, { name: 'b', labels: { app: 'b' } }];
  const found = isolationFindings([
    netpol({ podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress', 'Egress'] }, 'pa'),
    netpol({ podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Egress'] }, 'pb'),
  ], workloads);
  t.same(found, [{ invariant: 'ingress-isolated', workload: 'b', message: invariantText.notSelected('b', 'Ingress') }]);
  t.equal(found[0].message, 'workload b is not selected by any policy with Ingress in its effective policyTypes');
  t.same(isolationFindings([], [workloads[0]]).map((f) => f.invariant), ['ingress-isolated', 'egress-isolated']);
  t.same(duplicateNameFindings([netpol({}, 'x', 'n1'), netpol({}, 'x', 'n2'), netpol({}, 'x', 'n1')]), [
    { invariant: 'unique-name', policy: 'x', path: 'metadata.name', message: 'policy name x is used twice in namespace n1' },
  ]);
  const twins = ipFamilyTwinFindings(netpol({
    podSelector: {},
    egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] }],
    ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }] }],
  }, 'tw'));
  t.same(twins.map((f) => [f.invariant, f.policy, f.path, f.message]), [
    ['ip-family-twin', 'tw', 'spec.ingress[0].from[0].ipBlock.cidr', invariantText.missingTwin('::/0', '0.0.0.0/0')],
    ['ip-family-twin', 'tw', 'spec.egress[0].to[0].ipBlock.cidr', invariantText.missingTwin('0.0.0.0/0', '::/0')],
  ]);
});

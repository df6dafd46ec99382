// parseDocuments, the project's YAML reader: documents with their lines, a broken document reported on its own
// (a duplicate key by its key path), and scalars resolved as Kubernetes' Go reader resolves them.
import t from 'tap';
import { type Document, parseDocuments } from '../../tools/yaml/documents.ts';

const lines = (...text: string[]) => `${text.join('\n')}\n`;

t.test('a duplicate key is named by its key path and both lines', async (t) => {
  const text = lines(
    'apiVersion: v1', //                      1
    'kind: ConfigMap', //                     2
    '---', //                                 3
    '# Source: chart/templates/a.yaml', //    4
    'apiVersion: networking.k8s.io/v1', //    5
    'kind: NetworkPolicy', //                 6
    'spec:', //                               7
    '  ingress:', //                          8
    '    - ports: [{port: 443}]', //          9
    '      from: []', //                      10
    '      ports: [{port: 80}]', //           11
    '---', //                                 12
    'metadata: {labels: {a: 1, "a": 2}}', //  13
  );
  const documents = parseDocuments(text);
  t.same(documents.map((d) => [d.index, d.line, d.error ?? 'ok']), [
    [0, 1, 'ok'],
    [1, 3, 'line 11: duplicate key spec.ingress[0].ports (already defined at line 9)'],
    [2, 12, 'line 13: duplicate key metadata.labels.a (already defined at line 13)'],
  ]);
  t.equal(documents[1].resource, undefined);
  const [keys] = parseDocuments('x:\n  1: a\n  "1": b\n');
  t.equal(keys.error, 'line 3: duplicate key x[1] (already defined at line 2)', '1 and "1" are one key of a JSON object');
});

t.test('a broken document is an error of its own; the documents around it are read, lines count in the stream', async (t) => {
  const text = lines(
    'a: 1', //                  1
    '---', //                   2
    'b: "no closing quote', //  3
    '---', //                   4
    'c: [1, 2', //              5
    '---', //                   6
    'd:', //                    7
    '\t- tab', //               8
    '--- # last', //            9
    'e: 5', //                  10
  );
  const documents = parseDocuments(text);
  t.same(documents.map((d: Document) => d.resource ?? d.error), [
    { a: 1 },
    'line 3, column 21: Missing closing "quote',
    'line 5, column 9: Flow sequence in block collection must be sufficiently indented and end with a ]',
    'line 8, column 1: Tabs are not allowed as indentation',
    { e: 5 },
  ]);
  t.same(documents.map((d) => d.line), [1, 2, 4, 6, 9]);
  t.same(documents.map((d) => d.index), [0, 1, 2, 3, 4]);
});

t.test('empty documents are left out; separators are whole lines', async (t) => {
  const documents = parseDocuments(lines('# only a comment', '---', '---', '~', '--- # comment', 'a: 1', '---x: 2', 'b: "--- not a separator"'));
  t.same(documents, [{ index: 0, line: 5, resource: { a: 1, '---x': 2, b: '--- not a separator' } }]);
  t.same(parseDocuments(''), []);
  t.same(parseDocuments('a: 1\r\n---\r\nb: 2\r\n').map((d) => [d.line, d.resource]), [[1, { a: 1 }], [2, { b: 2 }]], 'CRLF');
  t.same(parseDocuments('{\n\t"kind": "List",\n\t"items": [{"a": 1}]\n}\n').map((d) => d.resource), [{ kind: 'List', items: [{ a: 1 }] }], 'JSON');
});

t.test('aliases: a missing anchor and an alias inside its own anchor are errors, not crashes', async (t) => {
  t.same(parseDocuments('a: &x {k: v}\nb: *x\n')[0].resource, { a: { k: 'v' }, b: { k: 'v' } });
  t.same(parseDocuments('a: *nope\n---\nb: 1\n').map((d) => d.error ?? d.resource), [
    'line 1: Unresolved alias (the anchor must be set before the alias): nope',
    { b: 1 },
  ]);
  t.equal(parseDocuments('a: 1\nb: &x [1, [*x]]\n')[0].error, 'line 2, column 12: an alias refers to a node that contains it');
});

// The scalars manifests and values files rely on, as go.yaml.in/yaml/v2 (through sigs.k8s.io/yaml: kubectl, Helm,
// the API server) decodes them, written by hand from its resolve.go: the resolveMapList table (YAML 1.1
// booleans, nulls, .inf/.nan), strconv.ParseInt(s, 0, 64) after dropping underscores, ParseUint, yamlStyleFloat
// (an exponent needs its sign), and timestamps kept as strings when decoded into an interface (decode.go).
const scalars: Array<[string, unknown]> = [
  ['on', true], ['off', false], ['yes', true], ['no', false], ['y', true], ['n', false], ['Yes', true], ['OFF', false], // YAML 1.1 booleans
  ['true', true], ['True', true], ['TRUE', true], ['false', false], ['tRUE', 'tRUE'], ['yES', 'yES'],
  ['null', null], ['Null', null], ['~', null], ['', null], ['NULL', null], ['nULL', 'nULL'],
  ['0777', 511], ['012', 10], ['0o777', 511], ['0x1F', 31], ['-0x1F', -31], ['0b101', 5], ['-0', 0], ['+12', 12], // Go's integer syntax
  ['08', 8], ['09.5', 9.5], // no octal, but a float by yamlStyleFloat
  ['1_000', 1000], ['0x_1F', 31], ['190:20:30', '190:20:30'], // underscores dropped; no sexagesimal
  ['1e3', '1e3'], ['1e+3', 1000], ['1.5', 1.5], ['.5', 0.5], ['-.5', -0.5], ['1.', '1.'], ['1e+400', '1e+400'],
  ['.inf', Infinity], ['-.Inf', -Infinity], ['+.INF', Infinity], ['.nan', NaN], ['.Nan', '.Nan'],
  ['12345678901234567890', 12345678901234567890], ['-9223372036854775809', -9223372036854775809], // ParseUint, then a float
  ['2001-12-14', '2001-12-14'], ['2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z'], // timestamps stay strings
  ['"443"', '443'], ["'0777'", '0777'], ["'yes'", 'yes'], ['!!str 80', '80'], ['!!int "12"', 12], ['!!bool "on"', true],
  ['10.0.0.0/8', '10.0.0.0/8'], ['::/0', '::/0'], ['8080/TCP', '8080/TCP'], ['+', '+'], ['.', '.'], ['-x', '-x'],
];

t.test('scalars resolve as go.yaml.in/yaml/v2 resolves them', async (t) => {
  for (const [source, expected] of scalars) {
    const [document] = parseDocuments(`v: ${source}\n`);
    const value = (document.resource as { v: unknown }).v;
    t.ok(Object.is(value, expected), `${source} → ${String(value)}, expected ${String(expected)}`);
  }
  t.same(parseDocuments('%YAML 1.1\n---\na: on\nb: 0777\n')[0].resource, { a: true, b: 511 }, 'under any directive');
  t.same(parseDocuments('base: &b {a: 1, c: 1}\nx:\n  <<: *b\n  c: 2\n')[0].resource, { base: { a: 1, c: 1 }, x: { a: 1, c: 2 } }, '<< merges, the map\'s own keys win');
  t.same(parseDocuments('yes: 1\n0x10: a\n1.5: b\n')[0].resource, { true: 1, 16: 'a', '1.5': 'b' }, 'a boolean or number key becomes its text');
  for (const [tagged, expected] of [['!custom x', 'x'], ['!!timestamp 2001-12-14', '2001-12-14'], ['!!set {a}', { a: null }]] as const) {
    t.same(parseDocuments(`v: ${tagged}\n`)[0].resource, { v: expected }, `${tagged}: a tag Go does not know leaves the node as if untagged`);
  }
});

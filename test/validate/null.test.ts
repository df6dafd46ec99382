// `null` is "unset": the API server and kubeconform accept null for every optional field and read it as
// absent. The cases come from the generated schema itself (which properties are optional), not from a list
// written here, and every layer is held to it: schema, API-server rules, hardening lint and invariants.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { checkInvariants, formatErrors, validateDocuments, validateResource, type NetworkPolicy } from '../../tools/validate/index.ts';
import { hardeningViolations } from '../../tools/validate/lint.ts';
import { schemaPath } from '../../tools/validate/schema/path.ts';
import { fieldPath, validateSchema } from '../../tools/validate/schema/validator.ts';

type Json = Record<string, any>;
type Schema = Json;

const definitions: Record<string, Schema> = JSON.parse(readFileSync(schemaPath, 'utf8')).definitions;
const root = 'V1NetworkPolicy';

/** The definition a property schema refers to, directly or as an optional reference (`if`/`then`). */
const referenced = (schema: Schema): string | undefined => (schema.then ?? schema).$ref?.split('/').pop();

/** The definitions one level down: a reference, a list of them or a map of them, with how to nest a value. */
function child(schema: Schema): { name: string; wrap: (value: unknown) => unknown } | undefined {
  const direct = referenced(schema);
  if (direct) return { name: direct, wrap: (v) => v };
  const item = schema.items && referenced(schema.items);
  if (item) return { name: item, wrap: (v) => [v] };
  const value = typeof schema.additionalProperties === 'object' ? referenced(schema.additionalProperties) : undefined;
  if (value) return { name: value, wrap: (v) => ({ key: v }) };
  return undefined;
}

/** A value the schema accepts, as small as possible: only required properties are set. */
function example(schema: Schema): unknown {
  const name = referenced(schema);
  if (name) {
    const definition = definitions[name];
    return Object.fromEntries((definition.required ?? []).map((p: string) => [p, example(definition.properties[p])]));
  }
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum.find((v: unknown) => v !== null);
  const type = [schema.type ?? 'any'].flat().find((t) => t !== 'null');
  if (schema.format === 'date-time') return '2026-11-29T00:00:00Z';
  if (schema.format === 'byte') return 'YQ==';
  return ({ string: 'x', integer: 1, number: 1, boolean: true, array: [], object: {}, any: {} } as Json)[type];
}

interface Site {
  /** where the property's object sits: the example resource built down to it, and a way to reach it */
  resource: Json;
  holder: Json;
  property: string;
  required: boolean;
}

/** Every property of every definition a NetworkPolicy can hold, each placed in a minimal valid policy. */
function sites(): Site[] {
  const found: Site[] = [];
  const seen = new Set<string>();
  // breadth first: each definition is reached by its shortest route from the root
  const queue: Array<{ name: string; build: () => { resource: Json; holder: Json } }> = [
    { name: root, build: () => { const r = example({ $ref: `#/definitions/${root}` }) as Json; return { resource: r, holder: r }; } },
  ];
  while (queue.length > 0) {
    const { name, build } = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const definition = definitions[name];
    for (const [property, schema] of Object.entries<Schema>(definition.properties)) {
      const { resource, holder } = build();
      found.push({ resource, holder, property, required: (definition.required ?? []).includes(property) });
      const next = child(schema);
      if (next) {
        queue.push({
          name: next.name,
          build: () => {
            const outer = build();
            const inner = example({ $ref: `#/definitions/${next.name}` }) as Json;
            outer.holder[property] = next.wrap(inner);
            return { resource: outer.resource, holder: inner };
          },
        });
      }
    }
  }
  return found;
}

/** The path of `holder[property]` inside `resource`, as the validator writes it. */
function pathOf(resource: Json, holder: Json, property: string): string {
  const pointer = (node: unknown, at: string): string | undefined => {
    if (node === holder) return at;
    if (node === null || typeof node !== 'object') return undefined;
    for (const [k, v] of Object.entries(node)) {
      const found = pointer(v, `${at}/${k}`);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return fieldPath(resource, pointer(resource, '')!, property);
}

t.test('schema: every optional property of a NetworkPolicy may be null, no required one may', async (t) => {
  const all = sites();
  const optional = all.filter((s) => !s.required);
  const required = all.filter((s) => s.required);
  t.ok(optional.length >= 40 && required.length >= 8, `${optional.length} optional and ${required.length} required properties walked`);
  const paths = all.map((s) => pathOf(s.resource, s.holder, s.property));
  for (const expected of ['spec.egress', 'spec.podSelector', 'spec.ingress[0].from', 'spec.ingress[0].ports', 'spec.egress[0].to[0].ipBlock.except', 'metadata.ownerReferences[0].uid']) {
    t.ok(paths.includes(expected), `${expected} is among the properties walked`);
  }
  for (const site of all) {
    t.same(validateSchema(site.resource), { status: 'valid' }, 'the example without nulls is valid');
    const path = pathOf(site.resource, site.holder, site.property);
    site.holder[site.property] = null;
    const result = validateSchema(site.resource);
    if (!site.required) t.same(result, { status: 'valid' }, `${path}: null is accepted`);
    else if (result.status === 'invalid') t.match(formatErrors(result.errors), `${path}: `, `${path}: null is rejected`);
    else t.equal(result.status, 'error', `${path}: null is rejected (apiVersion and kind: no resource at all)`);
  }
});

/** A policy using every NetworkPolicy field the chart may render, valid and hardened but for what the lint flags. */
const policy = (): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: 'p',
    generateName: 'p-',
    namespace: 'kyma-system',
    labels: { a: 'b' },
    annotations: { c: 'd' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u', controller: true, blockOwnerDeletion: true }],
    finalizers: ['example.com/f'],
  },
  spec: {
    podSelector: { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { n: 'm' } }, podSelector: { matchExpressions: [{ key: 'k', operator: 'Exists' }] } }],
        ports: [{ protocol: 'TCP', port: 8080, endPort: 8090 }],
      },
    ],
    egress: [
      { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'UDP', port: 'dns' }] },
      { to: [{ podSelector: { matchLabels: { app: 'y' } } }] },
    ],
  },
});

/** Paths (as key lists) of the properties in `value` that the schema calls optional. */
function optionalProperties(value: unknown, schema: Schema, at: Array<string | number> = []): Array<Array<string | number>> {
  const name = referenced(schema);
  if (name) {
    const definition = definitions[name];
    return Object.entries(value as Json).flatMap(([key, v]) => [
      ...((definition.required ?? []).includes(key) ? [] : [[...at, key]]),
      ...optionalProperties(v, definition.properties[key], [...at, key]),
    ]);
  }
  if (Array.isArray(value) && schema.items) return value.flatMap((v, i) => optionalProperties(v, schema.items, [...at, i]));
  return [];
}

function withProperty(path: Array<string | number>, change: (holder: Json, key: string | number) => void): NetworkPolicy {
  const copy = policy() as Json;
  const holder = path.slice(0, -1).reduce((node, key) => node[key], copy);
  change(holder, path[path.length - 1]);
  return copy as NetworkPolicy;
}

t.test('API-server rules, lint and invariants read a null field as an absent one', async (t) => {
  const paths = optionalProperties(policy(), { $ref: `#/definitions/${root}` });
  t.ok(paths.length >= 35, `${paths.length} optional fields set in the sample policy`);
  const workloads = [{ name: 'x', labels: { app: 'x', tier: 'web' } }];
  const outcome = (p: NetworkPolicy) => {
    const result = validateResource(p);
    return {
      status: result.status,
      errors: formatErrors(result.errors),
      lint: hardeningViolations(p).map((v) => `${v.rule} ${v.path} ${v.ports}`),
      invariants: checkInvariants([p], workloads).map((f) => f.message),
    };
  };
  for (const path of paths) {
    const nulled = withProperty(path, (holder, key) => (holder[key] = null));
    const absent = withProperty(path, (holder, key) => delete holder[key]);
    t.same(outcome(nulled), outcome(absent), `${path.join('.')}: null means absent`);
  }
});

t.test('the examples of the issue, as YAML', async (t) => {
  const head = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n';
  for (const spec of [
    'spec: {podSelector: {}, egress: null}',
    'spec:\n  podSelector: {}\n  egress:',
    'spec: {podSelector: {}, ingress: [{from: null}]}',
    'spec: {podSelector: {}, ingress: [{from: ~, ports: null}]}',
    'spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: null}}], ports: null}]}',
    'spec: {podSelector: null}',
    'spec:',
  ]) {
    const [result] = validateDocuments(`${head}${spec}\n`);
    t.equal(result.status, 'valid', `${spec}: ${formatErrors(result.errors)}`);
  }
  const [required] = validateDocuments(`${head}spec: {ingress: [{from: [{ipBlock: {cidr: null}}]}]}\n`);
  t.equal(formatErrors(required.errors), 'spec.ingress[0].from[0].ipBlock.cidr: Invalid type: null: must be string');
});

// Strict schema validation of one Kubernetes resource, as `kubeconform -strict` does it: the generated
// schema (unknown fields, wrong types, missing required fields, enums) checked by ajv, compiled once.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { formatPath } from '../../yaml/messages.ts';
import { type FieldError, schemaText, supportedValues } from '../messages.ts';
import { schemaPath } from './path.ts';

export type SchemaResult =
  | { status: 'valid' }
  | { status: 'invalid'; errors: FieldError[] }
  | { status: 'skipped' }
  | { status: 'error'; message: string };

interface RootDefinition {
  apiVersion: string;
  validate: () => ValidateFunction;
}

interface SchemaDocument {
  $id: string;
  definitions: Record<string, { properties?: { apiVersion?: { const?: string }; kind?: { const?: string } } }>;
}

let rootsByKind: Map<string, RootDefinition[]> | undefined;

/** Loads the generated schema once; each kind's validator is compiled on first use and then kept. */
function roots(): Map<string, RootDefinition[]> {
  if (rootsByKind) return rootsByKind;
  const document = JSON.parse(readFileSync(schemaPath, 'utf8')) as SchemaDocument;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv, ['int32', 'int64', 'double', 'date-time', 'byte']);
  ajv.addSchema(document);
  rootsByKind = new Map();
  for (const [name, definition] of Object.entries(document.definitions)) {
    const apiVersion = definition.properties?.apiVersion?.const;
    const kind = definition.properties?.kind?.const;
    if (!apiVersion || !kind) continue;
    let compiled: ValidateFunction | undefined;
    const validate = () => (compiled ??= ajv.getSchema(`${document.$id}#/definitions/${name}`)!);
    rootsByKind.set(kind, [...(rootsByKind.get(kind) ?? []), { apiVersion, validate }]);
  }
  return rootsByKind;
}

export function validateSchema(resource: unknown): SchemaResult {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return { status: 'error', message: schemaText.notAnObject };
  }
  const { apiVersion, kind } = resource as { apiVersion?: unknown; kind?: unknown };
  if (typeof kind !== 'string' || kind === '') return { status: 'error', message: schemaText.missingKey('kind') };
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    return { status: 'error', message: schemaText.missingKey('apiVersion') };
  }
  const candidates = roots().get(kind);
  if (!candidates) return { status: 'skipped' };
  const root = candidates.find((c) => c.apiVersion === apiVersion);
  if (!root) {
    const supported = supportedValues(candidates.map((c) => c.apiVersion));
    return {
      status: 'invalid',
      errors: [{ path: 'apiVersion', type: 'Unsupported value', value: apiVersion, detail: supported }],
    };
  }
  const validate = root.validate();
  if (validate(resource)) return { status: 'valid' };
  return { status: 'invalid', errors: fieldErrors(validate.errors ?? [], resource) };
}

/** Turns ajv errors into API-server style field errors, one per problem. */
function fieldErrors(errors: ErrorObject[], resource: unknown): FieldError[] {
  const typeErrorPaths = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const result: FieldError[] = [];
  for (const error of errors) {
    const path = (child?: string) => fieldPath(resource, error.instancePath, child);
    switch (error.keyword) {
      case 'additionalProperties':
        result.push({ path: path(error.params.additionalProperty), type: 'Unknown field' });
        break;
      case 'required':
        result.push({ path: path(error.params.missingProperty), type: 'Required value' });
        break;
      case 'type':
        result.push({ path: path(), type: 'Invalid type', value: error.data, detail: schemaText.mustBe(error.params.type) });
        break;
      case 'enum':
      case 'const': {
        if (typeErrorPaths.has(error.instancePath)) break; // the type error says it already
        const allowed = error.keyword === 'enum' ? error.params.allowedValues : [error.params.allowedValue];
        const values = (allowed as unknown[]).filter((v) => v !== null);
        result.push({ path: path(), type: 'Unsupported value', value: error.data, detail: supportedValues(values) });
        break;
      }
      case 'if':
        break; // an optional reference's "object, else null": the else branch names the problem
      case 'format':
        if (typeErrorPaths.has(error.instancePath)) break;
        result.push({ path: path(), type: 'Invalid value', value: error.data, detail: schemaText.format(error.params.format) });
        break;
      default:
        result.push({ path: path(), type: 'Invalid value', value: error.data, detail: error.message });
    }
  }
  return result;
}

/** JSON pointer `/spec/ingress/0/from` → `spec.ingress[0].from`, map keys as `[key]` like the API server. */
export function fieldPath(resource: unknown, pointer: string, child?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  const path: Array<string | number> = [];
  let node: unknown = resource;
  for (const segment of segments) {
    path.push(Array.isArray(node) ? Number(segment) : segment);
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return formatPath(path);
}

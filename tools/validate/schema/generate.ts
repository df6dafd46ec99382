// Builds strict draft-07 JSON Schemas (as `kubeconform -strict` uses them) from the upstream Kubernetes
// OpenAPI as two registry packages ship it, so that no schema is written by hand:
// - @kubernetes/client-node: `attributeTypeMap` (properties, types, formats) of every generated model,
//   and required-ness from its generated .d.ts (a property without `?`), read with the TypeScript parser;
// - kubernetes-models: enums (string-literal unions) and the apiVersion/kind of each root kind, read
//   with the TypeScript type checker from its .d.ts files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { generatorText } from '../messages.ts';
import { schemaCommand } from './path.ts';

const require = createRequire(import.meta.url);
const clientNodeModels = join(dirname(require.resolve('@kubernetes/client-node')), 'gen', 'models');
const kubernetesModelsRoot = dirname(require.resolve('kubernetes-models/package.json'));

/** Root kinds, as kubernetes-models paths ("<group>/<version>/<Kind>", core group as "v1/<Kind>"). */
export const schemaRootKinds = [
  'networking.k8s.io/v1/NetworkPolicy',
  'v1/Namespace',
  'v1/Pod',
  'v1/Service',
  'v1/ConfigMap',
  'apps/v1/Deployment',
  'apps/v1/ReplicaSet',
  'apps/v1/DaemonSet',
  'apps/v1/StatefulSet',
  'batch/v1/Job',
  'batch/v1/CronJob',
];


type JsonSchema = Record<string, unknown>;

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

/** Formats ajv-formats checks; other OpenAPI formats (e.g. date-time-micro) stay plain strings. */
const checkedFormats = new Set(['int32', 'int64', 'double', 'date-time', 'byte']);

function packageVersion(name: string): string {
  const path = require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** Names of the properties a generated client-node class declares without `?`. */
function requiredProperties(className: string): string[] {
  const file = join(clientNodeModels, `${className}.d.ts`);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const required: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || node.name?.text !== className) return;
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || member.questionToken) continue;
      if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
      if (ts.isStringLiteral(member.name) || ts.isIdentifier(member.name)) required.push(member.name.text);
    }
  });
  return required;
}

async function attributeTypeMap(className: string): Promise<Attribute[]> {
  const module = (await import(join(clientNodeModels, `${className}.js`))) as Record<
    string,
    { attributeTypeMap?: Attribute[] }
  >;
  const map = module[className]?.attributeTypeMap;
  if (!map) throw new Error(generatorText.noAttributeTypeMap(className));
  return map;
}

/** The kubernetes-models side: string-literal enums, found by walking the same property paths. */
class EnumSource {
  private readonly checker: ts.TypeChecker;
  private readonly program: ts.Program;

  constructor(files: string[]) {
    this.program = ts.createProgram(files, {
      noEmit: true,
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
    });
    this.checker = this.program.getTypeChecker();
  }

  rootType(file: string, kind: string): ts.Type {
    const source = this.program.getSourceFile(file);
    const declaration = source?.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `I${kind}`,
    );
    if (!declaration) throw new Error(generatorText.noInterface(`I${kind}`, file));
    return this.checker.getTypeAtLocation(declaration.name);
  }

  property(type: ts.Type | undefined, name: string): ts.Type | undefined {
    const symbol = type?.getProperty(name);
    return symbol ? this.checker.getNonNullableType(this.checker.getTypeOfSymbol(symbol)) : undefined;
  }

  element(type: ts.Type | undefined): ts.Type | undefined {
    if (!type || !this.checker.isArrayType(type)) return undefined;
    return this.checker.getTypeArguments(type as ts.TypeReference)[0];
  }

  mapValue(type: ts.Type | undefined): ts.Type | undefined {
    return type ? this.checker.getIndexInfoOfType(type, ts.IndexKind.String)?.type : undefined;
  }

  /** The allowed strings if the type is a string literal or a union of them. */
  enumValues(type: ts.Type | undefined): string[] | undefined {
    if (!type) return undefined;
    const members = type.isUnion() ? type.types : [type];
    if (!members.every((m) => m.isStringLiteral())) return undefined;
    return members.map((m) => (m as ts.StringLiteralType).value).sort();
  }

  /** Quantity is `number | string` in the OpenAPI v3 (client-node flattens it to string). */
  isNumberOrString(type: ts.Type | undefined): boolean {
    if (!type?.isUnion()) return false;
    const flags = type.types.map((t) => t.flags);
    return (
      flags.length === 2 &&
      flags.some((f) => f & ts.TypeFlags.Number) &&
      flags.some((f) => f & ts.TypeFlags.String)
    );
  }
}

class SchemaBuilder {
  readonly definitions: Record<string, JsonSchema> = {};

  constructor(private readonly enums: EnumSource) {}

  /** Adds the definition of a client-node class (and everything it references); returns its name. */
  async define(className: string, modelType: ts.Type | undefined, root?: { apiVersion: string; kind: string }) {
    if (this.definitions[className]) return className;
    const definition: JsonSchema = { type: 'object', additionalProperties: false };
    this.definitions[className] = definition; // placed before recursing: types reference themselves
    const properties: Record<string, JsonSchema> = {};
    const requiredNames = requiredProperties(className);
    const required: string[] = [];
    for (const attribute of await attributeTypeMap(className)) {
      const isRequired = requiredNames.includes(attribute.name);
      if (isRequired) required.push(attribute.baseName);
      const propertyType = this.enums.property(modelType, attribute.baseName);
      properties[attribute.baseName] = await this.typeSchema(attribute.type, attribute.format, propertyType, !isRequired);
    }
    if (root) {
      properties.apiVersion = { const: root.apiVersion };
      properties.kind = { const: root.kind };
      for (const key of ['apiVersion', 'kind']) if (!required.includes(key)) required.push(key);
    }
    definition.properties = properties;
    if (required.length > 0) definition.required = required;
    return className;
  }

  /**
   * The schema of one attribute type. An optional field also accepts null, whatever its type: the API
   * server (and kubeconform) read `from: null` as an absent `from`. Required fields never accept null.
   */
  async typeSchema(type: string, format: string, modelType: ts.Type | undefined, optional: boolean): Promise<JsonSchema> {
    const nullable = (types: string[]) => (optional ? [...types, 'null'] : types.length === 1 ? types[0] : types);
    const array = /^Array<(.+)>$/.exec(type);
    if (array) {
      const items = await this.typeSchema(array[1], '', this.enums.element(modelType), false);
      return { type: nullable(['array']), items };
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      const values = await this.typeSchema(map[1], '', this.enums.mapValue(modelType), false);
      return { type: nullable(['object']), additionalProperties: values };
    }
    const withFormat = (schema: JsonSchema) => (checkedFormats.has(format) ? { ...schema, format } : schema);
    switch (type) {
      case 'string': {
        if (this.enums.isNumberOrString(modelType)) return { type: nullable(['number', 'string']) };
        const values = this.enums.enumValues(modelType);
        if (values) return { type: nullable(['string']), enum: optional ? [...values, null] : values };
        return withFormat({ type: nullable(['string']) });
      }
      case 'number':
        return withFormat({ type: nullable([format === 'double' ? 'number' : 'integer']) });
      case 'boolean':
        return { type: nullable(['boolean']) };
      case 'Date':
        return withFormat({ type: nullable(['string']) });
      case 'IntOrString':
        return { type: nullable(['integer', 'string']) };
      case 'object':
        return { type: nullable(['object']) };
      case 'any':
        return {}; // RawExtension and JSON: any value, as in the OpenAPI
      default:
        if (!/^[A-Z]\w+$/.test(type)) throw new Error(generatorText.unhandledType(type));
        return this.reference(await this.define(type, modelType), optional);
    }
  }

  /**
   * A reference to a definition (whose type is `object`). When optional, null is let through beside it:
   * `if` tests the common case, an object, because ajv builds an error object each time an `if` fails,
   * and the `else` names what is allowed ("must be object or null").
   */
  reference(name: string, optional: boolean): JsonSchema {
    const ref = { $ref: `#/definitions/${name}` };
    return optional ? { if: { type: 'object' }, then: ref, else: { type: ['object', 'null'] } } : ref;
  }
}

function capitalize(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The generated schema document: one definition per model type, roots carrying apiVersion/kind. */
export async function buildKubernetesSchema(): Promise<JsonSchema> {
  const roots = schemaRootKinds.map((path) => {
    const [version, kind] = path.split('/').slice(-2);
    return { path, kind, className: `${capitalize(version)}${kind}`, file: join(kubernetesModelsRoot, `${path}.d.ts`) };
  });
  const enums = new EnumSource(roots.map((r) => r.file));
  const builder = new SchemaBuilder(enums);
  for (const root of roots) {
    const modelType = enums.rootType(root.file, root.kind);
    const apiVersion = enums.enumValues(enums.property(modelType, 'apiVersion'))?.[0];
    if (!apiVersion) throw new Error(generatorText.noApiVersion(root.path));
    await builder.define(root.className, modelType, { apiVersion, kind: root.kind });
  }
  const sortedDefinitions = Object.fromEntries(
    Object.entries(builder.definitions).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    $comment:
      `Generated by \`${schemaCommand}\` (tools/validate/schema/generate.ts) from @kubernetes/client-node ` +
      `${packageVersion('@kubernetes/client-node')} (Kubernetes OpenAPI release-1.36) and kubernetes-models ` +
      `${packageVersion('kubernetes-models')}. Do not edit; regenerate.`,
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://telemetry-netpol.local/kubernetes.schema.json',
    definitions: sortedDefinitions,
  };
}

export function serializeSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// Every diagnostic the validate stage prints, written once. Field errors follow the API server's
// `field.Error` text: "<path>: <type>: <value>: <detail>" (k8s.io/apimachinery/pkg/util/validation/field).

export type FieldErrorType =
  | 'Required value'
  | 'Invalid value'
  | 'Unsupported value'
  | 'Forbidden'
  | 'Too long'
  | 'Unknown field'
  | 'Invalid type';

export interface FieldError {
  /** path in the object, e.g. `spec.ingress[0].from[1].ipBlock.cidr` */
  path: string;
  type: FieldErrorType;
  /** the offending value, if the message shows one */
  value?: unknown;
  detail?: string;
}

/** Types whose text carries no value, as in the API server. */
const typesWithoutValue = new Set<FieldErrorType>(['Required value', 'Forbidden', 'Too long', 'Unknown field']);

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function formatFieldError(error: FieldError): string {
  let text = `${error.path}: ${error.type}`;
  if (!typesWithoutValue.has(error.type) && error.value !== undefined) text += `: ${formatValue(error.value)}`;
  if (error.detail) text += `: ${error.detail}`;
  return text;
}

export const supportedValues = (values: readonly unknown[]) =>
  `supported values: ${values.map((v) => formatValue(v)).join(', ')}`;

// Schema (strict decoding) details.
export const schemaText = {
  mustBe: (types: string | string[]) => `must be ${[types].flat().join(' or ')}`,
  format: (format: string) => `must match format "${format}"`,
  noSchema: (apiVersion: string, kind: string) => `no schema for ${apiVersion}/${kind}`,
  missingKey: (key: string) => `missing '${key}' key`,
  notAnObject: 'document is not an object',
  yamlError: (message: string) => `error unmarshalling resource: ${message}`,
};

// Generator failures: the registry packages no longer have the shape the generator reads.
export const generatorText = {
  noAttributeTypeMap: (className: string) => `no attributeTypeMap in @kubernetes/client-node model ${className}`,
  noInterface: (name: string, file: string) => `no interface ${name} in ${file}`,
  unhandledType: (type: string) => `unhandled attribute type ${type}`,
  noApiVersion: (path: string) => `no apiVersion literal for ${path} in kubernetes-models`,
  benchSampleInvalid: 'bench sample is invalid',
};

// The API server's validation messages (apimachinery IsDNS1123Label, IsQualifiedName, ... and
// pkg/apis/networking/validation), reproduced verbatim so a reader can search for them upstream.
const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${qualifiedNameFmt})?`;

const regexError = (message: string, format: string, ...examples: string[]) =>
  `${message} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${format}')`;

export const apiText = {
  maxLength: (n: number) => `must be no more than ${n} characters`,
  tooLong: (bytes: number) => `must have at most ${bytes} bytes`,
  nonEmpty: 'must be non-empty',
  mustNotBeEmpty: 'must not be empty',
  noDots: 'must not contain dots',
  dns1123Label: regexError(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
    dns1123LabelFmt,
    'my-name',
    '123-abc',
  ),
  dns1123Subdomain: regexError(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    dns1123SubdomainFmt,
    'example.com',
  ),
  qualifiedNamePart: regexError(
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    qualifiedNameFmt,
    'MyName',
    'my.name',
    '123-abc',
  ),
  qualifiedName:
    regexError(
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      qualifiedNameFmt,
      'MyName',
      'my.name',
      '123-abc',
    ) + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  labelValue: regexError(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    labelValueFmt,
    'MyValue',
    'my_value',
    '12345',
  ),
  prefixPart: (detail: string) => `prefix part ${detail}`,
  namePart: (detail: string) => `name part ${detail}`,
  nameRequired: 'name or generateName is required',
  ownerVersionEmpty: 'version must not be empty',
  ownerBanned: '/v1, Kind=Event is disallowed from being an owner',
  ownerControllers: (first: string, second: string) =>
    `Only one reference can have Controller set to true. Found "true" in references for ${first} and ${second}`,
  finalizersExclusive: (a: string, b: string) => `finalizer ${a} and ${b} cannot be both set`,
  finalizerNotQualified: 'name is neither a standard finalizer name nor is it fully qualified',
  selectorValuesRequired: "must be specified when `operator` is 'In' or 'NotIn'",
  selectorValuesForbidden: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  selectorOperator: 'not a valid selector operator',
  portNumber: 'must be between 1 and 65535, inclusive',
  portNameCharset: 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  portNameLetter: 'must contain at least one letter (a-z)',
  portNameHyphens: 'must not contain consecutive hyphens',
  portNameEdgeHyphen: 'must not begin or end with a hyphen',
  endPortBelowPort: 'must be greater than or equal to `port`',
  endPortNamedPort: 'may not be specified when `port` is non-numeric',
  endPortWithoutPort: 'may not be specified when `port` is not specified',
  peerRequired: 'must specify a peer',
  peerIpBlockExclusive: 'may not specify both ipBlock and another peer',
  cidrInvalid: 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  cidrLeadingZeros: 'must not have leading 0s in IP or prefix length',
  cidrIPv4Mapped: 'must not have an IPv4-mapped IPv6 address',
  cidrHostBits: 'must not have bits set beyond the prefix length',
  exceptNotSubset: 'must be a strict subset of `cidr`',
  policyTypesTooMany: 'may not specify more than two policyTypes',
};

// Hardening lint and invariants.
export const lintText = {
  unexcused: (rule: string, policy: string, path: string, description: string) =>
    `${policy}: ${path}: breaks hardening rule ${rule} (${description}) without a recorded exception`,
  excused: (id: string, rule: string, policy: string, path: string, reason: string) =>
    `${policy}: ${path}: ${rule} excused by ${id}: ${reason}`,
  emptyPeerList: (field: string) => `empty \`${field}\` list allows every peer`,
  missingPeers: (field: string) => `rule without \`${field}\` allows every peer`,
  emptyRule: 'empty rule {} allows all traffic',
};

export const invariantText = {
  notSelected: (workload: string, direction: string) =>
    `workload ${workload} is not selected by any policy with ${direction} in its effective policyTypes`,
  duplicateName: (namespace: string, name: string) => `policy name ${name} is used twice in namespace ${namespace}`,
  missingTwin: (cidr: string, twin: string) => `${cidr} without its ${twin} twin in the same peer list`,
};

export const cliText = {
  missingFile: (file: string) => `cannot read ${file}: no such file`,
  unreadableFile: (file: string, reason: string) => `cannot read ${file}: ${reason}`,
  /** reasons for the common error codes of a read; others keep Node's own text */
  readProblems: { EISDIR: 'is a directory', EACCES: 'permission denied', EPERM: 'permission denied' } as Record<string, string>,
  summary: (resources: number, files: number, valid: number, invalid: number, errors: number, skipped: number) =>
    `Summary: ${resources} resource${resources === 1 ? '' : 's'} found in ${files} file${files === 1 ? '' : 's'} - ` +
    `Valid: ${valid}, Invalid: ${invalid}, Errors: ${errors}, Skipped: ${skipped}`,
  summaryStdin: (resources: number, valid: number, invalid: number, errors: number, skipped: number) =>
    `Summary: ${resources} resource${resources === 1 ? '' : 's'} found parsing stdin - ` +
    `Valid: ${valid}, Invalid: ${invalid}, Errors: ${errors}, Skipped: ${skipped}`,
  invalid: (file: string, kind: string, name: string, errors: string) => `${file} - ${kind} ${name} is invalid: ${errors}`,
  failed: (file: string, kind: string, name: string, error: string) =>
    kind && name ? `${file} - ${kind} ${name} failed validation: ${error}` : `${file} - failed validation: ${error}`,
  valid: (file: string, kind: string, name: string) => `${file} - ${kind} ${name} is valid`,
  skipped: (file: string, kind: string, name: string) => `${file} - ${kind} ${name} skipped`,
};

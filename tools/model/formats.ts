// JSON-schema fragments for the values the chart accepts. Patterns are RE2-compatible (Helm checks the
// schema with Go libraries): no lookahead, no backreferences.

export type JsonSchema = Record<string, unknown>;

const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const ipv4 = `(${octet}\\.){3}${octet}`;
const h = '[0-9a-f]{1,4}';
const ipv6 = [
  `(${h}:){7}${h}`,
  `(${h}:){1,7}:`,
  `(${h}:){1,6}:${h}`,
  `(${h}:){1,5}(:${h}){1,2}`,
  `(${h}:){1,4}(:${h}){1,3}`,
  `(${h}:){1,3}(:${h}){1,4}`,
  `(${h}:){1,2}(:${h}){1,5}`,
  `${h}:(:${h}){1,6}`,
  `:((:${h}){1,7}|:)`,
].join('|');

/** IPv4 CIDR with prefix 0-32, or IPv6 CIDR (lowercase hex) with prefix 0-128. Host bits: validate.yaml. */
export const cidrPattern = `^(${ipv4}/(3[0-2]|[12]?[0-9])|(${ipv6})/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$`;
export const namespacePattern = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const labelName = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const dnsLabel = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
export const labelKeyPattern = `^(${dnsLabel}(\\.${dnsLabel})*/)?${labelName}$`;
export const labelValuePattern = `^(${labelName})?$`;
/**
 * IANA_SVC_NAME as the API checks a named port (with maxLength 15): lowercase alphanumerics and single inner
 * hyphens, at least one letter, so "443" is no name.
 */
export const portNamePattern = '^([a-z0-9]+-)*[a-z0-9]*[a-z][a-z0-9]*(-[a-z0-9]+)*$';

export const anyAddresses = ['0.0.0.0/0', '::/0'];

export const cidr = (description: string): JsonSchema => ({
  type: 'string', pattern: cidrPattern, maxLength: 43, description,
});

export const cidrList = (description: string): JsonSchema => ({
  type: 'array', description, maxItems: 64, uniqueItems: true,
  items: { ...cidr('an IPv4 or IPv6 CIDR without host bits, e.g. 10.0.0.0/16 or 2001:db8::/32'), not: { enum: anyAddresses } },
});

export const port = (description: string): JsonSchema => ({ type: 'integer', minimum: 1, maximum: 65535, description });

export const portList = (description: string, minItems = 0): JsonSchema => ({
  type: 'array', description, minItems, maxItems: 64, uniqueItems: true, items: port('a TCP port, 1-65535'),
});

export const namespaceList = (description: string): JsonSchema => ({
  type: 'array', description, maxItems: 256, uniqueItems: true,
  items: { type: 'string', pattern: namespacePattern, maxLength: 63, description: 'a namespace name (DNS-1123 label)' },
});

/**
 * A map of labels. Keys are checked with patternProperties and `additionalProperties: false`, not with
 * propertyNames: for a bad key Helm 4 (santhosh-tekuri/jsonschema) then names the map's path
 * (`rma.podLabels`), where a propertyNames failure names none.
 */
export const labelMap = (description: string): JsonSchema => ({
  type: 'object', description, minProperties: 1, maxProperties: 32,
  patternProperties: { [labelKeyPattern]: { type: 'string', pattern: labelValuePattern, maxLength: 63 } },
  additionalProperties: false,
});

const selector: JsonSchema = {
  type: 'object', additionalProperties: false, minProperties: 1,
  properties: {
    matchLabels: labelMap('labels that must all match'),
    matchExpressions: {
      type: 'array', minItems: 1, maxItems: 32,
      items: {
        type: 'object', additionalProperties: false, required: ['key', 'operator'],
        properties: {
          key: { type: 'string', pattern: labelKeyPattern, maxLength: 317 },
          operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', maxItems: 256, items: { type: 'string', pattern: labelValuePattern, maxLength: 63 } },
        },
        // As the API server's ValidateLabelSelectorRequirement: In and NotIn need values, Exists and DoesNotExist take none.
        if: { properties: { operator: { enum: ['In', 'NotIn'] } } },
        then: { required: ['values'], properties: { values: { minItems: 1 } } },
        else: { properties: { values: { maxItems: 0 } } },
      },
    },
  },
};

/** A peer of an escape-hatch rule: namespace and pod selectors together, or an address block. */
const peer: JsonSchema = {
  oneOf: [
    {
      type: 'object', additionalProperties: false, required: ['namespaceSelector', 'podSelector'],
      properties: { namespaceSelector: selector, podSelector: selector },
    },
    {
      type: 'object', additionalProperties: false, required: ['ipBlock'],
      properties: {
        ipBlock: {
          type: 'object', additionalProperties: false, required: ['cidr'],
          // No `except`: an except outside its cidr would only fail at apply time, after other objects.
          properties: { cidr: { ...cidr('the address block'), not: { enum: anyAddresses } } },
        },
      },
    },
  ],
};

const rulePort: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['port'],
  properties: {
    port: { oneOf: [port('a port number'), { type: 'string', pattern: portNamePattern, maxLength: 15, description: 'a named container port' }] },
    protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'] },
  },
};

/** An escape-hatch rule. It obeys the hardening rules by construction: peers and ports are required. */
export const extraRules = (peersKey: 'from' | 'to', description: string): JsonSchema => ({
  type: 'array', description, maxItems: 32,
  items: {
    type: 'object', additionalProperties: false, required: [peersKey, 'ports'],
    properties: {
      [peersKey]: { type: 'array', minItems: 1, maxItems: 32, items: peer },
      ports: { type: 'array', minItems: 1, maxItems: 64, items: rulePort },
    },
  },
});

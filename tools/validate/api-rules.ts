// The API server's NetworkPolicy validation that a schema cannot express, mirroring
// k8s.io/kubernetes pkg/apis/networking/validation (ValidateNetworkPolicy, ...Spec, ...Port, ...Peer,
// ValidateIPBlock) and apimachinery's ObjectMeta, label and selector validation.
// Input is a resource that passed the schema, so types are right; optional scalars may be null.
import { isStrictSubset, parseCidr } from './cidr.ts';
import { apiText, type FieldError, supportedValues } from './messages.ts';
import type { IPBlock, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, ObjectMeta } from './types.ts';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];

export function isDns1123Label(value: string): string[] {
  const problems = value.length > 63 ? [apiText.maxLength(63)] : [];
  if (!dns1123Label.test(value)) problems.push(apiText.dns1123Label);
  return problems;
}

export function isDns1123Subdomain(value: string): string[] {
  const problems = value.length > 253 ? [apiText.maxLength(253)] : [];
  if (!dns1123Subdomain.test(value)) problems.push(apiText.dns1123Subdomain);
  return problems;
}

/** Label keys and annotation keys: `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) return [apiText.qualifiedName];
  const problems: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') problems.push(apiText.prefixPart(apiText.nonEmpty));
    else problems.push(...isDns1123Subdomain(prefix).map(apiText.prefixPart));
  }
  if (name === '') problems.push(apiText.namePart(apiText.nonEmpty));
  else if (name.length > 63) problems.push(apiText.namePart(apiText.maxLength(63)));
  if (!qualifiedNamePart.test(name)) problems.push(apiText.qualifiedNamePart);
  return problems;
}

export function isValidLabelValue(value: string): string[] {
  const problems = value.length > 63 ? [apiText.maxLength(63)] : [];
  if (!labelValue.test(value)) problems.push(apiText.labelValue);
  return problems;
}

/** IANA service names, as a named container port (k8s IsValidPortName). */
export function isValidPortName(value: string): string[] {
  const problems = value.length > 15 ? [apiText.maxLength(15)] : [];
  if (!/^[-a-z0-9]+$/.test(value)) problems.push(apiText.portNameCharset);
  else if (!/[a-z]/.test(value)) problems.push(apiText.portNameLetter);
  if (value.includes('--')) problems.push(apiText.portNameHyphens);
  if (value.startsWith('-') || value.endsWith('-')) problems.push(apiText.portNameEdgeHyphen);
  return problems;
}

const isValidPortNumber = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;

function invalid(path: string, value: unknown, details: string[]): FieldError[] {
  return details.map((detail) => ({ path, type: 'Invalid value', value, detail }));
}

export function validateLabels(labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errors.push(...invalid(path, key, isQualifiedName(key)));
    errors.push(...invalid(path, value, isValidLabelValue(value)));
  }
  return errors;
}

export function validateLabelSelector(selector: LabelSelector | undefined | null, path: string): FieldError[] {
  if (!selector) return [];
  const errors = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((requirement, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errors.push({ path: `${at}.values`, type: 'Required value', detail: apiText.selectorValuesRequired });
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errors.push({ path: `${at}.values`, type: 'Forbidden', detail: apiText.selectorValuesForbidden });
        }
        break;
      default:
        errors.push(...invalid(`${at}.operator`, requirement.operator, [apiText.selectorOperator]));
    }
    errors.push(...invalid(`${at}.key`, requirement.key, isQualifiedName(requirement.key)));
    values.forEach((value, j) => errors.push(...invalid(`${at}.values[${j}]`, value, isValidLabelValue(value))));
  });
  return errors;
}

/** ObjectMeta of a namespaced object (namespace optional in a manifest: the client supplies it). */
export function validateObjectMeta(metadata: ObjectMeta | undefined | null): FieldError[] {
  const errors: FieldError[] = [];
  const name = metadata?.name ?? '';
  const generateName = metadata?.generateName ?? '';
  if (name === '' && generateName === '') {
    errors.push({ path: 'metadata.name', type: 'Required value', detail: apiText.nameRequired });
  }
  if (name !== '') errors.push(...invalid('metadata.name', name, isDns1123Subdomain(name)));
  const namespace = metadata?.namespace;
  if (namespace) errors.push(...invalid('metadata.namespace', namespace, isDns1123Label(namespace)));
  errors.push(...validateLabels(metadata?.labels, 'metadata.labels'));
  for (const key of Object.keys(metadata?.annotations ?? {})) {
    errors.push(...invalid('metadata.annotations', key, isQualifiedName(key.toLowerCase())));
  }
  return errors;
}

export function validatePort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (port.protocol != null && !protocols.includes(port.protocol)) {
    errors.push({ path: `${path}.protocol`, type: 'Unsupported value', value: port.protocol, detail: supportedValues(protocols) });
  }
  const endPort = port.endPort ?? undefined;
  if (typeof port.port === 'number') {
    if (!isValidPortNumber(port.port)) errors.push(...invalid(`${path}.port`, port.port, [apiText.portNumber]));
    if (endPort !== undefined) {
      if (endPort < port.port) errors.push(...invalid(`${path}.endPort`, endPort, [apiText.endPortBelowPort]));
      if (!isValidPortNumber(endPort)) errors.push(...invalid(`${path}.endPort`, endPort, [apiText.portNumber]));
    }
  } else if (typeof port.port === 'string') {
    if (endPort !== undefined) errors.push(...invalid(`${path}.endPort`, endPort, [apiText.endPortNamedPort]));
    errors.push(...invalid(`${path}.port`, port.port, isValidPortName(port.port)));
  } else if (endPort !== undefined) {
    errors.push(...invalid(`${path}.endPort`, endPort, [apiText.endPortWithoutPort]));
  }
  return errors;
}

export function validateIpBlock(block: IPBlock, path: string): FieldError[] {
  if (!block.cidr) return [{ path: `${path}.cidr`, type: 'Required value' }];
  const outer = parseCidr(block.cidr);
  const errors = invalid(`${path}.cidr`, block.cidr, outer.problems);
  if (!outer.cidr) return errors;
  (block.except ?? []).forEach((text, i) => {
    const at = `${path}.except[${i}]`;
    const inner = parseCidr(text);
    errors.push(...invalid(at, text, inner.problems));
    if (inner.cidr && !isStrictSubset(inner.cidr, outer.cidr!)) errors.push(...invalid(at, text, [apiText.exceptNotSubset]));
  });
  return errors;
}

export function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errors: FieldError[] = [];
  let kinds = 0;
  if (peer.podSelector) {
    kinds++;
    errors.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    kinds++;
    errors.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    kinds++;
    errors.push(...validateIpBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (kinds === 0) errors.push({ path, type: 'Required value', detail: apiText.peerRequired });
  else if (kinds > 1 && peer.ipBlock) errors.push({ path, type: 'Forbidden', detail: apiText.peerIpBlockExclusive });
  return errors;
}

export function validateNetworkPolicySpec(policy: NetworkPolicy): FieldError[] {
  const spec = policy.spec ?? {};
  const errors = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  (spec.ingress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((port, j) => errors.push(...validatePort(port, `spec.ingress[${i}].ports[${j}]`)));
    (rule.from ?? []).forEach((peer, j) => errors.push(...validatePeer(peer, `spec.ingress[${i}].from[${j}]`)));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((port, j) => errors.push(...validatePort(port, `spec.egress[${i}].ports[${j}]`)));
    (rule.to ?? []).forEach((peer, j) => errors.push(...validatePeer(peer, `spec.egress[${i}].to[${j}]`)));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > policyTypes.length) {
    errors.push(...invalid('spec.policyTypes', types, [apiText.policyTypesTooMany]));
    return errors;
  }
  types.forEach((type, i) => {
    const path = `spec.policyTypes[${i}]`;
    if (!policyTypes.includes(type)) errors.push({ path, type: 'Unsupported value', value: type, detail: supportedValues(policyTypes) });
    else if (types.indexOf(type) < i) errors.push({ path, type: 'Duplicate value', value: type });
  });
  return errors;
}

export function validateNetworkPolicy(policy: NetworkPolicy): FieldError[] {
  return [...validateObjectMeta(policy.metadata), ...validateNetworkPolicySpec(policy)];
}

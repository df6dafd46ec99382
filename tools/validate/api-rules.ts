// The API server's NetworkPolicy validation that a schema cannot express, and nothing else. Each rule
// names the upstream function it mirrors: k8s.io/kubernetes pkg/apis/networking/validation
// (ValidateNetworkPolicy and what it calls), pkg/apis/core/validation.ValidateObjectMeta, and apimachinery's
// pkg/api/validation (ObjectMeta), pkg/apis/meta/v1/validation (labels, selectors), pkg/api/validate/content
// and pkg/util/validation (names, label keys and values, ports).
// Input is a resource that passed the schema, so types are right; any optional field may be null, which
// means the same as absent (the API server decodes null into the zero value).
import { isStrictSubset, parseCidr } from './cidr.ts';
import { apiText, type FieldError, supportedValues } from './messages.ts';
import type {
  IPBlock, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, ObjectMeta, OwnerReference,
} from './types.ts';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelKeyName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];
/** metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents, core.FinalizerKubernetes */
const orphan = 'orphan';
const foregroundDeletion = 'foregroundDeletion';
const standardFinalizers = [orphan, foregroundDeletion, 'kubernetes'];
/** apimachinery validation.TotalAnnotationSizeLimitB */
const annotationSizeLimit = 256 * 1024;

// content.IsDNS1123Label: a value that is a valid subdomain can only have failed on its dots.
export function isDns1123Label(value: string): string[] {
  const problems = value.length > 63 ? [apiText.maxLength(63)] : [];
  if (!dns1123Label.test(value)) problems.push(dns1123Subdomain.test(value) ? apiText.noDots : apiText.dns1123Label);
  return problems;
}

// content.IsDNS1123Subdomain
export function isDns1123Subdomain(value: string): string[] {
  const problems = value.length > 253 ? [apiText.maxLength(253)] : [];
  if (!dns1123Subdomain.test(value)) problems.push(apiText.dns1123Subdomain);
  return problems;
}

// NameIsDNSSubdomain (apimachinery pkg/api/validation): a generateName prefix gets random characters
// appended, so maskTrailingDash lets it end in '-'. Its `name[:len(name)-2] + "a"` drops two characters
// for one; reproduced as is, since it decides which prefixes pass.
function nameIsDnsSubdomain(value: string, prefix: boolean): string[] {
  const masked = prefix && value.length > 1 && value.endsWith('-') ? `${value.slice(0, -2)}a` : value;
  return isDns1123Subdomain(masked);
}

/** content.IsLabelKey (IsQualifiedName): label keys, annotation keys, finalizers: `[prefix/]name`. */
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
  if (!labelKeyName.test(name)) problems.push(apiText.qualifiedNamePart);
  return problems;
}

// content.IsLabelValue
export function isValidLabelValue(value: string): string[] {
  const problems = value.length > 63 ? [apiText.maxLength(63)] : [];
  if (!labelValue.test(value)) problems.push(apiText.labelValue);
  return problems;
}

/** IsValidPortName (apimachinery pkg/util/validation): IANA service names; each check reports on its own. */
export function isValidPortName(value: string): string[] {
  const problems = value.length > 15 ? [apiText.maxLength(15)] : [];
  if (!/^[-a-z0-9]+$/.test(value)) problems.push(apiText.portNameCharset);
  if (!/[a-z]/.test(value)) problems.push(apiText.portNameLetter);
  if (value.includes('--')) problems.push(apiText.portNameHyphens);
  if (value.startsWith('-') || value.endsWith('-')) problems.push(apiText.portNameEdgeHyphen);
  return problems;
}

// IsValidPortNum
const isValidPortNumber = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;

function invalid(path: string, value: unknown, details: string[]): FieldError[] {
  return details.map((detail) => ({ path, type: 'Invalid value', value, detail }));
}

/** ValidateLabels (meta/v1/validation): every key by ValidateLabelName, every value by IsValidLabelValue. */
export function validateLabels(labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errors.push(...invalid(path, key, isQualifiedName(key)));
    errors.push(...invalid(path, value, isValidLabelValue(value)));
  }
  return errors;
}

/** ValidateLabelSelector and ValidateLabelSelectorRequirement (meta/v1/validation). */
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

/** validateOwnerReference and ValidateOwnerReferences (apimachinery pkg/api/validation); paths carry no index there. */
function validateOwnerReferences(references: OwnerReference[] | undefined | null): FieldError[] {
  const path = 'metadata.ownerReferences';
  const errors: FieldError[] = [];
  let controller = '';
  for (const reference of references ?? []) {
    const { apiVersion, kind, name, uid } = reference;
    // schema.ParseGroupVersion: "v1" is the core group; "a/b/c" does not parse, so it has no version
    const parts = apiVersion.split('/');
    const [group, version] = parts.length === 1 ? ['', parts[0]] : parts.length === 2 ? parts : ['', ''];
    if (version === '') errors.push(...invalid(`${path}.apiVersion`, apiVersion, [apiText.ownerVersionEmpty]));
    if (kind === '') errors.push(...invalid(`${path}.kind`, kind, [apiText.mustNotBeEmpty]));
    if (name === '') errors.push(...invalid(`${path}.name`, name, [apiText.mustNotBeEmpty]));
    if (uid === '') errors.push(...invalid(`${path}.uid`, uid, [apiText.mustNotBeEmpty]));
    // BannedOwners
    if (group === '' && version === 'v1' && kind === 'Event') errors.push(...invalid(path, reference, [apiText.ownerBanned]));
    if (reference.controller) {
      const current = `${kind}/${name}`;
      if (controller) errors.push(...invalid(path, references, [apiText.ownerControllers(controller, current)]));
      else controller = current;
    }
  }
  return errors;
}

/**
 * ValidateFinalizers (apimachinery pkg/api/validation): each name is a qualified name, and orphan and
 * foregroundDeletion exclude each other; then core's validateKubeFinalizerName: a name without a prefix
 * must be a standard one.
 */
function validateFinalizers(finalizers: string[] | undefined | null): FieldError[] {
  const path = 'metadata.finalizers';
  const list = finalizers ?? [];
  const errors = list.flatMap((finalizer) => invalid(path, finalizer, isQualifiedName(finalizer)));
  if (list.includes(orphan) && list.includes(foregroundDeletion)) {
    errors.push(...invalid(path, list, [apiText.finalizersExclusive(orphan, foregroundDeletion)]));
  }
  list.forEach((finalizer, i) => {
    if (!finalizer.includes('/') && !standardFinalizers.includes(finalizer)) {
      errors.push(...invalid(`${path}[${i}]`, finalizer, [apiText.finalizerNotQualified]));
    }
  });
  return errors;
}

/**
 * ValidateObjectMeta for a namespaced object: ValidateObjectMetaAccessor with ValidateNetworkPolicyName
 * (NameIsDNSSubdomain), then validateObjectMetaAccessorWithOptsCommon. Two fields are the server's own and
 * not checked: the server sets `generation` before validating (PrepareForCreate, BeforeUpdate), and the
 * field manager rewrites `managedFields`.
 */
export function validateObjectMeta(metadata: ObjectMeta | undefined | null): FieldError[] {
  const errors: FieldError[] = [];
  const name = metadata?.name ?? '';
  const generateName = metadata?.generateName ?? '';
  if (generateName !== '') {
    errors.push(...invalid('metadata.generateName', generateName, nameIsDnsSubdomain(generateName, true)));
  }
  // The server generates the name from generateName before it validates, so either one will do.
  if (name === '' && generateName === '') {
    errors.push({ path: 'metadata.name', type: 'Required value', detail: apiText.nameRequired });
  }
  if (name !== '') errors.push(...invalid('metadata.name', name, nameIsDnsSubdomain(name, false)));
  // Required upstream, but a manifest may leave it out: the server takes the request's namespace
  // (EnsureObjectNamespaceMatchesRequestNamespace). ValidateNamespaceName is NameIsDNSLabel.
  const namespace = metadata?.namespace ?? '';
  if (namespace !== '') errors.push(...invalid('metadata.namespace', namespace, isDns1123Label(namespace)));
  errors.push(...validateLabels(metadata?.labels, 'metadata.labels'));
  // ValidateAnnotations: keys are qualified names whatever their case, and keys and values take at most 256 KiB
  const annotations = Object.entries(metadata?.annotations ?? {});
  for (const [key] of annotations) {
    errors.push(...invalid('metadata.annotations', key, isQualifiedName(key.toLowerCase())));
  }
  const annotationBytes = annotations.reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (annotationBytes > annotationSizeLimit) {
    errors.push({ path: 'metadata.annotations', type: 'Too long', detail: apiText.tooLong(annotationSizeLimit) });
  }
  errors.push(...validateOwnerReferences(metadata?.ownerReferences));
  errors.push(...validateFinalizers(metadata?.finalizers));
  return errors;
}

/** ValidateNetworkPolicyPort */
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

/**
 * ValidateIPBlock: `cidr` and each `except` by IsValidCIDRForLegacyField (strict, see cidr.ts), and each
 * `except` strictly inside `cidr`, checked whenever both parse at all.
 */
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

/** ValidateNetworkPolicyPeer: a null selector or ipBlock is no peer (a nil pointer upstream). */
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

/** ValidateNetworkPolicySpec */
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
  // At most two values, each Ingress or Egress; a repeated value is accepted, as upstream does.
  const types = spec.policyTypes ?? [];
  if (types.length > policyTypes.length) {
    errors.push(...invalid('spec.policyTypes', types, [apiText.policyTypesTooMany]));
    return errors;
  }
  types.forEach((type, i) => {
    if (!policyTypes.includes(type)) {
      errors.push({ path: `spec.policyTypes[${i}]`, type: 'Unsupported value', value: type, detail: supportedValues(policyTypes) });
    }
  });
  return errors;
}

/** ValidateNetworkPolicy: ObjectMeta, then the spec. */
export function validateNetworkPolicy(policy: NetworkPolicy): FieldError[] {
  return [...validateObjectMeta(policy.metadata), ...validateNetworkPolicySpec(policy)];
}

// The validator (strict schema + API-server rules) against hand-made invalid NetworkPolicies, each
// named after the rule it breaks, and against every example of the Kubernetes NetworkPolicy docs page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { formatErrors, validateDocuments, validateResource } from '../../tools/validate/index.ts';

type Json = Record<string, any>;

/** A valid, hardened policy; each case breaks one thing in a copy of it. */
function basePolicy(): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kyma-project.io--telemetry-manager', namespace: 'kyma-system', labels: { 'kyma-project.io/module': 'telemetry' } },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'manager' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kyma-system' } },
              podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['telemetry-self-monitor'] }] },
            },
          ],
          ports: [{ protocol: 'TCP', port: 9443 }],
        },
      ],
      egress: [
        {
          to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { ipBlock: { cidr: '2001:db8::/32' } }],
          ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 30000, endPort: 30100 }],
        },
      ],
    },
  };
}

interface InvalidCase {
  rule: string;
  mutate: (p: Json) => void;
  /** the field error expected in the output: its path and a part of its message */
  path: string;
  message: string;
}

const owner = (over: Json) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'a', uid: 'd9607e19-f88f-11e6-a518-42010a800195', ...over });
const ingressPeer = (p: Json) => p.spec.ingress[0].from[0];
const egressPort = (p: Json) => p.spec.egress[0].ports[0];
const ipBlock = (p: Json) => p.spec.egress[0].to[0].ipBlock;

const invalidCases: InvalidCase[] = [
  // strict schema (kubeconform -strict)
  { rule: 'unknown field in spec', mutate: (p) => (p.spec.podSelectr = {}), path: 'spec.podSelectr', message: 'Unknown field' },
  { rule: 'unknown field in metadata', mutate: (p) => (p.metadata.label = {}), path: 'metadata.label', message: 'Unknown field' },
  { rule: 'unknown field in a peer', mutate: (p) => (ingressPeer(p).serviceAccount = 'x'), path: 'spec.ingress[0].from[0].serviceAccount', message: 'Unknown field' },
  { rule: 'unknown field in a port', mutate: (p) => (egressPort(p).portName = 'x'), path: 'spec.egress[0].ports[0].portName', message: 'Unknown field' },
  { rule: 'unknown top-level field', mutate: (p) => (p.status = {}), path: 'status', message: 'Unknown field' },
  { rule: 'port of wrong type', mutate: (p) => (egressPort(p).port = true), path: 'spec.egress[0].ports[0].port', message: 'Invalid type: true: must be integer or string' },
  { rule: 'endPort of wrong type', mutate: (p) => (egressPort(p).endPort = '80'), path: 'spec.egress[0].ports[0].endPort', message: 'Invalid type: "80": must be integer' },
  { rule: 'policyTypes not a list', mutate: (p) => (p.spec.policyTypes = 'Ingress'), path: 'spec.policyTypes', message: 'Invalid type: "Ingress": must be array' },
  { rule: 'from list of wrong type', mutate: (p) => (p.spec.ingress[0].from = {}), path: 'spec.ingress[0].from', message: 'Invalid type: {}: must be array or null' },
  { rule: 'a list item is not optional: null is no peer', mutate: (p) => (p.spec.ingress[0].from = [null]), path: 'spec.ingress[0].from[0]', message: 'Invalid type: null: must be object' },
  { rule: 'label value not a string', mutate: (p) => (p.metadata.labels.version = 2), path: 'metadata.labels.version', message: 'must be string' },
  { rule: 'ipBlock without cidr', mutate: (p) => delete ipBlock(p).cidr, path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'Required value' },
  { rule: 'matchExpressions entry without key', mutate: (p) => delete ingressPeer(p).podSelector.matchExpressions[0].key, path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].key', message: 'Required value' },
  { rule: 'matchExpressions entry without operator', mutate: (p) => delete ingressPeer(p).podSelector.matchExpressions[0].operator, path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].operator', message: 'Required value' },
  { rule: 'protocol TCP/UDP/SCTP (schema enum)', mutate: (p) => (egressPort(p).protocol = 'ICMP'), path: 'spec.egress[0].ports[0].protocol', message: 'Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"' },
  { rule: 'protocol is case-sensitive', mutate: (p) => (egressPort(p).protocol = 'tcp'), path: 'spec.egress[0].ports[0].protocol', message: 'Unsupported value: "tcp"' },
  { rule: 'apiVersion matches the kind', mutate: (p) => (p.apiVersion = 'extensions/v1beta1'), path: 'apiVersion', message: 'Unsupported value: "extensions/v1beta1": supported values: "networking.k8s.io/v1"' },
  // API server: ObjectMeta
  { rule: 'metadata.name required', mutate: (p) => delete p.metadata.name, path: 'metadata.name', message: 'Required value: name or generateName is required' },
  { rule: 'metadata.name DNS-1123 subdomain', mutate: (p) => (p.metadata.name = 'Telemetry_Manager'), path: 'metadata.name', message: 'Invalid value: "Telemetry_Manager": a lowercase RFC 1123 subdomain' },
  { rule: 'metadata.name at most 253 characters', mutate: (p) => (p.metadata.name = 'a'.repeat(254)), path: 'metadata.name', message: 'must be no more than 253 characters' },
  { rule: 'metadata.namespace DNS-1123 label', mutate: (p) => (p.metadata.namespace = 'kyma_system'), path: 'metadata.namespace', message: 'Invalid value: "kyma_system": a lowercase RFC 1123 label' },
  { rule: 'metadata.namespace DNS-1123 label: a subdomain only fails on its dots', mutate: (p) => (p.metadata.namespace = 'kyma.system'), path: 'metadata.namespace', message: 'Invalid value: "kyma.system": must not contain dots' },
  { rule: 'metadata.generateName is a DNS-1123 subdomain prefix', mutate: (p) => (p.metadata = { generateName: 'Telemetry-' }), path: 'metadata.generateName', message: 'Invalid value: "Telemetry-": a lowercase RFC 1123 subdomain' },
  { rule: 'metadata.generateName checked beside a name', mutate: (p) => (p.metadata.generateName = 'a..b'), path: 'metadata.generateName', message: 'a lowercase RFC 1123 subdomain' },
  { rule: 'label key syntax in metadata.labels', mutate: (p) => (p.metadata.labels['-bad'] = 'x'), path: 'metadata.labels', message: 'Invalid value: "-bad": name part must consist of alphanumeric characters' },
  { rule: 'label key prefix is a DNS subdomain', mutate: (p) => (p.metadata.labels['Kyma.io/module'] = 'x'), path: 'metadata.labels', message: 'prefix part a lowercase RFC 1123 subdomain' },
  { rule: 'label key has at most one slash', mutate: (p) => (p.metadata.labels['a/b/c'] = 'x'), path: 'metadata.labels', message: 'a qualified name must consist of' },
  { rule: 'label value syntax in metadata.labels', mutate: (p) => (p.metadata.labels.team = 'two words'), path: 'metadata.labels', message: 'Invalid value: "two words": a valid label must be an empty string' },
  { rule: 'label value at most 63 characters', mutate: (p) => (p.metadata.labels.team = 'a'.repeat(64)), path: 'metadata.labels', message: 'must be no more than 63 characters' },
  { rule: 'annotation key syntax', mutate: (p) => (p.metadata.annotations = { 'kyma-project.io/reason why': 'x' }), path: 'metadata.annotations', message: 'Invalid value: "kyma-project.io/reason why": name part must consist' },
  { rule: 'annotations at most 256 KiB in all, counted in bytes (é takes two)', mutate: (p) => (p.metadata.annotations = { a: 'x'.repeat(200_000), b: 'é'.repeat(32_000) }), path: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' },
  { rule: 'ownerReferences: apiVersion has a version', mutate: (p) => (p.metadata.ownerReferences = [owner({ apiVersion: 'apps/' })]), path: 'metadata.ownerReferences.apiVersion', message: 'Invalid value: "apps/": version must not be empty' },
  { rule: 'ownerReferences: kind, name and uid not empty', mutate: (p) => (p.metadata.ownerReferences = [owner({ uid: '' })]), path: 'metadata.ownerReferences.uid', message: 'Invalid value: "": must not be empty' },
  { rule: 'ownerReferences: an Event owns nothing', mutate: (p) => (p.metadata.ownerReferences = [owner({ apiVersion: 'v1', kind: 'Event' })]), path: 'metadata.ownerReferences', message: '/v1, Kind=Event is disallowed from being an owner' },
  { rule: 'ownerReferences: one controller', mutate: (p) => (p.metadata.ownerReferences = [owner({ controller: true }), owner({ name: 'b', controller: true })]), path: 'metadata.ownerReferences', message: 'Only one reference can have Controller set to true. Found "true" in references for Deployment/a and Deployment/b' },
  { rule: 'finalizers are qualified names', mutate: (p) => (p.metadata.finalizers = ['example.com/a b']), path: 'metadata.finalizers', message: 'Invalid value: "example.com/a b": name part must consist' },
  { rule: 'finalizers without a prefix are standard ones', mutate: (p) => (p.metadata.finalizers = ['kubernetes', 'cleanup']), path: 'metadata.finalizers[1]', message: 'Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified' },
  { rule: 'finalizers orphan and foregroundDeletion exclude each other', mutate: (p) => (p.metadata.finalizers = ['orphan', 'foregroundDeletion']), path: 'metadata.finalizers', message: 'finalizer orphan and foregroundDeletion cannot be both set' },
  // API server: selectors
  { rule: 'label key syntax in matchLabels', mutate: (p) => (p.spec.podSelector.matchLabels['app/'] = 'x'), path: 'spec.podSelector.matchLabels', message: 'Invalid value: "app/": name part must be non-empty' },
  { rule: 'label value syntax in matchLabels', mutate: (p) => (ingressPeer(p).namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = 'kyma system'), path: 'spec.ingress[0].from[0].namespaceSelector.matchLabels', message: 'Invalid value: "kyma system": a valid label' },
  { rule: 'selector operator In needs values', mutate: (p) => (ingressPeer(p).podSelector.matchExpressions[0].values = []), path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].values', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" },
  { rule: 'selector operator NotIn needs values', mutate: (p) => (ingressPeer(p).podSelector.matchExpressions[0] = { key: 'a', operator: 'NotIn' }), path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].values', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'" },
  { rule: 'selector operator Exists takes no values', mutate: (p) => (ingressPeer(p).podSelector.matchExpressions[0].operator = 'Exists'), path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].values', message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" },
  { rule: 'selector operator DoesNotExist takes no values', mutate: (p) => (ingressPeer(p).podSelector.matchExpressions[0].operator = 'DoesNotExist'), path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].values', message: 'Forbidden' },
  { rule: 'selector operator is known', mutate: (p) => (ingressPeer(p).podSelector.matchExpressions[0].operator = 'Equals'), path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].operator', message: 'Invalid value: "Equals": not a valid selector operator' },
  { rule: 'selector key syntax in matchExpressions', mutate: (p) => (ingressPeer(p).podSelector.matchExpressions[0].key = 'app name'), path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].key', message: 'Invalid value: "app name"' },
  { rule: 'selector value syntax in matchExpressions', mutate: (p) => (ingressPeer(p).podSelector.matchExpressions[0].values = ['ok', '-bad-']), path: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].values[1]', message: 'Invalid value: "-bad-": a valid label' },
  // API server: ports
  { rule: 'port 1-65535 (zero)', mutate: (p) => (p.spec.ingress[0].ports[0].port = 0), path: 'spec.ingress[0].ports[0].port', message: 'Invalid value: 0: must be between 1 and 65535, inclusive' },
  { rule: 'port 1-65535 (too big)', mutate: (p) => (p.spec.ingress[0].ports[0].port = 65536), path: 'spec.ingress[0].ports[0].port', message: 'Invalid value: 65536: must be between 1 and 65535, inclusive' },
  { rule: 'named port is an IANA service name (letters)', mutate: (p) => (p.spec.ingress[0].ports[0].port = '9443'), path: 'spec.ingress[0].ports[0].port', message: 'Invalid value: "9443": must contain at least one letter (a-z)' },
  { rule: 'named port is an IANA service name (charset)', mutate: (p) => (p.spec.ingress[0].ports[0].port = 'Web_hook'), path: 'spec.ingress[0].ports[0].port', message: 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)' },
  { rule: 'named port is an IANA service name (length)', mutate: (p) => (p.spec.ingress[0].ports[0].port = 'webhook-metrics-port'), path: 'spec.ingress[0].ports[0].port', message: 'must be no more than 15 characters' },
  { rule: 'named port is an IANA service name (hyphens)', mutate: (p) => (p.spec.ingress[0].ports[0].port = 'web--hook'), path: 'spec.ingress[0].ports[0].port', message: 'must not contain consecutive hyphens' },
  { rule: 'named port is an IANA service name (edge hyphen)', mutate: (p) => (p.spec.ingress[0].ports[0].port = 'webhook-'), path: 'spec.ingress[0].ports[0].port', message: 'must not begin or end with a hyphen' },
  { rule: 'named port: the letter rule reports beside the charset rule', mutate: (p) => (p.spec.ingress[0].ports[0].port = '9_9'), path: 'spec.ingress[0].ports[0].port', message: 'Invalid value: "9_9": must contain at least one letter (a-z)' },
  { rule: 'endPort not below port', mutate: (p) => (egressPort(p).endPort = 80), path: 'spec.egress[0].ports[0].endPort', message: 'Invalid value: 80: must be greater than or equal to `port`' },
  { rule: 'endPort 1-65535', mutate: (p) => (p.spec.egress[0].ports[1].endPort = 70000), path: 'spec.egress[0].ports[1].endPort', message: 'Invalid value: 70000: must be between 1 and 65535, inclusive' },
  { rule: 'endPort only with a numeric port', mutate: (p) => (p.spec.egress[0].ports[1].port = 'https'), path: 'spec.egress[0].ports[1].endPort', message: 'Invalid value: 30100: may not be specified when `port` is non-numeric' },
  { rule: 'endPort only with a port', mutate: (p) => delete p.spec.egress[0].ports[1].port, path: 'spec.egress[0].ports[1].endPort', message: 'may not be specified when `port` is not specified' },
  // API server: peers and ipBlock
  { rule: 'peer must specify a peer', mutate: (p) => (p.spec.ingress[0].from[0] = {}), path: 'spec.ingress[0].from[0]', message: 'Required value: must specify a peer' },
  { rule: 'ipBlock exclusive with selectors', mutate: (p) => (ingressPeer(p).ipBlock = { cidr: '10.0.0.0/8' }), path: 'spec.ingress[0].from[0]', message: 'Forbidden: may not specify both ipBlock and another peer' },
  { rule: 'cidr is a CIDR', mutate: (p) => (ipBlock(p).cidr = '10.0.0.1'), path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'Invalid value: "10.0.0.1": must be a valid CIDR value' },
  { rule: 'cidr octets in range', mutate: (p) => (ipBlock(p).cidr = '10.0.0.256/32'), path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'must be a valid CIDR value' },
  { rule: 'cidr prefix in range', mutate: (p) => (p.spec.egress[0].to[1].ipBlock.cidr = '2001:db8::/129'), path: 'spec.egress[0].to[1].ipBlock.cidr', message: 'must be a valid CIDR value' },
  { rule: 'cidr canonical: no host bits (IPv4)', mutate: (p) => (ipBlock(p).cidr = '10.0.0.1/8'), path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length' },
  { rule: 'cidr canonical: no host bits (IPv6)', mutate: (p) => (p.spec.egress[0].to[1].ipBlock.cidr = '2001:db8::1/32'), path: 'spec.egress[0].to[1].ipBlock.cidr', message: 'must not have bits set beyond the prefix length' },
  { rule: 'cidr without leading zeros', mutate: (p) => (ipBlock(p).cidr = '010.0.0.0/8'), path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'must not have leading 0s in IP or prefix length' },
  { rule: 'cidr without leading zeros: an octet of four digits parses (ParseCIDRSloppy)', mutate: (p) => (ipBlock(p).cidr = '0010.0.0.0/8'), path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'Invalid value: "0010.0.0.0/8": must not have leading 0s in IP or prefix length' },
  { rule: 'cidr without leading zeros in a long prefix length', mutate: (p) => (ipBlock(p).cidr = '10.0.0.0/0008'), path: 'spec.egress[0].to[0].ipBlock.cidr', message: 'must not have leading 0s in IP or prefix length' },
  { rule: 'cidr not an IPv4-mapped IPv6 address', mutate: (p) => (p.spec.egress[0].to[1].ipBlock.cidr = '::ffff:10.0.0.0/104'), path: 'spec.egress[0].to[1].ipBlock.cidr', message: 'must not have an IPv4-mapped IPv6 address' },
  { rule: 'except is a valid CIDR', mutate: (p) => (ipBlock(p).except = ['10.1.0.0']), path: 'spec.egress[0].to[0].ipBlock.except[0]', message: 'must be a valid CIDR value' },
  { rule: 'except strictly inside cidr (outside)', mutate: (p) => (ipBlock(p).except = ['192.168.0.0/16']), path: 'spec.egress[0].to[0].ipBlock.except[0]', message: 'Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`' },
  { rule: 'except strictly inside cidr (equal)', mutate: (p) => (ipBlock(p).except = ['10.0.0.0/8']), path: 'spec.egress[0].to[0].ipBlock.except[0]', message: 'must be a strict subset of `cidr`' },
  { rule: 'except of the same family as cidr', mutate: (p) => (ipBlock(p).except = ['2001:db8::/64']), path: 'spec.egress[0].to[0].ipBlock.except[0]', message: 'must be a strict subset of `cidr`' },
  { rule: 'except canonical', mutate: (p) => (ipBlock(p).except = ['10.1.0.1/16']), path: 'spec.egress[0].to[0].ipBlock.except[0]', message: 'must not have bits set beyond the prefix length' },
  // API server: policyTypes
  { rule: 'policyTypes values valid', mutate: (p) => (p.spec.policyTypes = ['Ingress', 'Egres']), path: 'spec.policyTypes[1]', message: 'Unsupported value: "Egres": supported values: "Egress", "Ingress"' },
  { rule: 'policyTypes at most two', mutate: (p) => (p.spec.policyTypes = ['Ingress', 'Egress', 'Ingress']), path: 'spec.policyTypes', message: 'may not specify more than two policyTypes' },
];

t.test('the hardened base policy is valid', async (t) => {
  const result = validateResource(basePolicy());
  t.equal(result.status, 'valid', formatErrors(result.errors));
});

t.test(`rejects ${invalidCases.length} invalid NetworkPolicies`, async (t) => {
  t.ok(invalidCases.length >= 30);
  for (const { rule, mutate, path, message } of invalidCases) {
    t.test(rule, async (t) => {
      const policy = basePolicy();
      mutate(policy);
      const result = validateResource(policy);
      t.equal(result.status, 'invalid');
      const lines = result.errors.map((e) => formatErrors([e]));
      const hit = lines.find((line) => line.startsWith(`${path}: `) && line.includes(message));
      t.ok(hit, `expected "${path}: ...${message}..." in:\n${lines.join('\n')}`);
    });
  }
});

t.test('error text follows the API server field errors', async (t) => {
  const policy = basePolicy();
  policy.spec.ingress[0].ports[0] = { protocol: 'TCP', port: 443, endPort: 80 };
  t.same(formatErrors(validateResource(policy).errors), 'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`');
});

t.test('accepts every example of the Kubernetes NetworkPolicy docs page', async (t) => {
  const dir = join(import.meta.dirname, 'fixtures', 'k8s-docs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  t.ok(files.length >= 12, 'all docs examples are written out');
  for (const file of files) {
    const results = validateDocuments(readFileSync(join(dir, file), 'utf8'));
    t.equal(results.length, 1, `${file}: one resource`);
    t.equal(results[0].status, 'valid', `${file}: ${formatErrors(results[0].errors)}`);
  }
});

t.test('accepts valid variations', async (t) => {
  const variations: Array<(p: Json) => void> = [
    (p) => (p.spec.ingress[0].ports[0].port = 'https'), // named port
    (p) => (p.spec.ingress[0].ports[0] = { protocol: 'SCTP', port: 1 }),
    (p) => (p.spec.egress[0].ports[1].endPort = 30000), // endPort equal to port
    (p) => delete p.spec.policyTypes, // defaults apply
    (p) => (p.spec.egress[0].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]),
    (p) => (p.spec.egress[0].to[1].ipBlock = { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] }),
    (p) => (p.spec.egress[0].ports[0].protocol = null), // optional scalar may be null
    (p) => (p.metadata = { generateName: 'telemetry-' }),
    (p) => (p.metadata.generateName = 'a.-'), // upstream's maskTrailingDash drops two characters for one
    (p) => (p.metadata.labels['example.com/empty'] = ''),
    // the API server has no uniqueness rule for policyTypes: at most two values, each Ingress or Egress
    (p) => (p.spec.policyTypes = ['Ingress', 'Ingress']),
    (p) => (p.spec.policyTypes = ['Egress', 'Egress']),
    // IsValidCIDRForLegacyField takes IPv6 text that is not in RFC 5952 form (the server only warns)
    (p) => (p.spec.egress[0].to[1].ipBlock.cidr = '2001:DB8:0::/32'),
    (p) => (p.spec.egress[0].to[1].ipBlock = { cidr: '2001:0db8::/32', except: ['2001:DB8:1::/48'] }),
    (p) => (p.metadata.finalizers = ['kubernetes', 'orphan', 'example.com/cleanup']),
    (p) => (p.metadata.ownerReferences = [owner({ controller: true }), owner({ name: 'b', controller: false })]),
    (p) => (p.metadata.annotations = { a: 'x'.repeat(262_143) }),
  ];
  for (const [i, mutate] of variations.entries()) {
    const policy = basePolicy();
    mutate(policy);
    const result = validateResource(policy);
    t.equal(result.status, 'valid', `variation ${i}: ${mutate.toString()}: ${formatErrors(result.errors)}`);
  }
});

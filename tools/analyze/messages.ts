// Every warning and error text of the analyzer, defined once.

export const messages = {
  pathNotFound: (path: string) => `no such file or directory: ${path}`,
  noPaths: () => 'give at least one file or folder of manifests',
  undecodable: (source: string, line: number, reason: string) =>
    `skipping ${source}: cannot decode YAML/JSON (only the document at line ${line}: ${reason})`,
  notAManifest: (source: string) => `skipping a document in ${source}: not a Kubernetes manifest (no kind)`,
  unknownKind: (source: string, kind: string) => `skipping ${kind} in ${source}: kind not analyzed`,
  missingName: (source: string, kind: string) => `skipping ${kind} in ${source}: metadata.name missing`,
  invalidCidr: (policy: string, cidr: string) => `policy ${policy}: ipBlock cidr "${cidr}" is not a valid CIDR; the peer matches nothing`,
  missingCidr: (policy: string) => `policy ${policy}: ipBlock without a cidr; the peer matches nothing`,
  invalidExcept: (policy: string, cidr: string) => `policy ${policy}: ipBlock except "${cidr}" is not a valid CIDR; ignored`,
  invalidProtocol: (policy: string, protocol: string) => `policy ${policy}: unknown protocol "${protocol}"; the port entry matches nothing`,
  invalidPort: (policy: string, port: string) => `policy ${policy}: port "${port}" is neither a number in 1-65535 nor a name; the port entry matches nothing`,
  invalidEndPort: (policy: string, port: string) => `policy ${policy}: endPort needs a numeric port not above it (port ${port}); the port entry matches nothing`,
  invalidSelector: (policy: string, operator: string) => `policy ${policy}: unknown selector operator "${operator}"; the selector matches nothing`,
  incompleteRequirement: (policy: string, field: 'key' | 'operator') =>
    `policy ${policy}: a selector's matchExpressions entry without ${field}; the selector matches nothing`,
  emptyPeer: (policy: string) => `policy ${policy}: a peer without podSelector, namespaceSelector or ipBlock; it matches nothing`,
  invalidPodIp: (pod: string, ip: string) => `pod ${pod}: status podIP "${ip}" is not an IP address; ignored`,
  invalidNodeIp: (node: string, ip: string) => `node ${node}: status address "${ip}" is not an IP address; ignored`,
  mixedWorkload: (workload: string) =>
    `pods of ${workload} differ in labels, ports or hostNetwork; its connections are the union over its pods`,
  unknownPeer: (text: string) =>
    `no pod "${text}" (namespace/name) or node (name) in the manifests and not an IP address`,
  unknownReading: (reading: string, known: readonly string[]) => `unknown ipBlock reading "${reading}"; use one of ${known.join(', ')}`,
  unknownFormat: (format: string, known: readonly string[]) => `unknown format "${format}"; use one of ${known.join(', ')}`,
  unknownProtocol: (protocol: string) => `unknown protocol "${protocol}"; use TCP, UDP or SCTP`,
  badPortArgument: (port: string) => `port "${port}" is not a number in 1-65535`,
} as const;

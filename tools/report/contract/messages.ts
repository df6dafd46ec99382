// Every message of the flow contract and the `check` command, written once.
export const contractText = {
  // the contract data
  unreadable: (file: string, detail: string) => `cannot read the flow contract ${file}: ${detail}`,
  invalid: (file: string, where: string, detail: string) => `flow contract ${file}: ${where}: ${detail}`,
  unknownPeer: (name: string) => `unknown peer or group '${name}'`,
  badCondition: (text: string) => `unknown condition '${text}' (expected a value, empty, nonEmpty, contains X or lacks X)`,
  noProbe: 'a required flow on any port needs `probe` ports',
  noPeers: 'pods and addresses lists are required',
  noFlows: 'a flows list is required',
  duplicateId: 'every flow needs a unique id',
  noSource: 'every flow cites its source',
  badExpect: (value: unknown) => `expect: '${String(value)}' (expected required, forbidden or allowed)`,
  entriesWithoutPodsOf: 'ports: ofEntries needs `to: {podsOf: KEY}`',
  badCidr: (key: string, cidr: string) => `${key}: '${cidr}' is not a CIDR`,

  // verdicts
  readings: (readings: string[]) => (readings.length === 2 ? 'under both readings' : `under the ${readings[0]} reading`),
  requiredDenied: (flow: string, src: string, dst: string, conn: string, readings: string) =>
    `required flow ${flow} is denied ${readings}: ${src} → ${dst} ${conn}`,
  forbiddenAllowed: (flow: string, src: string, dst: string, conn: string, readings: string) =>
    `forbidden flow ${flow} is allowed ${readings}: ${src} → ${dst} ${conn}`,
  uncovered: (src: string, dst: string, conns: string, readings: string) =>
    `connection outside the contract allowed ${readings}: ${src} → ${dst} ${conns}`,
  source: (text: string) => `contract: ${text}`,
  explainDirection: (direction: string, subject: string, selectedBy: string[], rules: { policy: string; index: number; comment?: string }[], allowed: boolean) =>
    selectedBy.length === 0
      ? `${direction} of ${subject}: no policy selects it (open)`
      : allowed
        ? `${direction} of ${subject}: allowed by ${rules.map((r) => `${r.policy} ${direction} rule ${r.index + 1}${r.comment ? ` ("${r.comment}")` : ''}`).join(', ')}`
        : `${direction} of ${subject}: denied: selected by ${selectedBy.join(', ')}, no ${direction} rule admits it`,
  more: (n: number) => `… and ${n} more`,

  // the check command
  checking: (what: string, helm: string) => `check ${what}${helm}`,
  renderedBy: (version: string) => ` (rendered with helm ${version})`,
  givenManifests: (file: string) => `the manifests in ${file}`,
  defaults: 'the defaults',
  renderedOk: 'schema, API rules, lint, invariants: ok',
  renderedFailed: (n: number) => `schema, API rules, lint, invariants: ${n} problem(s)`,
  contractOk: (s: { flows: number; required: number; forbidden: number; checks: number; pairs: number }) =>
    `contract: ok — ${s.flows} flows in force (${s.required} required, ${s.forbidden} forbidden), ${s.checks} flow checks and ${s.pairs} peer pairs under both readings`,
  contractFailed: (n: number) => `contract: ${n} failure(s)`,
  failed: (n: number) => `${n} problem(s) found`,
  missingFile: (file: string) => `${file}: no such file`,
  passed: 'ok',
} as const;

// Every message of the flow contract and of the `check` command, written once.
import type { Reading } from '../analyze/index.ts';

export const contractText = {
  // the contract data
  unreadable: (file: string, detail: string) => `cannot read the flow contract ${file}: ${detail}`,
  invalid: (file: string, where: string, detail: string) => `flow contract ${file}: ${where}: ${detail}`,
  unknownPeer: (name: string) => `unknown peer or group '${name}'`,
  badCondition: (text: string) =>
    `unknown condition '${text}' (expected a value, empty, nonEmpty, contains X, lacks X, a list of these, istio: true|false, or anyOf/allOf/not of condition maps)`,
  badPorts: (text: string) => `ports: '${text}' (expected a list of ports, any, declared, ofEntries or {values: KEY})`,
  badReading: (name: string, readings: readonly string[]) => `unknown reading '${name}' (expected ${readings.join(' or ')})`,
  badKind: (kind: unknown) => `kind: '${String(kind)}' (expected pod, host or outside)`,
  noNamespace: 'a pod (and a host that is no node) needs a namespace',
  noAddresses: 'a host or outside peer needs addresses, or cidrs',
  hostCidrs: 'a host has fixed addresses, not cidrs',
  noList: 'an entries item names the values list it reads (list: KEY)',
  duplicatePeer: 'every peer needs a unique id',
  noProbe: 'a required flow on any port needs `probe` ports',
  noPeers: 'a peers list is required',
  noFlows: 'a flows list is required',
  duplicateId: 'every flow needs a unique id',
  noSource: 'every flow cites its source',
  badExpect: (value: unknown) => `expect: '${String(value)}' (expected required, forbidden or allowed)`,
  entriesWithoutPodsOf: 'ports: ofEntries needs `to: {podsOf: KEY}`',
  badCidr: (key: string, cidr: string) => `${key}: '${cidr}' is not a CIDR`,
  badAddress: (id: string, address: string) => `peer ${id}: '${address}' is not an address`,

  // verdicts
  readings: (readings: readonly Reading[]) =>
    readings.length === 1 ? `under the ${readings[0]} reading` : `under the ${[...readings].sort().join(' and ')} readings`,
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
  hostOpen: (direction: string, subject: string) => `${direction} of ${subject}: a host-network endpoint, no policy applies (open)`,
  more: (n: number) => `… and ${n} more`,

  // the check command
  checking: (what: string, helm: string) => `check ${what}${helm}`,
  renderedBy: (version: string) => ` (rendered with helm ${version})`,
  givenManifests: (file: string) => `the manifests in ${file}`,
  defaults: 'the defaults',
  renderedOk: 'schema, API rules, lint, invariants: ok',
  renderedFailed: (n: number) => `schema, API rules, lint, invariants: ${n} problem(s)`,
  contractOk: (s: { flows: number; required: number; forbidden: number; checks: number; pairs: number }) =>
    `contract: ok — ${s.flows} flows in force (${s.required} required, ${s.forbidden} forbidden), ${s.checks} flow checks and ${s.pairs} peer pairs under the calico and cilium readings`,
  contractFailed: (n: number) => `contract: ${n} failure(s)`,
  failed: (n: number) => `${n} problem(s) found`,
  missingFile: (file: string) => `${file}: no such file`,
  passed: 'ok',

  // --existing
  existingMissing: (file: string) => `--existing ${file}: no such file (write it with \`kubectl get networkpolicies -A -o yaml > ${file}\`)`,
  existingBroken: (file: string, detail: string) => `--existing ${file}: not all of it is YAML or JSON: ${detail}`,
  existingEmpty: (file: string) => `--existing ${file}: holds no NetworkPolicy (expected what \`kubectl get networkpolicies -A -o yaml\` prints)`,
  existingNone: (n: number) => `existing policies: ${n} beside the chart, none reopens what the chart closes`,
  existingReopens: (n: number, policies: number) => `existing policies: ${policies} beside the chart reopen ${n} connection(s) the chart closes`,
  reopenedBy: (rule: string, workload: string, n: number) => `${rule} reopens ${n} connection(s) of ${workload}:`,
  reopened: (src: string, dst: string, conns: string, readings: string, others: readonly string[]) =>
    `${src} → ${dst} ${conns} ${readings}${others.length ? ` (with ${others.join(', ')})` : ''}`,
} as const;

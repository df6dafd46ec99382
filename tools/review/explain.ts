// `explain`: the verdict for one port between two peers under each CNI reading of ipBlock, and for each
// direction the policies that select the subject and the rules that admit the port, summarized so a reviewer
// need not open the YAML.
import {
  PROTOCOLS, READINGS, explain, type Cluster, type DirectionExplanation, type Policy, type Protocol, type Reading, type Rule,
  type RulePeer, type Selector,
} from '../analyze/index.ts';
import { ruleComments } from '../contract/index.ts';
import { UserError } from '../errors.ts';
import { messages } from './messages.ts';
import type { NamedPeer, Review } from './session.ts';

export interface PortArg { port: number; protocol: Protocol }

/** `8888/TCP`, `53/udp` or `8888` (TCP). */
export function parsePortArg(text: string): PortArg {
  const m = /^(\d{1,5})(?:\/([A-Za-z]+))?$/.exec(text.trim());
  const port = m ? Number(m[1]) : NaN;
  const protocol = (m?.[2] ?? 'TCP').toUpperCase();
  if (!m || port < 1 || port > 65535 || !(PROTOCOLS as readonly string[]).includes(protocol)) throw new UserError(messages.badPort(text));
  return { port, protocol: protocol as Protocol };
}

function selectorText(s: Selector): string {
  if (!s.valid) return 'nothing (invalid selector)';
  if (s.requirements.length === 0) return 'any';
  return s.requirements
    .map((r) => {
      if (r.operator === 'Exists') return `${r.key}`;
      if (r.operator === 'DoesNotExist') return `!${r.key}`;
      if (r.operator === 'In' && r.values.length === 1) return `${r.key}=${r.values[0]}`;
      return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`;
    })
    .join(', ');
}

export function peerText(peer: RulePeer, policy: Policy): string {
  if (peer.type === 'invalid') return 'an invalid peer (matches nothing)';
  if (peer.type === 'ipBlock') return `ipBlock ${peer.cidr}${peer.except.length ? ` except ${peer.except.join(', ')}` : ''}`;
  const pods = peer.podSelector ? `pods [${selectorText(peer.podSelector)}]` : 'all pods';
  const namespaces = peer.namespaceSelector ? `namespaces [${selectorText(peer.namespaceSelector)}]` : `namespace ${policy.namespace}`;
  return `${pods} in ${namespaces}`;
}

export function ruleText(rule: Rule, policy: Policy, direction: 'ingress' | 'egress'): string {
  const peers = rule.peers === undefined ? 'every peer' : rule.peers.map((p) => peerText(p, policy)).join('; ');
  const numeric = rule.numericPorts.isAll() ? 'every port' : rule.numericPorts.isEmpty() ? '' : rule.numericPorts.toString();
  const named = rule.namedPorts.map((n) => `${n.protocol} ${n.name}`);
  const ports = [numeric, ...named].filter(Boolean).join(',') || 'no port';
  return `${direction === 'ingress' ? 'from' : 'to'} ${peers}; ports ${ports}`;
}

function policyById(cluster: Cluster, id: string): Policy | undefined {
  return cluster.policies.find((p) => p.id === id);
}

type Intents = ReturnType<typeof ruleComments>;

function directionLines(
  review: Review,
  intents: Intents,
  direction: 'egress' | 'ingress',
  subject: NamedPeer,
  d: DirectionExplanation,
  port: PortArg,
): string[] {
  const head = `${direction} (${direction === 'egress' ? 'source' : 'destination'} ${subject.label}):`;
  const portText = `${port.port}/${port.protocol}`;
  const name = (id: string) => `${policyById(review.cluster, id)?.name ?? id}${review.existing.has(id) ? ' [existing]' : ''}`;
  if (subject.kind !== 'pod') return [`${head} ${subject.kind === 'host' ? 'a host-network endpoint' : 'an address outside the cluster'}: no policy applies`];
  if (d.selectedBy.length === 0) return [`${head} no policy selects it: open`];
  const selected = d.selectedBy.map(name).join(', ');
  if (!d.allowed) return [`${head} DENIED`, `  selected by ${selected}; no rule admits port ${portText}`];
  const lines = [`${head} ALLOWED`, `  selected by ${selected}; port ${portText} admitted by:`];
  for (const { policy: id, index } of d.matchingRules) {
    const policy = policyById(review.cluster, id);
    const rule = policy?.[direction][index];
    const intent = policy ? intents.get(policy.id)?.[direction][index] : undefined;
    lines.push(`  - ${name(id)} ${direction} rule ${index}${intent ? ` "${intent}"` : ''}`);
    if (policy && rule) lines.push(`      ${ruleText(rule, policy, direction)}`);
  }
  return lines;
}

/**
 * The explain report: the verdict under each CNI reading of ipBlock, then, per reading, each direction with
 * the policies that select the subject and the rules that admit the port. Readings that decide alike are
 * explained once.
 */
export function explainText(review: Review, from: NamedPeer, to: NamedPeer, port: PortArg): { allowed: Record<Reading, boolean>; text: string } {
  const intents = ruleComments(review.rendered);
  const verdicts = READINGS.map((reading) => {
    const e = explain(review.cluster, from.peer, to.peer, port.port, port.protocol, { reading });
    const body = [
      ...directionLines(review, intents, 'egress', from, e.egress, port),
      ...directionLines(review, intents, 'ingress', to, e.ingress, port),
    ];
    return { reading, allowed: e.allowed, body };
  });
  const verdictText = (allowed: boolean) => (allowed ? 'ALLOWED' : 'DENIED');
  const lines = [
    `${from.label} -> ${to.label} on ${port.port}/${port.protocol}: ${verdicts.map((v) => `${verdictText(v.allowed)} (${v.reading})`).join(', ')}`,
  ];
  const [first, ...rest] = verdicts;
  if (rest.every((v) => v.body.join('\n') === first.body.join('\n'))) {
    lines.push(`${verdicts.map((v) => v.reading).join(' and ')}:`, ...first.body.map((l) => `  ${l}`));
  } else {
    for (const v of verdicts) lines.push(`${v.reading}:`, ...v.body.map((l) => `  ${l}`));
  }
  return { allowed: Object.fromEntries(verdicts.map((v) => [v.reading, v.allowed])) as Record<Reading, boolean>, text: `${lines.join('\n')}\n` };
}

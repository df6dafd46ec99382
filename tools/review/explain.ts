// `explain`: the verdict for one port between two peers, and for each direction the policies that
// select the subject and the rules that admit the port, summarized so a reviewer need not open the YAML.
import { explain, type Cluster, type DirectionExplanation, type Policy, type Protocol, type Rule, type RulePeer, type Selector } from '../analyze/index.ts';
import { PROTOCOLS } from '../analyze/index.ts';
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

type Intents = Map<string, { ingress: (string | undefined)[]; egress: (string | undefined)[] }>;

/**
 * The comment above each rule of the rendered policies (the model's intent), by policy name and rule
 * index. Rules without a comment (extra rules from values) get none.
 */
export function ruleIntents(rendered: string): Intents {
  const intents: Intents = new Map();
  for (const doc of rendered.split(/^---\s*$/m)) {
    const name = /^kind: NetworkPolicy$/m.test(doc) ? /^ {2}name: (\S+)$/m.exec(doc)?.[1] : undefined;
    if (!name) continue;
    const entry = { ingress: [] as (string | undefined)[], egress: [] as (string | undefined)[] };
    let section: 'ingress' | 'egress' | undefined;
    let pending: string | undefined;
    for (const line of doc.split('\n')) {
      const head = /^ {2}(ingress|egress):\s*$/.exec(line);
      if (head) {
        section = head[1] as 'ingress' | 'egress';
        pending = undefined;
        continue;
      }
      if (!section || line.trim() === '') continue;
      if (!/^ {4}/.test(line)) {
        section = undefined;
        continue;
      }
      const comment = /^ {4}# (.*)$/.exec(line);
      if (comment) pending = comment[1];
      else if (/^ {4}- /.test(line)) {
        entry[section].push(pending);
        pending = undefined;
      }
    }
    intents.set(name, entry);
  }
  return intents;
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
  const name = (id: string) => policyById(review.cluster, id)?.name ?? id;
  if (d.selectedBy.length === 0) return [`${head} no policy selects ${subject.ref}: open`];
  const selected = d.selectedBy.map(name).join(', ');
  if (!d.allowed) return [`${head} DENIED`, `  selected by ${selected}; no rule admits port ${portText}`];
  const lines = [`${head} ALLOWED`, `  selected by ${selected}; port ${portText} admitted by:`];
  for (const { policy: id, index } of d.matchingRules) {
    const policy = policyById(review.cluster, id);
    const rule = policy?.[direction][index];
    const intent = policy ? intents.get(policy.name)?.[direction][index] : undefined;
    lines.push(`  - ${name(id)} ${direction} rule ${index}${intent ? ` "${intent}"` : ''}`);
    if (policy && rule) lines.push(`      ${ruleText(rule, policy, direction)}`);
  }
  return lines;
}

/** The explain report as lines: the verdict, then egress and ingress. */
export function explainText(review: Review, from: NamedPeer, to: NamedPeer, port: PortArg): { allowed: boolean; text: string } {
  const e = explain(review.cluster, from.peer, to.peer, port.port, port.protocol);
  const intents = ruleIntents(review.rendered);
  const lines = [
    `${from.label} -> ${to.label} on ${port.port}/${port.protocol}: ${e.allowed ? 'ALLOWED' : 'DENIED'}`,
    ...directionLines(review, intents, 'egress', from, e.egress, port),
    ...directionLines(review, intents, 'ingress', to, e.ingress, port),
  ];
  return { allowed: e.allowed, text: `${lines.join('\n')}\n` };
}

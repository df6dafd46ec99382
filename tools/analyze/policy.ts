// NetworkPolicy (networking.k8s.io/v1) normalized into the shapes the engine evaluates, with the
// API defaults applied: policyTypes, protocol TCP, absent/empty `from`/`to`/`ports` meaning "all".
import { ConnectionSet, MAX_PORT, MIN_PORT, type Protocol, isProtocol } from './connection-set.ts';
import { type IpSet, type IpRange, ipSetMinus, ipSetOfRanges, parseCidr } from './ip.ts';
import { messages } from './messages.ts';
import { MATCH_ALL, type Selector, type SelectorProblem, parseSelector } from './selectors.ts';
import type { Manifest } from './manifests.ts';

/** A peer of a rule: pods chosen by selectors, or addresses of an ipBlock. */
export type RulePeer =
  | {
      readonly type: 'pods';
      /** Absent: the policy's own namespace. */
      readonly namespaceSelector?: Selector;
      /** Absent: every pod of the selected namespaces. */
      readonly podSelector?: Selector;
    }
  | { readonly type: 'ipBlock'; readonly cidr: string; readonly except: readonly string[]; readonly addresses: IpSet }
  | { readonly type: 'invalid' };

export interface NamedPort {
  readonly name: string;
  readonly protocol: Protocol;
}

export interface Rule {
  /** Position in the policy's ingress or egress list (for explain). */
  readonly index: number;
  /** undefined: absent or empty `from`/`to`, i.e. every source/destination, pods and addresses. */
  readonly peers: readonly RulePeer[] | undefined;
  /** The numeric ports (all connections when the rule lists no ports). */
  readonly numericPorts: ConnectionSet;
  /** Named ports, resolved per destination pod against its container ports. */
  readonly namedPorts: readonly NamedPort[];
}

export interface Policy {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name` */
  readonly id: string;
  readonly podSelector: Selector;
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
}

function selectorWarning(id: string, problem: SelectorProblem): string {
  return 'missing' in problem ? messages.incompleteRequirement(id, problem.missing) : messages.invalidSelector(id, problem.operator);
}

function parsePeer(raw: any, warn: (m: string) => void, id: string): RulePeer {
  if (raw?.ipBlock) {
    if (raw.ipBlock.cidr === undefined || raw.ipBlock.cidr === null) {
      warn(messages.missingCidr(id));
      return { type: 'invalid' };
    }
    const cidr = String(raw.ipBlock.cidr);
    const range = parseCidr(cidr);
    if (!range) {
      warn(messages.invalidCidr(id, cidr));
      return { type: 'invalid' };
    }
    const except: string[] = Array.isArray(raw.ipBlock.except) ? raw.ipBlock.except.map(String) : [];
    const excluded = except.flatMap((e): IpRange[] => {
      const r = parseCidr(e);
      if (!r) warn(messages.invalidExcept(id, e));
      return r ? [r] : [];
    });
    return { type: 'ipBlock', cidr, except, addresses: ipSetMinus(ipSetOfRanges([range]), ipSetOfRanges(excluded)) };
  }
  const onInvalid = (problem: SelectorProblem) => warn(selectorWarning(id, problem));
  const hasNs = raw?.namespaceSelector !== undefined && raw?.namespaceSelector !== null;
  const hasPod = raw?.podSelector !== undefined && raw?.podSelector !== null;
  if (!hasNs && !hasPod) {
    warn(messages.emptyPeer(id));
    return { type: 'invalid' };
  }
  return {
    type: 'pods',
    namespaceSelector: hasNs ? parseSelector(raw.namespaceSelector, onInvalid) : undefined,
    podSelector: hasPod ? parseSelector(raw.podSelector, onInvalid) : undefined,
  };
}

function parsePorts(raw: unknown, warn: (m: string) => void, id: string): Pick<Rule, 'numericPorts' | 'namedPorts'> {
  if (!Array.isArray(raw) || raw.length === 0) return { numericPorts: ConnectionSet.ALL, namedPorts: [] };
  let numericPorts = ConnectionSet.NONE;
  const namedPorts: NamedPort[] = [];
  for (const entry of raw) {
    const protocol = entry?.protocol ?? 'TCP';
    if (!isProtocol(protocol)) {
      warn(messages.invalidProtocol(id, String(protocol)));
      continue;
    }
    const port = entry?.port;
    const endPort = entry?.endPort;
    if (port === undefined || port === null) {
      numericPorts = numericPorts.union(ConnectionSet.of(protocol));
      continue;
    }
    const number = typeof port === 'number' ? port : /^\d+$/.test(String(port)) ? Number(port) : undefined;
    if (number === undefined) {
      if (endPort !== undefined && endPort !== null) warn(messages.invalidEndPort(id, String(port)));
      else namedPorts.push({ name: String(port), protocol });
      continue;
    }
    const last = endPort === undefined || endPort === null ? number : Number(endPort);
    if (!Number.isInteger(number) || number < MIN_PORT || number > MAX_PORT) warn(messages.invalidPort(id, String(port)));
    else if (!Number.isInteger(last) || last < number || last > MAX_PORT) warn(messages.invalidEndPort(id, String(port)));
    else numericPorts = numericPorts.union(ConnectionSet.of(protocol, number, last));
  }
  return { numericPorts, namedPorts };
}

function parseRules(raw: unknown, peersKey: 'from' | 'to', warn: (m: string) => void, id: string): Rule[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((rule: any, index): Rule => {
    const peers = Array.isArray(rule?.[peersKey]) && rule[peersKey].length > 0 ? rule[peersKey] : undefined;
    return {
      index,
      peers: peers?.map((p: unknown) => parsePeer(p, warn, id)),
      ...parsePorts(rule?.ports, warn, id),
    };
  });
}

/** Normalizes a NetworkPolicy manifest; problems go to `warn` and make the affected part match nothing. */
export function parsePolicy(manifest: Manifest, warn: (message: string) => void): Policy {
  const namespace = manifest.metadata?.namespace || 'default';
  const name = manifest.metadata?.name ?? '';
  const id = `${namespace}/${name}`;
  const spec = manifest.spec ?? {};
  const declared: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  // API defaulting: without policyTypes, Ingress always, Egress only when egress rules exist.
  const types = declared.length > 0 ? declared : ['Ingress', ...(Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Egress'] : [])];
  return {
    namespace,
    name,
    id,
    podSelector: spec.podSelector ? parseSelector(spec.podSelector, (problem) => warn(selectorWarning(id, problem))) : MATCH_ALL,
    affectsIngress: types.includes('Ingress'),
    affectsEgress: types.includes('Egress'),
    ingress: parseRules(spec.ingress, 'from', warn, id),
    egress: parseRules(spec.egress, 'to', warn, id),
  };
}

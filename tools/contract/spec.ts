// The contract data (test/contract/topology.yaml and flows.yaml) as types, loaded and checked once, and the
// condition language of `when`: it reads the values tree by dotted key and the cluster facts by the pseudo-key
// `capabilities.<fact>`, through a reader that can record what it read (the caches key on exactly that).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { UserError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { READINGS, type Protocol, type Reading } from '../analyze/index.ts';
import { contractText } from './messages.ts';

export const contractDir = join(projectRoot, 'test', 'contract');

/** What the chart reads of the cluster (`.Capabilities`): whether it serves an `*.istio.io` API. */
export interface Facts { istioApi: boolean }
export const NO_FACTS: Facts = { istioApi: false };

export type PeerKind = 'pod' | 'host' | 'outside';
export const PEER_KINDS: readonly PeerKind[] = ['pod', 'host', 'outside'];

export type NamespaceSpec = string | { each: string; else: string };
export interface PortSpec { name?: string; port: number; protocol?: Protocol }
export type Conditions = Record<string, unknown>;

/** One entry of `peers:` in topology.yaml. */
export interface PeerSpec {
  id: string;
  kind: PeerKind;
  component?: string;
  when?: Conditions;
  /** pods and host-network pods */
  namespace?: NamespaceSpec;
  labels?: Record<string, string>;
  labelsFrom?: string;
  ports?: PortSpec[];
  /** a host that is a Node object (else a host-network pod) */
  node?: boolean;
  /** hosts and outside peers: fixed addresses */
  addresses?: string[];
  /** outside peers: one address inside each CIDR at this values key */
  cidrs?: string;
  host?: number;
  else?: string[];
}

/** One entry of `entries:`: a pod per entry of a values list, and its decoy. */
export interface EntrySpec { id: string; list: string; decoy?: string }

export interface TopologySpec {
  releaseNamespace: string;
  podNetwork: { IPv4: string; IPv6: string };
  outsideNamespace: string;
  namespaces: { name: string; labelsWhen?: { when: Conditions; labels: Record<string, string> }[] }[];
  peers: PeerSpec[];
  entries: EntrySpec[];
  outside: { IPv4: string[]; IPv6: string[] };
  groups: Record<string, string[]>;
}

export type PeerExpr =
  | string
  | PeerExpr[]
  | { pods: { labels: Record<string, string> | { values: string }; namespaces: string | string[] } }
  | { cidrs: string }
  | { podsOf: string };
export type PortsExpr = number[] | 'any' | 'declared' | 'ofEntries' | { values: string };
export type Expect = 'required' | 'forbidden' | 'allowed';

export interface FlowSpec {
  id: string;
  source: string;
  from: PeerExpr;
  to: PeerExpr;
  ports: PortsExpr;
  protocols?: Protocol[];
  probe?: number[];
  expect: Expect;
  when?: Conditions;
  readings?: Reading[];
}

/** An entry of a list such as backends.logs.inCluster or webhooks.callers.pods. */
export interface PodsEntry {
  namespace?: string;
  namespaceLabels?: Record<string, unknown>;
  podLabels?: Record<string, unknown>;
  ports?: number[];
}

export interface ContractSpec {
  topology: TopologySpec;
  flows: FlowSpec[];
  dir: string;
  /** each flow's `when`, compiled */
  conditions: Test[];
  /** each topology peer's `when`, and each namespace's `labelsWhen` conditions, compiled */
  peerConditions: Test[];
  namespaceConditions: Test[][];
}

// ---------------------------------------------------------------- reading values and facts

const paths = new Map<string, string[]>();

export function valueAt(values: unknown, key: string): unknown {
  let path = paths.get(key);
  if (!path) paths.set(key, (path = key.split('.')));
  let node: unknown = values;
  for (const k of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

const CAPABILITIES = 'capabilities.';

/**
 * Reads the values by dotted key and the facts by `capabilities.<fact>`. With `track()`, it records every key
 * it reads, so that a result computed through it can be cached by the values at exactly those keys.
 */
export class ValuesReader {
  private read?: Set<string>;
  constructor(readonly values: object, readonly facts: Facts) {}

  get(key: string): unknown {
    this.read?.add(key);
    if (key.startsWith(CAPABILITIES)) return (this.facts as unknown as Record<string, unknown>)[key.slice(CAPABILITIES.length)];
    return valueAt(this.values, key);
  }

  list(key: string): unknown[] {
    const v = this.get(key);
    return Array.isArray(v) ? v : [];
  }

  /** Runs `fn`, returning what it computed and the keys it read. */
  track<T>(fn: () => T): { result: T; keys: Set<string> } {
    const outer = this.read;
    const keys = new Set<string>();
    this.read = keys;
    try {
      return { result: fn(), keys };
    } finally {
      this.read = outer;
      if (outer) for (const k of keys) outer.add(k);
    }
  }
}

/** Istio sidecars run: istio.enabled is true, or `auto` and the cluster serves an `*.istio.io` API (the chart's own rule). */
export function istioRuns(reader: ValuesReader): boolean {
  const enabled = reader.get('istio.enabled');
  return enabled === true || (enabled === 'auto' && reader.get('capabilities.istioApi') === true);
}

// ---------------------------------------------------------------- the condition language

export type Test = (reader: ValuesReader) => boolean;

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0);

function valueTest(condition: unknown, fail: (detail: string) => never): (actual: unknown) => boolean {
  if (Array.isArray(condition)) {
    const all = condition.map((c) => valueTest(c, fail));
    return (actual) => all.every((t) => t(actual));
  }
  if (condition === 'empty') return isEmpty;
  if (condition === 'nonEmpty') return (actual) => !isEmpty(actual);
  if (typeof condition === 'string') {
    const m = /^(contains|lacks) (.+)$/.exec(condition);
    if (m) {
      const wanted = m[2];
      const wants = m[1] === 'contains';
      return (actual) => (Array.isArray(actual) && actual.some((a) => String(a) === wanted)) === wants;
    }
  }
  if (['string', 'number', 'boolean'].includes(typeof condition)) return (actual) => actual === condition;
  return fail(contractText.badCondition(JSON.stringify(condition)));
}

/** Compiles a `when` map: every entry holds (anyOf, allOf, not, istio and capabilities.* included). */
export function compileConditions(when: unknown, fail: (detail: string) => never): Test {
  if (when === undefined || when === null) return () => true;
  if (typeof when !== 'object' || Array.isArray(when)) return fail(contractText.badCondition(JSON.stringify(when)));
  const tests = Object.entries(when as Record<string, unknown>).map(([key, condition]): Test => {
    if (key === 'anyOf' || key === 'allOf') {
      if (!Array.isArray(condition) || condition.length === 0) return fail(contractText.badCondition(`${key}: ${JSON.stringify(condition)}`));
      const parts = condition.map((c) => compileConditions(c, fail));
      return key === 'anyOf' ? (r) => parts.some((t) => t(r)) : (r) => parts.every((t) => t(r));
    }
    if (key === 'not') {
      const inner = compileConditions(condition, fail);
      return (r) => !inner(r);
    }
    if (key === 'istio') {
      if (typeof condition !== 'boolean') return fail(contractText.badCondition(`istio: ${JSON.stringify(condition)}`));
      return (r) => istioRuns(r) === condition;
    }
    const test = valueTest(condition, fail);
    return (r) => test(r.get(key));
  });
  return (r) => tests.every((t) => t(r));
}

// ---------------------------------------------------------------- loading

function readYaml(file: string): any {
  try {
    return load(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(contractText.unreadable(file, (err as Error).message.split('\n')[0]));
  }
}

/** The names a flow may use besides topology ids and groups. */
export const BUILTIN_PEERS = ['any', 'anyPod', 'anyHost', 'anyOutside', 'notModule', 'outside'] as const;

/** The ids an entry list generates. */
export const entryIds = (e: EntrySpec) => [e.id, ...(e.decoy ? [e.decoy] : [])];

const cache = new Map<string, ContractSpec>();

/** The contract in `dir` (default test/contract), checked for shape; throws UserError when malformed. */
export function loadContract(dir = contractDir): ContractSpec {
  const known = cache.get(dir);
  if (known) return known;
  const topologyFile = join(dir, 'topology.yaml');
  const flowsFile = join(dir, 'flows.yaml');
  const topology = readYaml(topologyFile) as TopologySpec;
  const flows = (readYaml(flowsFile) as { flows: FlowSpec[] } | undefined)?.flows;
  const fail = (file: string, where: string) => (detail: string): never => {
    throw new UserError(contractText.invalid(file, where, detail));
  };
  if (!topology || !Array.isArray(topology.peers)) fail(topologyFile, 'top level')(contractText.noPeers);
  if (!Array.isArray(flows)) return fail(flowsFile, 'top level')(contractText.noFlows);
  topology.entries ??= [];
  topology.groups ??= {};
  topology.namespaces ??= [];

  const ids = new Set<string>();
  const peerConditions: Test[] = [];
  for (const [i, p] of topology.peers.entries()) {
    const f = fail(topologyFile, `peers[${i}] ${p?.id ?? ''}`);
    if (!p?.id || ids.has(p.id)) f(contractText.duplicatePeer);
    ids.add(p.id);
    if (!PEER_KINDS.includes(p.kind)) f(contractText.badKind(p.kind));
    if (p.kind === 'pod' && !p.namespace) f(contractText.noNamespace);
    if (p.kind === 'host' && !p.node && !p.namespace) f(contractText.noNamespace);
    if (p.kind !== 'pod' && !p.addresses?.length && !p.cidrs) f(contractText.noAddresses);
    if (p.kind === 'host' && p.cidrs) f(contractText.hostCidrs);
    peerConditions.push(compileConditions(p.when, f));
  }
  const namespaceConditions = topology.namespaces.map((n, i) =>
    (n.labelsWhen ?? []).map((l) => compileConditions(l.when, fail(topologyFile, `namespaces[${i}] ${n.name}`))));
  for (const [i, e] of topology.entries.entries()) {
    const f = fail(topologyFile, `entries[${i}] ${e?.id ?? ''}`);
    for (const id of entryIds(e)) {
      if (ids.has(id)) f(contractText.duplicatePeer);
      ids.add(id);
    }
    if (!e.list) f(contractText.noList);
  }
  const names = new Set<string>([...ids, ...Object.keys(topology.groups), ...BUILTIN_PEERS]);
  for (const [group, members] of Object.entries(topology.groups)) {
    for (const m of members) if (!ids.has(m)) fail(topologyFile, `groups.${group}`)(contractText.unknownPeer(m));
  }

  const checkPeer = (expr: PeerExpr, f: (d: string) => never): void => {
    if (typeof expr === 'string') { if (!names.has(expr)) f(contractText.unknownPeer(expr)); return; }
    if (Array.isArray(expr)) return expr.forEach((e) => checkPeer(e, f));
    if (!expr || typeof expr !== 'object' || !('pods' in expr || 'cidrs' in expr || 'podsOf' in expr)) f(contractText.unknownPeer(JSON.stringify(expr)));
  };
  const checkPorts = (ports: PortsExpr, f: (d: string) => never): void => {
    if (ports === 'any' || ports === 'declared' || ports === 'ofEntries') return;
    if (Array.isArray(ports) && ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) return;
    if (ports && typeof ports === 'object' && typeof (ports as { values?: unknown }).values === 'string') return;
    f(contractText.badPorts(JSON.stringify(ports)));
  };
  const flowIds = new Set<string>();
  const conditions: Test[] = [];
  for (const [i, flow] of flows.entries()) {
    const f = fail(flowsFile, `flows[${i}] ${flow?.id ?? ''}`);
    if (!flow?.id || flowIds.has(flow.id)) f(contractText.duplicateId);
    flowIds.add(flow.id);
    if (!flow.source) f(contractText.noSource);
    if (!['required', 'forbidden', 'allowed'].includes(flow.expect)) f(contractText.badExpect(flow.expect));
    checkPeer(flow.from, f);
    checkPeer(flow.to, f);
    checkPorts(flow.ports, f);
    for (const r of flow.readings ?? []) if (!READINGS.includes(r)) f(contractText.badReading(String(r), READINGS));
    conditions.push(compileConditions(flow.when, f));
    if (flow.expect === 'required' && flow.ports === 'any' && !flow.probe?.length) f(contractText.noProbe);
    if (flow.ports === 'ofEntries' && !(typeof flow.to === 'object' && !Array.isArray(flow.to) && 'podsOf' in flow.to)) f(contractText.entriesWithoutPodsOf);
  }
  const spec = { topology, flows, dir, conditions, peerConditions, namespaceConditions };
  cache.set(dir, spec);
  return spec;
}

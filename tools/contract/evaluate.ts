// Evaluates the flow contract against rendered NetworkPolicies, under the two named readings of ipBlock
// (`calico`: an ipBlock matches pods, hosts and outside addresses; `cilium`: outside addresses only). The
// topology is instantiated for the values and the cluster facts; every required flow must be allowed, every
// forbidden flow denied beyond what the contract's own exceptions admit, and every connection the policies
// allow between topology peers must be covered by a required or allowed flow in force. Each failure names the
// reading(s) and the policy and rule that allow, or the policies that deny.
//
// Speed: the topology is instantiated once per projection of the values onto the keys it reads, with every peer
// of the file (a mask says which exist); a plan (the checks, what the contract admits per pair, the pairs to
// cover) is made once per topology and set of flows in force with their port sets, and filtered by the mask; the
// verdict of each direction comes from per-topology rows backed by the process-wide memo (memo.ts), keyed by
// interned ids. Once the documents and peers have been seen, a permutation costs a few thousand array reads.
import { createHash } from 'node:crypto';
import {
  ConnectionSet, PROTOCOLS, READINGS, explain,
  type Cluster, type Endpoint, type Peer, type Protocol, type Reading,
} from '../analyze/index.ts';
import { evaluatorFor, type Evaluator } from '../analyze/engine.ts';
import { splitHelmDocuments } from '../render/render.ts';
import { clusterWith } from './existing.ts';
import { contractText } from './messages.ts';
import { EGRESS, INGRESS, type Doc, type Memo, shared } from './memo.ts';
import {
  type ContractSpec, type Facts, type FlowSpec, type PeerExpr, type PodsEntry, NO_FACTS, ValuesReader, loadContract,
} from './spec.ts';
import { type ContractPeer, type Topology, analyzerPeer, cidrOf, cidrKeys, entryNamespace, instantiate, presence, presentPeers } from './topology.ts';

export interface ContractStats { flows: number; required: number; forbidden: number; checks: number; pairs: number }
export interface ContractResult { failures: string[]; stats: ContractStats }

const MAX_FAILURES = 40;
const PREFERRED_PORTS = [443, 53, 8080, 9443, 4317, 10250, 9090, 8888, 80, 22];
/** Readings by index, as the tables hold them. */
const R: readonly Reading[] = READINGS;
const BOTH = (1 << R.length) - 1;

// ---------------------------------------------------------------- caches keyed by what they read

/**
 * Results keyed by the values at the keys their computation read (tracked through the reader). The key set
 * only grows; a value computed after reading keys K is stored under a key over a superset of K, so a hit is
 * always a value computed from the same values at every key it read.
 */
class ProjectionCache<T> {
  /** bumped whenever the key set grows (a projection computed before is then out of date) */
  version = 0;
  private readonly keys: string[] = [];
  private readonly known = new Set<string>();
  private entries = new Map<string, T>();
  constructor(private readonly limit: number, initial: Iterable<string> = []) {
    for (const k of initial) this.add(k);
  }

  private add(key: string): boolean {
    if (this.known.has(key)) return false;
    this.known.add(key);
    this.keys.push(key);
    this.version++;
    return true;
  }

  project(reader: ValuesReader): string {
    let text = '';
    for (const k of this.keys) {
      const v = reader.get(k);
      text += typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
      text += '\u0001';
    }
    return text;
  }

  /** The cached value for the reader's values, or compute()d; `key` is this cache's projection, when known. */
  get(reader: ValuesReader, compute: () => T, key = this.project(reader)): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const { result, keys } = reader.track(compute);
    let grew = false;
    for (const k of keys) grew = this.add(k) || grew;
    if (grew || this.entries.size >= this.limit) this.entries = new Map();
    this.entries.set(grew ? this.project(reader) : key, result);
    return result;
  }

  clear(): void {
    this.entries = new Map();
  }
}

// ---------------------------------------------------------------- resolving peers and ports

/** The values keys peer expressions read: part of the topology's cache key, as resolutions live on it. */
function expressionKeys(spec: ContractSpec): string[] {
  const keys = new Set<string>();
  const walk = (e: PeerExpr): void => {
    if (typeof e === 'string') return;
    if (Array.isArray(e)) return e.forEach(walk);
    if ('cidrs' in e) keys.add(e.cidrs);
    else if ('podsOf' in e) keys.add(e.podsOf);
    else {
      if (typeof e.pods.namespaces === 'string') keys.add(e.pods.namespaces);
      if ('values' in e.pods.labels && typeof e.pods.labels.values === 'string') keys.add(e.pods.labels.values);
    }
  };
  for (const f of spec.flows) { walk(f.from); walk(f.to); }
  return [...keys];
}

const entriesAt = (reader: ValuesReader, key: string) => reader.list(key) as PodsEntry[];

/** An entry selects the pods of its namespace (by name, or carrying its namespace labels) with all its labels. */
function selects(entry: PodsEntry, p: ContractPeer, topology: Topology): boolean {
  if (p.kind !== 'pod') return false;
  const ns = topology.namespaces.get(p.namespace!)!;
  if (entry.namespace !== undefined) {
    if (p.namespace !== entry.namespace) return false;
  } else {
    const { labels } = entryNamespace(entry, '');
    if (!Object.entries(labels).every(([k, v]) => ns.labels[k] === v)) return false;
  }
  return Object.entries(entry.podLabels ?? {}).every(([k, v]) => v === null || p.labels![k] === String(v));
}

function resolveUncached(expr: PeerExpr, topology: Topology, reader: ValuesReader, reading: Reading, release: string): number[] {
  const peers = topology.peers;
  const pick = (test: (p: ContractPeer) => boolean) => peers.filter(test).map((p) => p.index);
  if (Array.isArray(expr)) return [...new Set(expr.flatMap((e) => resolveUncached(e, topology, reader, reading, release)))].sort((a, b) => a - b);
  if (typeof expr === 'string') {
    switch (expr) {
      case 'any': return pick(() => true);
      case 'anyPod': return pick((p) => p.kind === 'pod');
      case 'anyHost': return pick((p) => p.kind === 'host');
      case 'anyOutside': return pick((p) => p.kind === 'outside');
      case 'notModule': return pick((p) => !p.module);
      default: return pick((p) => p.names.has(expr));
    }
  }
  if ('cidrs' in expr) {
    const blocks = reader.list(expr.cidrs).map((c) => cidrOf(String(c))).filter((b) => b !== undefined);
    const inside = (p: ContractPeer) => p.ips.some((ip) => blocks.some((b) => b.family === ip.family && b.first <= ip.value && ip.value <= b.last));
    // an ipBlock sees outside addresses under every reading, pods and hosts under calico only
    return pick((p) => (p.kind === 'outside' || reading === 'calico') && inside(p));
  }
  if ('podsOf' in expr) {
    const entries = entriesAt(reader, expr.podsOf);
    return pick((p) => entries.some((e) => selects(e, p, topology)));
  }
  const raw = 'values' in expr.pods.labels && typeof expr.pods.labels.values === 'string'
    ? reader.get(expr.pods.labels.values) : expr.pods.labels;
  const wanted = Object.entries((raw ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  const namespaces = (Array.isArray(expr.pods.namespaces) ? expr.pods.namespaces : reader.list(expr.pods.namespaces).map(String))
    .map((n) => (n === '$release' ? release : n));
  return pick((p) => p.kind === 'pod'
    && (namespaces.length === 0 || namespaces.includes(p.namespace!))
    && wanted.every(([k, v]) => p.labels![k] === String(v)));
}

/**
 * What lives as long as a topology: each expression's peers per reading, the port sets of declared and entry
 * ports, and the plans (below) by signature. Set ids belong to one memo generation; a new generation starts over.
 */
interface TopologyState {
  generation: number;
  /** per expression: its peers per reading (readings that agree share one object) */
  resolved: Map<PeerExpr, Resolved[]>;
  /** per peer: its declared ports as a set id (-1: not computed) */
  declared: Int32Array;
  /** per flow with ports ofEntries, per peer: the entry ports as a set id */
  entryPorts: Map<FlowSpec, Int32Array>;
  plans: Map<string, Plan>;
  /**
   * Verdict rows: for a (set of documents selecting the subject, subject's identity, reading, direction), the
   * verdict toward each peer of the topology by index (-1: not looked up yet); misses go to the shared memo.
   */
  rows: Map<number, Int32Array>;
}

/** The peers an expression names: all of them, and the module's among them. */
interface Resolved { all: number[]; module: number[] }

function stateOf(topology: Topology, memo: Memo): TopologyState {
  let state = topology.memo.get('state') as TopologyState | undefined;
  if (!state || state.generation !== memo.generation) {
    state = {
      generation: memo.generation, resolved: new Map(), plans: new Map(), rows: new Map(),
      declared: new Int32Array(topology.peers.length).fill(-1), entryPorts: new Map(),
    };
    topology.memo.set('state', state);
  }
  return state;
}

const sameList = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

interface Scope {
  spec: ContractSpec;
  reader: ValuesReader;
  topology: Topology;
  memo: Memo;
  state: TopologyState;
  release: string;
}

/** The peers (indexes) an expression names under reading r, every peer of the topology (present or not). */
function resolve(scope: Scope, expr: PeerExpr, r: number): Resolved {
  let lists = scope.state.resolved.get(expr);
  if (!lists) {
    const peers = scope.topology.peers;
    lists = R.map((reading) => {
      const all = resolveUncached(expr, scope.topology, scope.reader, reading, scope.release);
      return { all, module: all.filter((i) => peers[i].module) };
    });
    for (let i = 1; i < lists.length; i++) if (sameList(lists[i].all, lists[0].all)) lists[i] = lists[0];
    scope.state.resolved.set(expr, lists);
  }
  return lists[r];
}

/** The connections a flow names toward `dst` (a set id); `listed` is the flow's own list, when it has one. */
function portsOf(scope: Scope, flow: FlowSpec, listed: number, dst: ContractPeer): number {
  if (listed >= 0) return listed;
  const sets = scope.memo.sets;
  if (flow.ports === 'declared') {
    let id = scope.state.declared[dst.index];
    if (id < 0) {
      id = sets.NONE;
      for (const p of dst.ports) id = sets.union(id, sets.port(p.protocol, p.port));
      scope.state.declared[dst.index] = id;
    }
    return id;
  }
  // ofEntries: the ports of the entries (of the list at the flow's podsOf key) that select the destination
  let row = scope.state.entryPorts.get(flow);
  if (!row) scope.state.entryPorts.set(flow, (row = new Int32Array(scope.topology.peers.length).fill(-1)));
  let id = row[dst.index];
  if (id < 0) {
    id = sets.NONE;
    const protocols = flow.protocols ?? ['TCP'];
    for (const e of entriesAt(scope.reader, (flow.to as { podsOf: string }).podsOf)) {
      if (!selects(e, dst, scope.topology)) continue;
      for (const port of e.ports ?? []) for (const protocol of protocols) id = sets.union(id, sets.port(protocol, Number(port)));
    }
    row[dst.index] = id;
  }
  return id;
}

/** A flow's own port set (a set id), or -1 when it depends on the destination (declared, ofEntries). */
const literalPorts = new WeakMap<FlowSpec, { sets: Memo['sets']; id: number }>();

function listedPorts(flow: FlowSpec, reader: ValuesReader, memo: Memo): number {
  const sets = memo.sets;
  if (flow.ports === 'any') return sets.ALL;
  if (flow.ports === 'declared' || flow.ports === 'ofEntries') return -1;
  if (Array.isArray(flow.ports)) {
    const known = literalPorts.get(flow);
    if (known?.sets === sets) return known.id;
  }
  const listed = Array.isArray(flow.ports) ? flow.ports : reader.list(flow.ports.values).map(Number);
  if (listed.length === 0) return sets.ALL;
  let id = sets.NONE;
  for (const port of listed) for (const protocol of flow.protocols ?? ['TCP']) id = sets.union(id, sets.port(protocol, port));
  if (Array.isArray(flow.ports)) literalPorts.set(flow, { sets, id });
  return id;
}

// ---------------------------------------------------------------- what depends on the values only

/** A required or forbidden flow's test of one pair. */
interface Check {
  flow: FlowSpec;
  src: number;
  dst: number;
  /** the readings it is tested under (bit r: R[r]) */
  readings: number;
  /** required: the (protocol, port)s that must be allowed; undefined: something must be */
  probes?: [Protocol, number][];
  /** required: the same as a set id (-1: something must be) */
  need?: number;
  /** forbidden, per reading: the connections that must be denied (the flow's minus what the contract admits) */
  tested?: number[];
}

/**
 * The contract over every peer of a topology for one set of flows in force with their port sets (the
 * signature): the checks, what it admits per pair, the pairs of the uncovered check. Which peers exist does
 * not change what the contract says about a pair of existing ones, so every permutation that differs only in
 * which workloads run shares one plan, filtered by its mask.
 */
interface Plan {
  flowCount: number;
  required: number;
  forbidden: number;
  checks: Check[];
  /** per reading, indexed src * n + dst: what the contract admits (a set id); readings may share one */
  admitted: Int32Array[];
  /** per reading: the pairs with a module pod on one side whose connections must be inside `admitted` */
  pairs: Int32Array[];
}

/** A plan for one permutation: its checks and pairs are the plan's between peers that exist. */
interface Prepared extends Plan {
  spec: ContractSpec;
  topology: Topology;
  plan: Plan;
  /** which peers exist */
  present: Uint8Array;
  /** the memo generation its set ids belong to */
  generation: number;
}

function enumerate(set: ConnectionSet): [Protocol, number][] {
  return set.protocols().flatMap((p) => set.portRanges(p).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i): [Protocol, number] => [p, a + i])));
}

const probesMemo = new Map<FlowSpec, [Protocol, number][]>();
const PLAN_BUDGET = 1500;
const liveStates = new Set<TopologyState>();
/** Work done, for tuning and the benchmark. */
export const counters = { plans: 0, plansMade: 0 };

function plan(scope: Scope, inForce: FlowSpec[], readings: number[], listed: number[]): Plan {
  counters.plansMade++;
  const { memo, topology } = scope;
  const sets = memo.sets;
  const peers = topology.peers;
  const n = peers.length;
  const isPod = (i: number) => peers[i].kind === 'pod';

  // What the contract admits, for the pairs with a module pod on one side (the others are never the chart's
  // business: `admittedAt` answers for them when a forbidden flow asks). The readings share one table while
  // every flow resolves alike under both.
  const admitted: Int32Array[] = [];
  const shareable = inForce.every((f, i) => f.expect === 'forbidden'
    || (readings[i] === BOTH && resolve(scope, f.from, 0) === resolve(scope, f.from, 1) && resolve(scope, f.to, 0) === resolve(scope, f.to, 1)));
  for (let r = 0; r < R.length; r++) {
    if (r > 0 && shareable) { admitted.push(admitted[0]); continue; }
    const table = new Int32Array(n * n).fill(sets.NONE);
    inForce.forEach((flow, i) => {
      if (flow.expect === 'forbidden' || !(readings[i] & (1 << r))) return;
      const from = resolve(scope, flow.from, r);
      const to = resolve(scope, flow.to, r);
      if (!from.module.length && !to.module.length) return;
      for (const d of to.all) {
        const set = portsOf(scope, flow, listed[i], peers[d]);
        // every source toward a module destination, the module sources toward the others
        for (const s of peers[d].module ? from.all : from.module) {
          if (s === d || (!isPod(s) && !isPod(d))) continue;
          const k = s * n + d;
          table[k] = sets.union(table[k], set);
        }
      }
    });
    admitted.push(table);
  }
  const admittedAt = (k: number, r: number): number => {
    const s = (k / n) | 0;
    const d = k - s * n;
    if (peers[s].module || peers[d].module) return admitted[r][k];
    let id = sets.NONE;
    inForce.forEach((flow, i) => {
      if (flow.expect === 'forbidden' || !(readings[i] & (1 << r))) return;
      if (resolve(scope, flow.from, r).all.includes(s) && resolve(scope, flow.to, r).all.includes(d)) id = sets.union(id, portsOf(scope, flow, listed[i], peers[d]));
    });
    return id;
  };

  const checks: Check[] = [];
  let required = 0;
  let forbidden = 0;
  inForce.forEach((flow, i) => {
    if (flow.expect === 'allowed') return;
    if (flow.expect === 'required') required++;
    else forbidden++;
    const byPair = new Map<number, Check>();
    for (let r = 0; r < R.length; r++) {
      if (!(readings[i] & (1 << r))) continue;
      const from = resolve(scope, flow.from, r).all;
      for (const d of resolve(scope, flow.to, r).all) {
        const set = portsOf(scope, flow, listed[i], peers[d]);
        for (const s of from) {
          if (s === d || (!isPod(s) && !isPod(d))) continue;
          const k = s * n + d;
          let check = byPair.get(k);
          if (!check) {
            check = { flow, src: s, dst: d, readings: 0 };
            if (flow.expect === 'required') {
              if (set !== sets.ALL) check.probes = enumerate(sets.sets[set]);
              else if (flow.probe?.length) {
                let probes = probesMemo.get(flow);
                if (!probes) probesMemo.set(flow, (probes = flow.probe.flatMap((port) => (flow.protocols ?? ['TCP']).map((p): [Protocol, number] => [p, port]))));
                check.probes = probes;
              }
              check.need = check.probes ? check.probes.reduce((id, [p, port]) => sets.union(id, sets.port(p, port)), sets.NONE) : -1;
            } else check.tested = R.map(() => sets.NONE);
            byPair.set(k, check);
            checks.push(check);
          }
          check.readings |= 1 << r;
          // a forbidden flow speaks only where the contract admits nothing
          if (check.tested) check.tested[r] = sets.minus(set, admittedAt(k, r));
        }
      }
    }
  });

  // the pairs of the uncovered check: a module pod on one side, and something not admitted entirely
  const pairs: Int32Array[] = [];
  for (let r = 0; r < R.length; r++) {
    if (r > 0 && admitted[r] === admitted[0]) { pairs.push(pairs[0]); continue; }
    const table = admitted[r];
    const list: number[] = [];
    for (let s = 0; s < n; s++) {
      const sModule = peers[s].module;
      for (let d = 0; d < n; d++) {
        if (s === d || !(sModule || peers[d].module) || (!isPod(s) && !isPod(d))) continue;
        if (table[s * n + d] !== sets.ALL) list.push(s * n + d);
      }
    }
    pairs.push(Int32Array.from(list));
  }
  return { flowCount: inForce.length, checks, admitted, pairs, required, forbidden };
}

function prepare(spec: ContractSpec, reader: ValuesReader, topology: Topology, memo: Memo): Prepared {
  const peers = topology.peers;
  const n = peers.length;
  const state = stateOf(topology, memo);
  const scope: Scope = { spec, reader, topology, memo, state, release: spec.topology.releaseNamespace };
  const specPresent = presence(spec, reader);
  const present = new Uint8Array(n);
  for (const p of peers) present[p.index] = p.spec < 0 || specPresent[p.spec] ? 1 : 0;

  const inForce: FlowSpec[] = [];
  const readings: number[] = [];
  const listed: number[] = [];
  let signature = '';
  spec.flows.forEach((f, i) => {
    if (!spec.conditions[i](reader)) return;
    const ports = listedPorts(f, reader, memo);
    inForce.push(f);
    readings.push(f.readings ? R.reduce((m, r, j) => (f.readings!.includes(r) ? m | (1 << j) : m), 0) : BOTH);
    listed.push(ports);
    signature += `${i}:${ports},`;
  });
  let p = state.plans.get(signature);
  if (!p) {
    // plans are the biggest things kept (tens of kB each): a budget over every topology
    if (++counters.plans > PLAN_BUDGET) {
      for (const s of liveStates) s.plans.clear();
      liveStates.clear();
      counters.plans = 1;
    }
    liveStates.add(state);
    state.plans.set(signature, (p = plan(scope, inForce, readings, listed)));
  }

  const checks = p.checks.filter((c) => present[c.src] === 1 && present[c.dst] === 1);
  const pairs: Int32Array[] = [];
  for (let r = 0; r < R.length; r++) {
    if (r > 0 && p.pairs[r] === p.pairs[0]) { pairs.push(pairs[0]); continue; }
    const all = p.pairs[r];
    const kept = new Int32Array(all.length);
    let m = 0;
    for (let i = 0; i < all.length; i++) {
      const k = all[i];
      const s = (k / n) | 0;
      if (present[s] === 1 && present[k - s * n] === 1) kept[m++] = k;
    }
    pairs.push(kept.subarray(0, m));
  }
  return {
    spec, topology, plan: p, flowCount: p.flowCount, required: p.required, forbidden: p.forbidden,
    checks, admitted: p.admitted, pairs, present, generation: memo.generation,
  };
}

interface SpecCaches { topologies: ProjectionCache<Topology>; prepared: ProjectionCache<Prepared> }
const specCaches = new WeakMap<ContractSpec, SpecCaches>();
const loadedSpecs = new Set<ContractSpec>();

function cachesOf(spec: ContractSpec): SpecCaches {
  let c = specCaches.get(spec);
  if (!c) {
    loadedSpecs.add(spec);
    // the topology's key: what instantiation reads, and what peer expressions read (resolved lazily on it)
    const initial = [...expressionKeys(spec), ...cidrKeys(spec)];
    specCaches.set(spec, (c = { topologies: new ProjectionCache(400, initial), prepared: new ProjectionCache(500, initial) }));
  }
  return c;
}

function preparedFor(spec: ContractSpec, reader: ValuesReader, memo: Memo, key?: string): Prepared {
  const caches = cachesOf(spec);
  const compute = () => prepare(spec, reader, caches.topologies.get(reader, () => instantiate(spec, reader)), memo);
  let prepared = caches.prepared.get(reader, compute, key);
  if (prepared.generation !== memo.generation) {
    // the memo was cleared since: its set ids are gone
    caches.prepared.clear();
    prepared = caches.prepared.get(reader, compute);
  }
  return prepared;
}

/** The topology for the values and facts (the contract's own instance, cached). */
export function topologyFor(values: object, facts: Facts = NO_FACTS, dir?: string): Topology {
  const spec = loadContract(dir);
  const reader = new ValuesReader(values, facts);
  return cachesOf(spec).topologies.get(reader, () => instantiate(spec, reader));
}

/** The topology's peers that exist for the values and facts (the workloads the values enable, ...). */
export function presentPeersFor(values: object, facts: Facts = NO_FACTS, dir?: string): ContractPeer[] {
  const spec = loadContract(dir);
  return presentPeers(spec, new ValuesReader(values, facts), topologyFor(values, facts, dir));
}

// ---------------------------------------------------------------- one evaluation

/** One rendered output against one prepared contract: connections by pair and reading, from the memo. */
class Evaluation {
  private readonly peers: ContractPeer[];
  private readonly n: number;
  private readonly egressSet: Int32Array;
  private readonly ingressSet: Int32Array;
  private readonly conns: Int32Array;
  private clusterValue?: Cluster;
  private readonly evaluators: (Evaluator | undefined)[] = [];
  private readonly endpoints: (Endpoint | undefined)[][] = [];
  private readonly egressRows: (Int32Array | undefined)[] = [];
  private readonly ingressRows: (Int32Array | undefined)[] = [];
  private readonly state: TopologyState;

  constructor(readonly prepared: Prepared, readonly docs: Doc[], readonly memo: Memo) {
    this.state = stateOf(prepared.topology, memo);
    this.peers = prepared.topology.peers;
    this.n = this.peers.length;
    this.conns = new Int32Array(this.n * this.n * R.length).fill(-1);
    this.egressSet = new Int32Array(this.n);
    this.ingressSet = new Int32Array(this.n);
    for (const p of this.peers) {
      if (p.kind !== 'pod' || prepared.present[p.index] !== 1) continue;
      const ingress: number[] = [];
      const egress: number[] = [];
      for (const doc of docs) {
        const bits = memo.selects(doc, p.identity, p.namespace!, p.labels!);
        if (bits & INGRESS) ingress.push(doc.id);
        if (bits & EGRESS) egress.push(doc.id);
      }
      this.ingressSet[p.index] = memo.policySet(ingress);
      this.egressSet[p.index] = memo.policySet(egress);
    }
  }

  /** The analyzer's cluster of the topology and the policies (built only when a verdict is not in the memo). */
  get cluster(): Cluster {
    if (!this.clusterValue) {
      const present = this.peers.filter((p) => this.prepared.present[p.index] === 1);
      this.clusterValue = clusterWith(this.prepared.topology, present, this.docs.flatMap((d) => d.policies));
    }
    return this.clusterValue;
  }

  private evaluator(r: number): Evaluator {
    return (this.evaluators[r] ??= evaluatorFor(this.cluster, { reading: R[r] }));
  }

  private endpoint(i: number, r: number): Endpoint {
    const row = (this.endpoints[r] ??= []);
    const known = row[i];
    if (known) return known;
    const p = this.peers[i];
    const e = this.evaluator(r);
    return (row[i] = p.pod ? e.podEndpoint(p.pod) : p.node ? e.nodeEndpoint(p.node) : { kind: 'external', addresses: p.ips });
  }

  /** The verdict row of a subject (peer index) in a direction under reading r (see TopologyState.rows). */
  private row(subject: number, r: number, direction: number): Int32Array {
    const p = this.peers[subject];
    const set = direction === EGRESS ? this.egressSet[subject] : this.ingressSet[subject];
    const key = ((set * 0x200000 + p.identity) * 2 + r) * 4 + direction;
    const rows = this.state.rows;
    let row = rows.get(key);
    if (!row) {
      if (rows.size > 20_000) rows.clear();
      rows.set(key, (row = new Int32Array(this.n).fill(-1)));
    }
    return row;
  }

  /** The set id of what the policies allow from peer s to peer d under reading r. */
  conn(s: number, d: number, r: number): number {
    const k = (s * this.n + d) * R.length + r;
    const known = this.conns[k];
    if (known >= 0) return known;
    const { memo } = this;
    const sets = memo.sets;
    const src = this.peers[s];
    const dst = this.peers[d];
    let id = sets.ALL;
    if (src.kind === 'pod' && this.egressSet[s] !== 0) {
      const row = (this.egressRows[s * R.length + r] ??= this.row(s, r, EGRESS));
      id = row[d];
      if (id < 0) {
        id = row[d] = memo.verdict(this.egressSet[s], src.identity, dst.identity, r, EGRESS,
          () => sets.id(this.evaluator(r).verdict('egress', this.endpoint(s, r), this.endpoint(d, r)).connections));
      }
    }
    if (id !== sets.NONE && dst.kind === 'pod' && this.ingressSet[d] !== 0) {
      const row = (this.ingressRows[d * R.length + r] ??= this.row(d, r, INGRESS));
      let v = row[s];
      if (v < 0) {
        v = row[s] = memo.verdict(this.ingressSet[d], dst.identity, src.identity, r, INGRESS,
          () => sets.id(this.evaluator(r).verdict('ingress', this.endpoint(s, r), this.endpoint(d, r)).connections));
      }
      id = sets.intersect(id, v);
    }
    this.conns[k] = id;
    return id;
  }

  /** The analyzer's peer for explain(). */
  peerOf(p: ContractPeer): Peer {
    return analyzerPeer(p);
  }
}

// ---------------------------------------------------------------- failures

function representative(set: ConnectionSet): [Protocol, number] {
  for (const port of PREFERRED_PORTS) for (const p of PROTOCOLS) if (set.allows(p, port)) return [p, port];
  const p = set.protocols()[0];
  return [p, set.portRanges(p)[0][0]];
}

/** The (protocol, port)s to report of a set: each of a few, else one representative. */
function reported(set: ConnectionSet): [Protocol, number][] {
  const all = set.protocols().reduce((n, p) => n + set.portRanges(p).reduce((m, [a, b]) => m + b - a + 1, 0), 0);
  return all <= 8 ? enumerate(set) : [representative(set)];
}

/**
 * The comment above each rule of each policy in the rendered text (the chart writes one line of intent per
 * rule): `namespace/name` → direction → comments by rule index. Read only when a failure is explained.
 */
export function ruleComments(manifests: string | readonly string[]): Map<string, Record<'ingress' | 'egress', (string | undefined)[]>> {
  const out = new Map<string, Record<'ingress' | 'egress', (string | undefined)[]>>();
  const docs = typeof manifests === 'string' ? splitHelmDocuments(manifests) : manifests;
  for (const doc of docs) {
    const unquote = (text: string | undefined) => text?.replace(/^"(.*)"$/, '$1');
    const name = unquote(/^ {2}name: (\S+)$/m.exec(doc)?.[1]);
    if (!name || !/^kind: NetworkPolicy$/m.test(doc)) continue;
    const namespace = unquote(/^ {2}namespace: (\S+)$/m.exec(doc)?.[1]) ?? 'default';
    const rules: Record<'ingress' | 'egress', (string | undefined)[]> = { ingress: [], egress: [] };
    let section: 'ingress' | 'egress' | undefined;
    let itemIndent = '';
    let comment: string | undefined;
    for (const line of doc.split('\n')) {
      const key = /^( *)(ingress|egress):\s*$/.exec(line);
      if (key) { section = key[2] as 'ingress' | 'egress'; itemIndent = `${key[1]}  `; comment = undefined; continue; }
      if (!section) continue;
      if (line.startsWith(`${itemIndent}# `)) comment = line.slice(itemIndent.length + 2).trim();
      else if (line.startsWith(`${itemIndent}- `)) { rules[section].push(comment); comment = undefined; }
      else if (line.trim() && !line.startsWith(`${itemIndent} `) && !line.startsWith(`${itemIndent}-`)) section = undefined;
    }
    out.set(`${namespace}/${name}`, rules);
  }
  return out;
}

function explanation(ev: Evaluation, src: ContractPeer, dst: ContractPeer, protocol: Protocol, port: number, reading: Reading): string[] {
  const e = explain(ev.cluster, ev.peerOf(src), ev.peerOf(dst), port, protocol, { reading });
  const comments = ruleComments(ev.docs.map((d) => d.text));
  const described = (direction: 'ingress' | 'egress', rules: { policy: string; index: number }[]) =>
    rules.map((r) => ({ ...r, comment: comments.get(r.policy)?.[direction][r.index] }));
  const lines: string[] = [];
  if (src.kind === 'pod') lines.push(contractText.explainDirection('egress', src.display, e.egress.selectedBy, described('egress', e.egress.matchingRules), e.egress.allowed));
  else if (src.kind === 'host') lines.push(contractText.hostOpen('egress', src.display));
  if (dst.kind === 'pod') lines.push(contractText.explainDirection('ingress', dst.display, e.ingress.selectedBy, described('ingress', e.ingress.matchingRules), e.ingress.allowed));
  else if (dst.kind === 'host') lines.push(contractText.hostOpen('ingress', dst.display));
  return lines;
}

const readingNames = (mask: number) => R.filter((_, r) => mask & (1 << r));

function run(documents: readonly string[], values: object, facts: Facts, dir: string | undefined, memo: Memo, reader?: ValuesReader, key?: string): { prepared: Prepared; ev: Evaluation } {
  const spec = loadContract(dir);
  reader ??= new ValuesReader(values, facts ?? NO_FACTS);
  const prepared = preparedFor(spec, reader, memo, key);
  const seen = new Set<number>();
  const docs = documents.map((text) => memo.doc(text)).filter((d) => d.policies.length > 0 && !seen.has(d.id) && seen.add(d.id));
  docs.sort((a, b) => a.id - b.id);
  return { prepared, ev: new Evaluation(prepared, docs, memo) };
}

/** The contract's verdict on one rendered output, given as its documents (uncached). */
export function evaluateContractDocuments(documents: readonly string[], values: object, facts: Facts, dir?: string): ContractResult {
  shared.trim();
  return evaluate(documents, values, facts, dir, shared);
}

function evaluate(documents: readonly string[], values: object, facts: Facts, dir: string | undefined, memo: Memo, reader?: ValuesReader, key?: string): ContractResult {
  const { prepared, ev } = run(documents, values, facts, dir, memo, reader, key);
  const sets = memo.sets;
  const peers = prepared.topology.peers;
  const n = peers.length;

  // failures keyed by their headline text without the readings, to print each once
  type Found = { make: (readings: string) => string; readings: number; details: string[]; group?: { src: string; dst: string; conns: string } };
  const found = new Map<string, Found>();
  const record = (key: string, r: number, make: (readings: string) => string, details: () => string[], group?: Found['group']) => {
    const known = found.get(key);
    if (known) known.readings |= 1 << r;
    else found.set(key, { make, readings: 1 << r, details: details(), group });
  };
  const why = (src: ContractPeer, dst: ContractPeer, protocol: Protocol, port: number, r: number) => explanation(ev, src, dst, protocol, port, R[r]);

  let checks = 0;
  for (const check of prepared.checks) {
    const { flow } = check;
    const src = peers[check.src];
    const dst = peers[check.dst];
    for (let r = 0; r < R.length; r++) {
      if (!(check.readings & (1 << r))) continue;
      const conn = ev.conn(check.src, check.dst, r);
      if (check.tested) {
        const tested = check.tested[r];
        if (tested === sets.NONE) continue;
        checks++;
        const allowed = sets.intersect(conn, tested);
        if (allowed === sets.NONE) continue;
        for (const [protocol, port] of reported(sets.sets[allowed])) {
          record(`forbidden ${flow.id} ${src.key} ${dst.key} ${protocol} ${port}`, r,
            (rs) => contractText.forbiddenAllowed(flow.id, src.display, dst.display, `${protocol} ${port}`, rs),
            () => [contractText.source(flow.source), ...why(src, dst, protocol, port, r)]);
        }
        continue;
      }
      checks += check.probes?.length ?? 1;
      if (check.need! >= 0 ? sets.minus(check.need!, conn) === sets.NONE : conn !== sets.NONE) continue;
      const set = sets.sets[conn];
      const probes: [Protocol, number][] = check.probes ?? [['TCP', 443]];
      for (const [protocol, port] of probes) {
        if (set.allows(protocol, port)) continue;
        record(`required ${flow.id} ${src.key} ${dst.key} ${protocol} ${port}`, r,
          (rs) => contractText.requiredDenied(flow.id, src.display, dst.display, `${protocol} ${port}`, rs),
          () => [contractText.source(flow.source), ...why(src, dst, protocol, port, r)]);
      }
    }
  }

  let pairs = 0;
  for (let r = 0; r < R.length; r++) {
    const admitted = prepared.admitted[r];
    const list = prepared.pairs[r];
    pairs += list.length;
    for (let i = 0; i < list.length; i++) {
      const k = list[i];
      const s = (k / n) | 0;
      const d = k - s * n;
      const conn = ev.conn(s, d, r);
      if (conn === sets.NONE) continue;
      const extra = sets.minus(conn, admitted[k]);
      if (extra === sets.NONE) continue;
      const [src, dst] = [peers[s], peers[d]];
      const text = sets.sets[extra].toString();
      record(`uncovered ${src.key} ${dst.key} ${text}`, r,
        (rs) => contractText.uncovered(src.display, dst.display, text, rs),
        () => why(src, dst, ...representative(sets.sets[extra]), r), { src: src.display, dst: dst.display, conns: text });
    }
  }

  // connections outside the contract from one source with the same ports and readings print together,
  // explained on the first destination
  const groups = new Map<string, Found[]>();
  for (const f of found.values()) {
    const k = f.group ? `${f.group.src} ${f.group.conns} ${f.readings}` : `${groups.size} flow`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const all = [...groups.values()].map((members) => {
    const [first] = members;
    const readings = contractText.readings(readingNames(first.readings));
    const headline = first.group && members.length > 1
      ? contractText.uncovered(first.group.src, members.map((m) => m.group!.dst).join(', '), first.group.conns, readings)
      : first.make(readings);
    return [headline, ...first.details].join('\n    ');
  });
  const failures = all.length > MAX_FAILURES ? [...all.slice(0, MAX_FAILURES), contractText.more(all.length - MAX_FAILURES)] : all;
  const stats = { flows: prepared.flowCount, required: prepared.required, forbidden: prepared.forbidden, checks, pairs };
  return { failures, stats };
}

/** The documents of a rendered output (`helm template` text, one object per document). */
export const documentsOf = (manifests: string): string[] => splitHelmDocuments(manifests);

/** The contract's verdict on one rendered output (uncached). `dir` holds topology.yaml and flows.yaml. */
export function evaluateContract(manifests: string, values: object, facts: Facts, dir?: string): ContractResult {
  return evaluateContractDocuments(documentsOf(manifests), values, facts, dir);
}

export interface FlowVerdict { src: string; dst: string; protocol: Protocol; port: number; reading: Reading; allowed: boolean }

/**
 * How each tested connection of a required or forbidden flow fares (empty when the flow is not in force): a
 * required flow's probes, and for a forbidden flow what it forbids beyond the contract's exceptions (each port
 * of a few, else one representative).
 */
export function contractVerdicts(manifests: string | readonly string[], values: object, facts: Facts, flowId: string, dir?: string): FlowVerdict[] {
  const documents = typeof manifests === 'string' ? documentsOf(manifests) : manifests;
  shared.trim();
  const { prepared, ev } = run(documents, values, facts, dir, shared);
  const sets = shared.sets;
  const peers = prepared.topology.peers;
  const verdicts: FlowVerdict[] = [];
  for (const check of prepared.checks) {
    if (check.flow.id !== flowId) continue;
    const [src, dst] = [peers[check.src].display, peers[check.dst].display];
    for (let r = 0; r < R.length; r++) {
      if (!(check.readings & (1 << r))) continue;
      const connId = ev.conn(check.src, check.dst, r);
      const conn = sets.sets[connId];
      let tests: [Protocol, number][];
      if (check.tested) {
        const tested = check.tested[r];
        if (tested === sets.NONE) continue;
        const allowed = sets.intersect(connId, tested);
        tests = reported(sets.sets[allowed === sets.NONE ? tested : allowed]);
      } else tests = check.probes ?? [representative(conn.isEmpty() ? ConnectionSet.ALL : conn)];
      for (const [protocol, port] of tests) verdicts.push({ src, dst, protocol, port, reading: R[r], allowed: conn.allows(protocol, port) });
    }
  }
  return verdicts;
}

// ---------------------------------------------------------------- the cached entry points

const resultCache = new Map<string, ContractResult>();

/**
 * The contract's failures (and statistics) for one rendered output, given as its documents, with the full
 * values tree and the cluster facts; empty when it holds. Cached by the documents and the values' projection
 * (Helm 3 and Helm 4 render alike).
 */
export function checkContractDocumentsWithStats(documents: readonly string[], values: object, facts: Facts, dir?: string): ContractResult {
  shared.trim();
  const spec = loadContract(dir);
  const reader = new ValuesReader(values, facts ?? NO_FACTS);
  const cache = cachesOf(spec).prepared;
  const keyOf = (projection: string) => {
    let key = `${spec.dir}\u0002${shared.generation}\u0002${projection}\u0002`;
    for (const text of documents) key += `${shared.doc(text).id},`;
    return key;
  };
  const projection = cache.project(reader);
  const version = cache.version;
  let result = resultCache.get(keyOf(projection));
  if (!result) {
    if (resultCache.size > 5_000) resultCache.clear();
    result = evaluate(documents, values, facts, dir, shared, reader, projection);
    // keyed after evaluating: the projection must cover every key the evaluation read
    resultCache.set(keyOf(cache.version === version ? projection : cache.project(reader)), result);
  }
  return result;
}

/** `checkContractDocumentsWithStats(...).failures`: for `permutations`. */
export function checkContractDocuments(documents: readonly string[], values: object, facts: Facts): string[] {
  return checkContractDocumentsWithStats(documents, values, facts).failures;
}

/** The contract's failures for one rendered output (`helm template` text); empty when it holds. */
export function checkContract(manifests: string, values: object, facts: Facts): string[] {
  return checkContractWithStats(manifests, values, facts).failures;
}

export function checkContractWithStats(manifests: string, values: object, facts: Facts, dir?: string): ContractResult {
  const key = `${dir ?? ''}\u0002${createHash('sha1').update(manifests).digest('hex')}`;
  let documents = documentsByText.get(key);
  if (!documents) {
    if (documentsByText.size > 10_000) documentsByText.clear();
    documentsByText.set(key, (documents = documentsOf(manifests)));
  }
  return checkContractDocumentsWithStats(documents, values, facts, dir);
}
const documentsByText = new Map<string, string[]>();

/**
 * Every pair of existing peers (one a pod at least) with its allowed connections as the contract computes them
 * (through the memo), by peer keys: for tests that compare them with the analyzer's own answer.
 */
export function contractConnections(documents: readonly string[], values: object, facts: Facts, reading: Reading, dir?: string): Map<string, string> {
  shared.trim();
  const { prepared, ev } = run(documents, values, facts, dir, shared);
  const peers = prepared.topology.peers;
  const r = R.indexOf(reading);
  const out = new Map<string, string>();
  for (const s of peers) for (const d of peers) {
    if (s === d || (s.kind !== 'pod' && d.kind !== 'pod') || !prepared.present[s.index] || !prepared.present[d.index]) continue;
    out.set(`${s.key} → ${d.key}`, shared.sets.sets[ev.conn(s.index, d.index, r)].toString());
  }
  return out;
}

/** Forgets every cache of the contract (for benchmarks that measure a cold start). */
export function resetContractCaches(): void {
  shared.clear();
  resultCache.clear();
  documentsByText.clear();
  for (const spec of loadedSpecs) {
    const c = specCaches.get(spec);
    if (c) { c.prepared.clear(); c.topologies.clear(); }
  }
  shared.hits = 0;
  shared.misses = 0;
  for (const s of liveStates) s.plans.clear();
  liveStates.clear();
  counters.plans = 0;
  counters.plansMade = 0;
}

// Evaluates the flow contract against rendered NetworkPolicies: builds the analyzer's cluster from the
// reference topology (instantiated for the values) and the policies, then, under both readings of ipBlock
// (Kubernetes/Cilium: never matches pods; Calico: matches pods whose podIP lies in it), checks every
// required flow allowed, every forbidden flow denied, and every allowed connection between topology peers
// covered by a required or allowed flow in force. Each failure names the policy and rule that decide it.
import { createHash } from 'node:crypto';
import {
  ConnectionSet, PROTOCOLS, buildCluster, explain, parseManifests,
  type Cluster, type Manifest, type Namespace, type Peer, type Policy, type Protocol,
} from '../../analyze/index.ts';
import { type Endpoint, type Evaluator, evaluatorFor } from '../../analyze/engine.ts';
import { contractText } from './messages.ts';
import { type ContractSpec, type FlowSpec, type PeerExpr, type PodsEntry, type Reading, READINGS, conditionsHold, listAt, loadContract, valueAt } from './spec.ts';
import { type ContractPeer, type Topology, cidrOf, instantiate } from './topology.ts';

export interface ContractStats { flows: number; required: number; forbidden: number; checks: number; pairs: number }
export interface ContractResult { failures: string[]; stats: ContractStats }

const MAX_FAILURES = 40;
const PREFERRED_PORTS = [443, 53, 8080, 9443, 4317, 10250, 9090, 8888, 80, 22];

/** A required or forbidden flow's test on one pair: the (protocol, port)s, or the whole set (undefined). */
interface FlowCheck { flow: FlowSpec; src: ContractPeer; dst: ContractPeer; tests: [Protocol, number][] | undefined }

/** What depends on the values only: the topology, the flows in force and every test, resolved to peers. */
interface Prepared {
  topology: Topology;
  flowCount: number;
  required: number;
  forbidden: number;
  checks: { check: FlowCheck; readings: readonly Reading[] }[];
  /** per reading, indexed src * n + dst: the connections the contract admits */
  admitted: Record<Reading, (ConnectionSet | undefined)[]>;
  /**
   * Indexed src * n + dst: what the contract admits under Calico's reading only, because an address flow (a
   * CIDR list of the values, or every address where a list is empty) takes in pods. The admin asked for those
   * addresses, so under that reading a forbidden flow is not broken there.
   */
  calicoOnly: (ConnectionSet | undefined)[];
  /** per reading: the pairs (src * n + dst) whose allowed connections must be inside `admitted` */
  pairs: Record<Reading, number[]>;
  /** the topology's namespaces and pods, without policies */
  base: Cluster;
}

const portsMemo = new Map<string, ConnectionSet>();

/** The connections a flow names toward `dst` (memoized: the same few port lists recur everywhere). */
function portsOf(flow: FlowSpec, dst: ContractPeer, values: object): ConnectionSet {
  if (flow.ports === 'any') return ConnectionSet.ALL;
  const protocols = flow.protocols ?? ['TCP'];
  let ports: { port: number; protocol: string }[];
  if (flow.ports === 'declared') ports = dst.ports ?? [];
  else if (flow.ports === 'ofEntries') {
    const selecting = entriesAt(values, (flow.to as { podsOf: string }).podsOf).filter((e) => selects(e, dst));
    ports = selecting.flatMap((e) => (e.ports ?? []).flatMap((port) => protocols.map((protocol) => ({ port, protocol }))));
  } else {
    const listed = Array.isArray(flow.ports) ? flow.ports : listAt(values, flow.ports.values).map(Number);
    if (listed.length === 0) return ConnectionSet.ALL;
    ports = listed.flatMap((port) => protocols.map((protocol) => ({ port, protocol })));
  }
  const key = ports.map((p) => `${p.protocol}${p.port}`).join(' ');
  let set = portsMemo.get(key);
  if (!set) {
    set = ports.reduce((s, p) => s.union(ConnectionSet.of(p.protocol as Protocol, p.port)), ConnectionSet.NONE);
    portsMemo.set(key, set);
  }
  return set;
}

/** The (protocol, port) pairs a required or forbidden flow is tested on; undefined: the whole set. */
function probesOf(flow: FlowSpec, dst: ContractPeer, values: object): [Protocol, number][] | undefined {
  const set = portsOf(flow, dst, values);
  if (set.isAll()) {
    if (!flow.probe?.length) return undefined;
    return flow.probe.flatMap((port) => (flow.protocols ?? ['TCP']).map((p): [Protocol, number] => [p, port]));
  }
  return set.protocols().flatMap((p) => set.portRanges(p).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i): [Protocol, number] => [p, a + i])));
}

const entriesAt = (values: object, key: string) => listAt(values, key) as PodsEntry[];

/** An entry selects the pods of its namespace that carry all of its labels. */
const selects = (entry: PodsEntry, p: ContractPeer) => p.kind === 'pod' && p.namespace === entry.namespace
  && Object.entries(entry.podLabels ?? {}).every(([k, v]) => p.labels![k] === String(v));

function resolve(expr: PeerExpr, topology: Topology, values: object, reading: Reading): ContractPeer[] {
  const peers = topology.peers;
  const calico = reading === 'calico';
  if (Array.isArray(expr)) return [...new Set(expr.flatMap((e) => resolve(e, topology, values, reading)))];
  if (typeof expr === 'string') {
    if (expr === 'anyPod') return peers.filter((p) => p.kind === 'pod');
    if (expr === 'anyAddress') return calico ? peers : peers.filter((p) => p.kind === 'address');
    if (expr === 'notModule') return peers.filter((p) => !p.module);
    return peers.filter((p) => p.names.has(expr));
  }
  if ('cidrs' in expr) {
    const blocks = listAt(values, expr.cidrs).map((c) => cidrOf(String(c))!).filter(Boolean);
    if (!blocks.length) return resolve('anyAddress', topology, values, reading);
    const inside = (p: ContractPeer) => p.ips.some((ip) => blocks.some((b) => b.family === ip.family && b.first <= ip.value && ip.value <= b.last));
    return peers.filter((p) => (p.kind === 'address' || calico) && inside(p));
  }
  if ('podsOf' in expr) {
    const entries = entriesAt(values, expr.podsOf);
    return peers.filter((p) => entries.some((e) => selects(e, p)));
  }
  const wanted = 'values' in expr.pods.labels
    ? ((valueAt(values, (expr.pods.labels as { values: string }).values) ?? {}) as Record<string, string>)
    : expr.pods.labels;
  const namespaces = Array.isArray(expr.pods.namespaces) ? expr.pods.namespaces : listAt(values, expr.pods.namespaces).map(String);
  return peers.filter((p) => p.kind === 'pod'
    && (namespaces.length === 0 || namespaces.includes(p.namespace!))
    && Object.entries(wanted).every(([k, v]) => p.labels![k] === String(v)));
}

function prepare(spec: ContractSpec, values: object): Prepared {
  const topology = instantiate(spec, values);
  const peers = topology.peers;
  const n = peers.length;
  const index = new Map(peers.map((p, i) => [p, i]));
  const inForce = spec.flows.filter((f) => conditionsHold(f.when, values));
  const admitted = Object.fromEntries(READINGS.map((r) => [r, new Array<ConnectionSet | undefined>(n * n)])) as Prepared['admitted'];
  const checks: Prepared['checks'] = [];
  for (const flow of inForce) {
    if (flow.expect !== 'allowed') {
      // required and forbidden flows are tested on the peers they name, not on pods an address set
      // takes in under Calico's reading
      const from = resolve(flow.from, topology, values, 'kubernetes');
      const to = resolve(flow.to, topology, values, 'kubernetes');
      for (const src of from) for (const dst of to) {
        if (src === dst || (src.kind === 'address' && dst.kind === 'address')) continue;
        checks.push({ check: { flow, src, dst, tests: probesOf(flow, dst, values) }, readings: flow.readings ?? READINGS });
      }
    }
    if (flow.expect === 'forbidden') continue;
    for (const reading of flow.readings ?? READINGS) {
      const table = admitted[reading];
      const from = resolve(flow.from, topology, values, reading);
      for (const dst of resolve(flow.to, topology, values, reading)) {
        const set = portsOf(flow, dst, values);
        const d = index.get(dst)!;
        for (const src of from) {
          if (src === dst) continue;
          const k = index.get(src)! * n + d;
          table[k] = (table[k] ?? ConnectionSet.NONE).union(set);
        }
      }
    }
  }
  const pairs = Object.fromEntries(READINGS.map((r) => {
    const list: number[] = [];
    for (let s = 0; s < n; s++) for (let d = 0; d < n; d++) {
      if (s === d || (peers[s].kind === 'address' && peers[d].kind === 'address')) continue;
      if (!admitted[r][s * n + d]?.isAll()) list.push(s * n + d);
    }
    return [r, list];
  })) as Prepared['pairs'];
  const calicoOnly = admitted.calico.map((set, k) => (set && admitted.kubernetes[k] ? set.minus(admitted.kubernetes[k]) : set));
  return {
    topology, flowCount: inForce.length, checks, admitted, calicoOnly, pairs, base: topology.cluster,
    required: inForce.filter((f) => f.expect === 'required').length,
    forbidden: inForce.filter((f) => f.expect === 'forbidden').length,
  };
}

/** The connections a required or forbidden flow is judged on: a forbidden one without what Calico's reading excuses. */
function tested(prepared: Prepared, flow: FlowSpec, reading: Reading, pair: number, set: ConnectionSet): ConnectionSet {
  const excused = flow.expect === 'forbidden' && reading === 'calico' ? prepared.calicoOnly[pair] : undefined;
  return excused ? set.minus(excused) : set;
}

// Permutations share most documents: each is decoded and normalized once (addresses parsed, selectors
// compiled), then the analyzer's cluster is composed from the topology's pods and these policies.
const documentCache = new Map<string, Policy[]>();

function policiesOf(manifests: string): Policy[] {
  const docs = manifests.split(/^---[ \t]*$/m);
  return docs.flatMap((doc) => {
    let parsed = documentCache.get(doc);
    if (!parsed) {
      const objects: Manifest[] = parseManifests(doc, 'rendered').objects.filter((o) => o.kind === 'NetworkPolicy');
      parsed = objects.length ? [...buildCluster(objects).policies] : [];
      if (documentCache.size > 50_000) documentCache.clear();
      documentCache.set(doc, parsed);
    }
    return parsed;
  });
}

function clusterOf(base: Cluster, policies: Policy[]): Cluster {
  const missing = policies.map((p) => p.namespace).filter((ns) => !base.namespaces.has(ns));
  const namespaces = missing.length ? new Map(base.namespaces) : base.namespaces;
  for (const ns of missing) (namespaces as Map<string, Namespace>).set(ns, { name: ns, labels: { 'kubernetes.io/metadata.name': ns } });
  return { namespaces, pods: base.pods, policies, warnings: [] };
}

// ---------------------------------------------------------------- evaluation

function connText(protocol: Protocol, port: number) {
  return `${protocol} ${port}`;
}

function representative(set: ConnectionSet): [Protocol, number] {
  for (const port of PREFERRED_PORTS) for (const p of PROTOCOLS) if (set.allows(p, port)) return [p, port];
  const p = set.protocols()[0];
  return [p, set.portRanges(p)[0][0]];
}

/**
 * The comment above each rule of each policy in the rendered text (the chart writes one line of intent per
 * rule): `namespace/name` → direction → comments by rule index. Read only when a failure is explained.
 */
export function ruleComments(manifests: string): Map<string, Record<'ingress' | 'egress', (string | undefined)[]>> {
  const out = new Map<string, Record<'ingress' | 'egress', (string | undefined)[]>>();
  for (const doc of manifests.split(/^---[ \t]*$/m)) {
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

function explanation(cluster: Cluster, manifests: string, src: ContractPeer, dst: ContractPeer, srcPeer: Peer, dstPeer: Peer, protocol: Protocol, port: number, reading: Reading): string[] {
  const e = explain(cluster, srcPeer, dstPeer, port, protocol, { ipBlockMatchesPods: reading === 'calico' });
  const comments = ruleComments(manifests);
  const described = (direction: 'ingress' | 'egress', rules: { policy: string; index: number }[]) =>
    rules.map((r) => ({ ...r, comment: comments.get(r.policy)?.[direction][r.index] }));
  const lines: string[] = [];
  if (src.kind === 'pod') lines.push(contractText.explainDirection('egress', src.display, e.egress.selectedBy, described('egress', e.egress.matchingRules), e.egress.allowed));
  if (dst.kind === 'pod') lines.push(contractText.explainDirection('ingress', dst.display, e.ingress.selectedBy, described('ingress', e.ingress.matchingRules), e.ingress.allowed));
  return lines;
}

/** The contract's verdict on one rendered output (uncached). `dir` holds topology.yaml and flows.yaml. */
export function evaluateContract(manifests: string, values: object, dir?: string): ContractResult {
  const spec = loadContract(dir);
  const prepared = preparedFor(spec, values);
  const cluster = clusterOf(prepared.base, policiesOf(manifests));
  const peers = prepared.topology.peers;
  const n = peers.length;
  const index = new Map(peers.map((p, i) => [p, i]));
  const podOf = new Map(cluster.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const peerOf = (p: ContractPeer): Peer => (p.kind === 'pod' ? podOf.get(p.display)! : p.address);
  // endpoints once per reading; each pair's connections once per reading
  const readings = Object.fromEntries(READINGS.map((r) => {
    const evaluator = evaluatorFor(cluster, { ipBlockMatchesPods: r === 'calico' });
    const endpoints: Endpoint[] = peers.map((p) => (p.kind === 'pod' ? evaluator.podEndpoint(podOf.get(p.display)!) : { addresses: p.ips }));
    return [r, { evaluator, endpoints, cache: new Array<ConnectionSet | undefined>(n * n) }];
  })) as Record<Reading, { evaluator: Evaluator; endpoints: Endpoint[]; cache: (ConnectionSet | undefined)[] }>;
  const conn = (s: number, d: number, reading: Reading): ConnectionSet => {
    const r = readings[reading];
    return (r.cache[s * n + d] ??= r.evaluator.connections(r.endpoints[s], r.endpoints[d]));
  };

  // failures keyed by their headline text without the readings, to print each once
  type Found = { make: (readings: string) => string; readings: Reading[]; details: string[]; group?: { src: string; dst: string; conns: string } };
  const found = new Map<string, Found>();
  const record = (key: string, reading: Reading, make: (readings: string) => string, details: () => string[], group?: Found['group']) => {
    const known = found.get(key);
    if (known) known.readings.push(reading);
    else found.set(key, { make, readings: [reading], details: details(), group });
  };
  const why = (src: ContractPeer, dst: ContractPeer, protocol: Protocol, port: number, reading: Reading) =>
    explanation(cluster, manifests, src, dst, peerOf(src), peerOf(dst), protocol, port, reading);

  let checks = 0;
  for (const { check: { flow, src, dst, tests }, readings: flowReadings } of prepared.checks) {
    const s = index.get(src)!;
    const d = index.get(dst)!;
    for (const reading of flowReadings) {
      const set = tested(prepared, flow, reading, s * n + d, conn(s, d, reading));
      // without probe ports, a forbidden flow on any port must allow nothing, a required one something
      const probes: [Protocol, number][] = tests
        ?? (flow.expect === 'forbidden' ? (set.isEmpty() ? [] : [representative(set)]) : (set.isEmpty() ? [['TCP', 443]] : []));
      for (const [protocol, port] of probes) {
        checks++;
        const allowed = set.allows(protocol, port);
        if (allowed === (flow.expect === 'required')) continue;
        const headline = flow.expect === 'required' ? contractText.requiredDenied : contractText.forbiddenAllowed;
        record(`${flow.expect} ${flow.id} ${src.key} ${dst.key} ${protocol} ${port}`, reading,
          (r) => headline(flow.id, src.display, dst.display, connText(protocol, port), r),
          () => [contractText.source(flow.source), ...why(src, dst, protocol, port, reading)]);
      }
    }
  }

  for (const reading of READINGS) {
    const admitted = prepared.admitted[reading];
    for (const k of prepared.pairs[reading]) {
      const s = Math.floor(k / n);
      const d = k - s * n;
      const actual = conn(s, d, reading);
      if (actual.isEmpty()) continue;
      const extra = admitted[k] ? actual.minus(admitted[k]) : actual;
      if (extra.isEmpty()) continue;
      const [src, dst] = [peers[s], peers[d]];
      const text = extra.toString();
      record(`uncovered ${src.key} ${dst.key} ${text}`, reading,
        (r) => contractText.uncovered(src.display, dst.display, text, r),
        () => why(src, dst, ...representative(extra), reading), { src: src.display, dst: dst.display, conns: text });
    }
  }

  // connections outside the contract from one source with the same ports and readings print together,
  // explained on the first destination
  const groups = new Map<string, Found[]>();
  for (const f of found.values()) {
    const k = f.group ? `${f.group.src} ${f.group.conns} ${f.readings.join()}` : `${groups.size} flow`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const all = [...groups.values()].map((members) => {
    const [first] = members;
    const headline = first.group && members.length > 1
      ? contractText.uncovered(first.group.src, members.map((m) => m.group!.dst).join(', '), first.group.conns, contractText.readings(first.readings))
      : first.make(contractText.readings(first.readings));
    return [headline, ...first.details].join('\n    ');
  });
  const failures = all.length > MAX_FAILURES ? [...all.slice(0, MAX_FAILURES), contractText.more(all.length - MAX_FAILURES)] : all;
  const stats = {
    flows: prepared.flowCount, required: prepared.required, forbidden: prepared.forbidden, checks,
    pairs: prepared.pairs.kubernetes.length + prepared.pairs.calico.length,
  };
  return { failures, stats };
}

export interface FlowVerdict { src: string; dst: string; protocol: Protocol; port: number; reading: Reading; allowed: boolean }

/** How each tested connection of a required or forbidden flow fares (empty when the flow is not in force). */
export function contractVerdicts(manifests: string, values: object, flowId: string, dir?: string): FlowVerdict[] {
  const prepared = preparedFor(loadContract(dir), values);
  const cluster = clusterOf(prepared.base, policiesOf(manifests));
  const podOf = new Map(cluster.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const peers = prepared.topology.peers;
  const verdicts: FlowVerdict[] = [];
  for (const { check: { flow, src, dst, tests }, readings } of prepared.checks) {
    if (flow.id !== flowId) continue;
    for (const reading of readings) {
      const evaluator = evaluatorFor(cluster, { ipBlockMatchesPods: reading === 'calico' });
      const end = (p: ContractPeer): Endpoint => (p.kind === 'pod' ? evaluator.podEndpoint(podOf.get(p.display)!) : { addresses: p.ips });
      const pair = peers.indexOf(src) * peers.length + peers.indexOf(dst);
      const set = tested(prepared, flow, reading, pair, evaluator.connections(end(src), end(dst)));
      for (const [protocol, port] of tests ?? [representative(set.isEmpty() ? ConnectionSet.ALL : set)]) {
        verdicts.push({ src: src.display, dst: dst.display, protocol, port, reading, allowed: set.allows(protocol, port) });
      }
    }
  }
  return verdicts;
}

// ---------------------------------------------------------------- caches

const preparedCache = new Map<string, Prepared>();

function preparedFor(spec: ContractSpec, values: object): Prepared {
  const key = `${spec.dir}\0${JSON.stringify(values)}`;
  let prepared = preparedCache.get(key);
  if (!prepared) {
    if (preparedCache.size > 64) preparedCache.clear();
    preparedCache.set(key, (prepared = prepare(spec, values)));
  }
  return prepared;
}

const resultCache = new Map<string, ContractResult>();

/**
 * The contract's failures for one rendered output and its full values tree; empty when it holds.
 * Fast for `permutations`: the topology is instantiated once per values, documents are parsed once, and
 * the result is cached by the manifests' digest and the values (Helm 3 and Helm 4 render alike).
 */
export function checkContract(manifests: string, values: object): string[] {
  return checkContractWithStats(manifests, values).failures;
}

export function checkContractWithStats(manifests: string, values: object, dir?: string): ContractResult {
  const key = `${dir ?? ''}\0${createHash('sha1').update(manifests).digest('hex')}\0${JSON.stringify(values)}`;
  let result = resultCache.get(key);
  if (!result) {
    if (resultCache.size > 50_000) resultCache.clear();
    resultCache.set(key, (result = evaluateContract(manifests, values, dir)));
  }
  return result;
}

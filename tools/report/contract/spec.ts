// The contract data (test/contract/topology.yaml and flows.yaml) as types, loaded and checked once.
// The condition language of `when` lives here too: it reads the values tree by dotted key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { UserError } from '../../errors.ts';
import { projectRoot } from '../../paths.ts';
import type { Protocol } from '../../analyze/index.ts';
import { contractText } from './messages.ts';

export const contractDir = join(projectRoot, 'test', 'contract');

export type NamespaceSpec = string | { each: string; else: string };
export interface PodSpec {
  id: string;
  component?: string;
  when?: Conditions;
  namespace: NamespaceSpec;
  labels?: Record<string, string>;
  labelsFrom?: string;
  ports?: { name?: string; port: number; protocol?: Protocol }[];
}
export interface AddressSpec { id: string; cidrs?: string; host?: number; else: string[] }
export type Conditions = Record<string, unknown>;
export interface TopologySpec {
  releaseNamespace: string;
  podNetwork: { IPv4: string; IPv6: string };
  outsideNamespace: string;
  namespaces: { name: string; labelsWhen?: { when: Conditions; labels: Record<string, string> }[] }[];
  pods: PodSpec[];
  inCluster: boolean;
  addresses: AddressSpec[];
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

/** An entry of a list like backends.logs.inCluster: the pods of a namespace carrying labels, on ports. */
export interface PodsEntry { namespace: string; podLabels?: Record<string, unknown>; ports?: number[] }
export type Expect = 'required' | 'forbidden' | 'allowed';
export type Reading = 'kubernetes' | 'calico';
export const READINGS: readonly Reading[] = ['kubernetes', 'calico'];

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

export interface ContractSpec { topology: TopologySpec; flows: FlowSpec[]; dir: string }

function readYaml(file: string): any {
  try {
    return load(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(contractText.unreadable(file, (err as Error).message.split('\n')[0]));
  }
}

// ---------------------------------------------------------------- values and conditions

export function valueAt(values: object, key: string): unknown {
  let node: unknown = values;
  for (const k of key.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

export function listAt(values: object, key: string): unknown[] {
  const v = valueAt(values, key);
  return Array.isArray(v) ? v : [];
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0);

function conditionHolds(actual: unknown, condition: unknown): boolean {
  if (Array.isArray(condition)) return condition.every((c) => conditionHolds(actual, c));
  if (condition === 'empty') return isEmpty(actual);
  if (condition === 'nonEmpty') return !isEmpty(actual);
  if (typeof condition === 'string') {
    const m = /^(contains|lacks) (.+)$/.exec(condition);
    if (m) {
      const has = Array.isArray(actual) && actual.some((a) => String(a) === m[2]);
      return m[1] === 'contains' ? has : !has;
    }
  }
  return actual === condition;
}

export function conditionsHold(when: Conditions | undefined, values: object): boolean {
  return Object.entries(when ?? {}).every(([key, condition]) => conditionHolds(valueAt(values, key), condition));
}

function checkCondition(condition: unknown, fail: (d: string) => never): void {
  if (Array.isArray(condition)) return condition.forEach((c) => checkCondition(c, fail));
  if (typeof condition === 'string' && /^(contains|lacks) /.test(condition)) return;
  if (condition === 'empty' || condition === 'nonEmpty') return;
  if (['string', 'number', 'boolean'].includes(typeof condition)) return;
  fail(contractText.badCondition(JSON.stringify(condition)));
}

// ---------------------------------------------------------------- loading

const cache = new Map<string, ContractSpec>();

/** The contract in `dir` (default test/contract), checked for shape; throws UserError when malformed. */
export function loadContract(dir = contractDir): ContractSpec {
  const known = cache.get(dir);
  if (known) return known;
  const topologyFile = join(dir, 'topology.yaml');
  const flowsFile = join(dir, 'flows.yaml');
  const topology = readYaml(topologyFile) as TopologySpec;
  const flows = (readYaml(flowsFile) as { flows: FlowSpec[] })?.flows;
  const fail = (file: string, where: string) => (detail: string): never => {
    throw new UserError(contractText.invalid(file, where, detail));
  };
  if (!topology || !Array.isArray(topology.pods) || !Array.isArray(topology.addresses)) fail(topologyFile, 'top level')(contractText.noPeers);
  if (!Array.isArray(flows)) fail(flowsFile, 'top level')(contractText.noFlows);
  const names = new Set<string>([
    ...topology.pods.map((p) => p.id), ...topology.addresses.map((a) => a.id), ...Object.keys(topology.groups ?? {}),
    'outside', 'anyPod', 'anyAddress', 'notModule',
    ...(topology.inCluster ? ['logs', 'metrics', 'traces'].flatMap((s) => [`inCluster.${s}`, `inClusterDecoy.${s}`]) : []),
  ]);
  for (const [group, members] of Object.entries(topology.groups ?? {})) {
    for (const m of members) if (!names.has(m)) fail(topologyFile, `groups.${group}`)(contractText.unknownPeer(m));
  }
  const checkPeer = (expr: PeerExpr, f: (d: string) => never): void => {
    if (typeof expr === 'string') { if (!names.has(expr)) f(contractText.unknownPeer(expr)); return; }
    if (Array.isArray(expr)) return expr.forEach((e) => checkPeer(e, f));
    if (!('pods' in expr) && !('cidrs' in expr) && !('podsOf' in expr)) f(contractText.unknownPeer(JSON.stringify(expr)));
  };
  const ids = new Set<string>();
  for (const [i, flow] of flows.entries()) {
    const f = fail(flowsFile, `flows[${i}] ${flow?.id ?? ''}`);
    if (!flow?.id || ids.has(flow.id)) f(contractText.duplicateId);
    ids.add(flow.id);
    if (!flow.source) f(contractText.noSource);
    if (!['required', 'forbidden', 'allowed'].includes(flow.expect)) f(contractText.badExpect(flow.expect));
    checkPeer(flow.from, f);
    checkPeer(flow.to, f);
    for (const c of Object.values(flow.when ?? {})) checkCondition(c, f);
    if (flow.expect === 'required' && flow.ports === 'any' && !flow.probe?.length) f(contractText.noProbe);
    if (flow.ports === 'ofEntries' && !(typeof flow.to === 'object' && 'podsOf' in flow.to)) f(contractText.entriesWithoutPodsOf);
  }
  const spec = { topology, flows, dir };
  cache.set(dir, spec);
  return spec;
}

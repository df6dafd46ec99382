// A seeded synthetic cluster for performance checks: namespaces, workloads of every kind with
// labels and (named) ports, and a mix of policies (default deny, pod and namespace selectors,
// expressions, named ports, endPort ranges, IPv4 and IPv6 ipBlocks with excepts).
import { type Cluster, buildCluster } from '../cluster.ts';
import type { Manifest } from '../manifests.ts';

const KINDS = ['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'];
const TIERS = ['web', 'api', 'db', 'cache', 'batch', 'monitoring'];
const PORTS = [
  { name: 'http', containerPort: 8080 },
  { name: 'grpc', containerPort: 9090 },
  { name: 'metrics', containerPort: 8888 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { containerPort: 5432 },
];

/** mulberry32: small, fast and deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticManifests(workloads: number, policies: number, seed: number): Manifest[] {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const namespaceCount = Math.max(1, Math.ceil(workloads / 25));
  const namespaces = Array.from({ length: namespaceCount }, (_, i) => `ns-${i}`);
  const source = 'synthetic';
  const out: Manifest[] = namespaces.map((name, i) => ({
    apiVersion: 'v1', kind: 'Namespace', source, metadata: { name, labels: { team: `team-${i % 7}`, env: pick(['prod', 'dev', 'test']) } },
  }));
  for (let i = 0; i < workloads; i++) {
    const kind = KINDS[i % KINDS.length];
    const labels = { app: `app-${i}`, tier: pick(TIERS), ...(rand() < 0.3 ? { scrape: 'true' } : {}) };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'main', ports: PORTS.filter(() => rand() < 0.5) }] } };
    const spec = kind === 'CronJob' ? { jobTemplate: { spec: { template } } } : { template };
    out.push({ apiVersion: 'apps/v1', kind, source, metadata: { name: `wl-${i}`, namespace: pick(namespaces) }, spec });
  }
  const selector = () =>
    pick([
      () => ({ matchLabels: { app: `app-${int(0, workloads - 1)}` } }),
      () => ({ matchLabels: { tier: pick(TIERS) } }),
      () => ({ matchExpressions: [{ key: 'tier', operator: 'In', values: [pick(TIERS), pick(TIERS)] }] }),
      () => ({ matchExpressions: [{ key: 'scrape', operator: 'Exists' }] }),
      () => ({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: [pick(TIERS)] }] }),
    ])();
  const peer = () =>
    pick([
      () => ({ podSelector: selector() }),
      () => ({ namespaceSelector: { matchLabels: { team: `team-${int(0, 6)}` } }, podSelector: selector() }),
      () => ({ namespaceSelector: { matchLabels: { env: pick(['prod', 'dev']) } } }),
      () => ({ ipBlock: { cidr: `10.${int(0, 255)}.0.0/16`, except: [`10.0.${int(0, 255)}.0/24`] } }),
      () => ({ ipBlock: { cidr: `${int(11, 200)}.${int(0, 255)}.${int(0, 255)}.0/24` } }),
      () => ({ ipBlock: { cidr: `fd00:${int(0, 65535).toString(16)}::/32`, except: [`fd00:${int(0, 65535).toString(16)}:1::/48`] } }),
    ])();
  const ports = () =>
    pick([
      () => [{ port: pick([80, 443, 8080, 9090, 5432]) }],
      () => [{ port: pick(['http', 'grpc', 'metrics']) }],
      () => [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      () => [{ port: int(30000, 31000), endPort: int(31000, 32767) }],
      () => undefined,
    ])();
  const rules = () => Array.from({ length: int(1, 3) }, () => ({ peers: Array.from({ length: int(1, 2) }, peer), ports: ports() }));
  for (let i = 0; i < policies; i++) {
    const namespace = pick(namespaces);
    const metadata = { name: `np-${i}`, namespace };
    const shape = rand();
    let spec: Record<string, unknown>;
    if (shape < 0.05) spec = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
    else if (shape < 0.6) spec = { podSelector: selector(), ingress: rules().map((r) => ({ from: r.peers, ports: r.ports })) };
    else if (shape < 0.85) spec = { podSelector: selector(), policyTypes: ['Egress'], egress: rules().map((r) => ({ to: r.peers, ports: r.ports })) };
    else spec = { podSelector: selector(), ingress: rules().map((r) => ({ from: r.peers, ports: r.ports })), egress: rules().map((r) => ({ to: r.peers, ports: r.ports })) };
    out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', source, metadata, spec });
  }
  return out;
}

/** The cluster model of `syntheticManifests(workloads, policies, seed)`. */
export function syntheticCluster(workloads: number, policies: number, seed: number): Cluster {
  return buildCluster(syntheticManifests(workloads, policies, seed));
}

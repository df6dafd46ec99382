// The contract topology: peers say what they are (pod, host, outside) and exist as the values and the cluster
// facts say; pods keep their addresses whatever else runs; the outside address stays outside every CIDR of the
// values, and is absent only when they cover a whole address family.
import t from 'tap';
import { parseCidr } from '../../tools/analyze/index.ts';
import { valuesFor } from '../../tools/render/values.ts';
import { outsideAddress, presentPeersFor, topologyFor } from '../../tools/contract/index.ts';
import { ISTIO_API, NO_ISTIO_API, landscape, restricted, tempFile } from './helpers.ts';

const blocks = (...cidrs: string[]) => cidrs.map((c) => parseCidr(c)!);
const v4 = ['192.0.2.77', '192.0.2.177', '198.19.255.77'];

/** The ids of the peers that exist for the values files and facts, with their kinds. */
function existing(files: string[], facts = NO_ISTIO_API): Map<string, string> {
  return new Map(presentPeersFor(valuesFor(files), facts).map((p) => [p.key, p.kind]));
}

t.test('the first candidate no block holds', async (t) => {
  t.equal(outsideAddress('IPv4', v4, []), '192.0.2.77');
  t.equal(outsideAddress('IPv4', v4, blocks('192.0.2.0/25')), '192.0.2.177');
});

t.test('every candidate held: the nearest free address, upward first, then downward', async (t) => {
  t.equal(outsideAddress('IPv4', v4, blocks('192.0.2.0/24', '198.19.0.0/16', '192.0.3.0/24')), '192.0.4.0', 'steps past adjacent blocks');
  t.equal(outsideAddress('IPv4', v4, blocks('128.0.0.0/1')), '127.255.255.255', 'the block reaches the top: below it');
  t.equal(outsideAddress('IPv6', ['2001:db8:dead::77'], blocks('2000::/3')), '4000::');
});

t.test('blocks that cover the family: no outside address', async (t) => {
  t.equal(outsideAddress('IPv4', v4, blocks('0.0.0.0/1', '128.0.0.0/1')), undefined);
  t.equal(outsideAddress('IPv4', v4, blocks('128.0.0.0/2', '0.0.0.0/1', '192.0.0.0/2')), undefined, 'in any order');
});

t.test('the topology has an outside peer per family the values leave room in', async (t) => {
  const outside = (override: string) => topologyFor(valuesFor([tempFile(override)]), NO_ISTIO_API).peers
    .filter((p) => p.id === 'outside').map((p) => p.address);
  t.same(outside('# defaults\n'), ['192.0.2.77', '2001:db8:dead::77']);
  t.same(outside('platform: kubernetes\napiServer: {cidrs: [10.250.0.1/32]}\nbackends: {traces: {cidrs: [0.0.0.0/1, 128.0.0.0/1], ports: [4317]}}\n'),
    ['2001:db8:dead::77'], 'IPv4 covered: only the IPv6 outside');
  t.same(outside('platform: kubernetes\nwebhooks: {callers: {pods: [], cidrs: [192.0.2.0/24, 198.19.0.0/16]}}\n'), ['192.0.3.0', '2001:db8:dead::77']);
});

t.test('Gardener: vpn-shoot, apiserver-proxy and the API server load balancer; node-local-dns on the host', async (t) => {
  const peers = existing(landscape('gardener'));
  t.equal(peers.get('vpnShoot'), 'pod');
  t.equal(peers.get('apiserverProxy'), 'host');
  t.equal(peers.get('apiServerLoadBalancer'), 'outside');
  t.same(['nodeLocalDns', 'nodeLocalDns#2', 'nodeLocalDns#3', 'nodeLocalDns#4'].map((k) => peers.get(k)), ['host', 'host', 'host', 'host'],
    '169.254.20.10, fd30:1319:f1e:230b::1 and the kube-dns ClusterIP, one host peer per address');
  t.equal(peers.get('node'), 'host');
  t.notOk(peers.has('controlPlaneNode'), 'no control-plane node in the shoot');
  t.equal(peers.get('metadata'), 'outside');
  t.ok(peers.has('otlpGateway') && !peers.has('logGateway'), 'the OTLP gateway with gateways.layout otlp');
  const topology = topologyFor(valuesFor(landscape('gardener')), NO_ISTIO_API);
  t.match(topology.namespaces.get('kube-system')!.labels, { 'gardener.cloud/purpose': 'kube-system' });
});

t.test('plain Kubernetes: control-plane nodes, no node-local-dns, no vpn-shoot', async (t) => {
  const peers = existing(landscape('kubernetes'));
  t.equal(peers.get('controlPlaneNode'), 'host');
  t.notOk(peers.has('nodeLocalDns') || peers.has('vpnShoot') || peers.has('apiserverProxy'));
  const managed = existing(restricted());
  t.notOk(managed.has('controlPlaneNode'), 'a managed API server: no control-plane node');
  t.equal(managed.get('apiServer'), 'outside');
  t.equal(managed.get('webhookCallerAddress'), 'outside');
  t.ok(managed.has('inCluster.logs.0') && managed.has('inClusterDecoy.logs.0'), 'in-cluster backends and their decoys');
});

t.test('istio: istiod and the ingress gateway exist with istio.enabled true, or auto and the cluster\'s Istio API', async (t) => {
  t.ok(existing(landscape('istio')).has('istiod'), 'true');
  t.notOk(existing(landscape('gardener')).has('istiod'), 'auto without the API');
  t.ok(existing(landscape('gardener'), ISTIO_API).has('istioIngressGateway'), 'auto with the API');
  t.notOk(existing([tempFile('istio: {enabled: false}\n')], ISTIO_API).has('istiod'), 'false whatever the cluster serves');
});

t.test('components and gateways.layout: a workload exists only when enabled', async (t) => {
  const perSignal = existing(landscape('per-signal-gateways'));
  t.ok(['logGateway', 'metricGateway', 'traceGateway'].every((k) => perSignal.get(k) === 'pod') && !perSignal.has('otlpGateway'));
  t.notOk(existing(landscape('fluent-bit-only')).has('logAgent'), 'components.logAgent.enabled false');
});

t.test('pods keep their addresses whatever else runs, all in the pod network', async (t) => {
  const a = topologyFor(valuesFor(landscape('gardener')), NO_ISTIO_API).peers;
  const b = topologyFor(valuesFor(landscape('fluent-bit-only')), NO_ISTIO_API).peers;
  const network = parseCidr('100.96.0.0/11')!;
  for (const p of a.filter((p) => p.kind === 'pod')) {
    t.ok(p.ips[0].value >= network.first && p.ips[0].value <= network.last, `${p.key} in the pod network`);
    t.equal(b.find((q) => q.key === p.key)?.address, p.address, `${p.key} keeps its address`);
  }
  const addresses = a.filter((p) => p.kind === 'pod').map((p) => p.address);
  t.equal(new Set(addresses).size, addresses.length, 'every pod has its own addresses');
});

t.test('the cluster objects of the topology: namespaces, pods (host-network ones marked), nodes', async (t) => {
  const objects = topologyFor(valuesFor(landscape('gardener')), NO_ISTIO_API).objects;
  t.ok(objects.some((o) => o.kind === 'Node' && o.metadata?.name === 'node'));
  t.ok(objects.some((o) => o.kind === 'Pod' && o.metadata?.name === 'node-local-dns' && o.spec?.hostNetwork === true));
  t.ok(objects.some((o) => o.kind === 'Namespace' && o.metadata?.name === 'kyma-system'));
});

t.test('a values entry that asks a platform namespace for other labels selects no namespace: no pod, its decoy stays', async (t) => {
  const caller = (purpose: string) => tempFile(`webhooks:\n  callers:\n    pods:\n      - namespaceLabels: {kubernetes.io/metadata.name: kube-system, gardener.cloud/purpose: ${purpose}}\n        podLabels: {app: caller}\n`);
  const conflicting = existing([caller('allowed')]);
  t.notOk(conflicting.has('webhookCaller.0'), 'Gardener labels kube-system gardener.cloud/purpose: kube-system');
  t.ok(conflicting.has('webhookCallerDecoy.0'));
  const topology = topologyFor(valuesFor([caller('allowed')]), NO_ISTIO_API);
  t.match(topology.namespaces.get('kube-system')!.labels, { 'gardener.cloud/purpose': 'kube-system' }, 'the platform\'s labels have the last word');
  t.equal(existing([caller('kube-system')]).get('webhookCaller.0'), 'pod', 'labels the platform gives: the caller exists');
});

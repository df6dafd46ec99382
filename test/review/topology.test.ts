// The reference topology: pods with the labels DESIGN.md lists (written here by hand, not read from the
// model), and peers placed where the values say.
import t from 'tap';
import { fullValues } from '../../tools/review/session.ts';
import { addressIn, buildTopology, inCidrs } from '../../tools/review/topology.ts';
import { fixture, landscape } from './helpers.ts';

const labelsOf = (topology: ReturnType<typeof buildTopology>, ref: string) => {
  const pod = topology.objects.find((o) => o.kind === 'Pod' && `${o.metadata?.namespace}/${o.metadata?.name}` === ref);
  return pod?.metadata?.labels;
};

t.test('module pods carry their real labels and the module label', async (t) => {
  const topo = buildTopology([fullValues([])]);
  t.same(labelsOf(topo, 'kyma-system/manager'), {
    'kyma-project.io/module': 'telemetry', 'app.kubernetes.io/name': 'manager', 'app.kubernetes.io/instance': 'telemetry',
    'control-plane': 'telemetry-manager', 'kyma-project.io/component': 'controller',
  });
  t.same(labelsOf(topo, 'kyma-system/telemetry-metric-agent'), {
    'kyma-project.io/module': 'telemetry', 'app.kubernetes.io/name': 'telemetry-metric-agent', 'app.kubernetes.io/component': 'agent',
    'networking.kyma-project.io/metrics-scraping': 'allowed',
  });
  t.same(labelsOf(topo, 'kyma-system/telemetry-trace-gateway'), {
    'kyma-project.io/module': 'telemetry', 'app.kubernetes.io/name': 'telemetry-trace-gateway', 'app.kubernetes.io/component': 'gateway',
  });
  t.same(labelsOf(topo, 'kube-system/coredns'), { 'k8s-app': 'kube-dns' });
  const kubeSystem = topo.objects.find((o) => o.kind === 'Namespace' && o.metadata?.name === 'kube-system');
  t.same(kubeSystem?.metadata?.labels, { 'kubernetes.io/metadata.name': 'kube-system', 'gardener.cloud/purpose': 'kube-system' });
  t.equal(topo.peers.filter((p) => p.group === 'module').length, 8);
});

t.test('defaults: fixed addresses and namespaces', async (t) => {
  const topo = buildTopology([fullValues([])]);
  const ref = (alias: string) => topo.peers.find((p) => p.alias === alias)?.ref;
  t.equal(ref('rma-scraper'), 'rma/rma-scraper');
  t.equal(ref('customer-otlp'), 'customer/otlp-client');
  t.equal(ref('api-server'), '100.64.0.1');
  t.equal(ref('node-local-dns'), '169.254.20.10');
  t.equal(ref('backend-logs'), '203.0.113.10');
  t.equal(ref('dns-address'), undefined, 'no DNS addresses named');
  t.equal(ref('webhook-caller'), undefined);
});

t.test('zero trust: peers move to the namespaces and CIDRs of the values', async (t) => {
  const topo = buildTopology([fullValues([landscape('zero-trust')])]);
  const ref = (alias: string) => topo.peers.find((p) => p.alias === alias)?.ref;
  t.equal(ref('rma-scraper'), 'rma/rma-scraper');
  t.equal(ref('customer-otlp'), 'shop/otlp-client');
  t.equal(ref('customer'), 'shop/plain-workload');
  t.equal(ref('api-server'), '10.250.0.1');
  t.equal(ref('backend-logs'), '198.51.100.10');
  t.equal(ref('backend-traces'), '203.0.113.138');
  t.equal(ref('backend-metrics-in-cluster'), 'observability/prometheus');
  t.ok(inCidrs(['10.250.0.0/16'], ref('kubelet')!));
  t.same(labelsOf(topo, 'shop/otlp-client'), { 'app.kubernetes.io/name': 'otlp-client', 'networking.kyma-project.io/telemetry-otlp': 'allowed' });
});

t.test('a diff topology holds the peers of both values', async (t) => {
  const topo = buildTopology([fullValues([]), fullValues([landscape('zero-trust')])]);
  const refs = topo.peers.map((p) => `${p.alias}=${p.ref}`);
  t.ok(refs.includes('customer=customer/plain-workload'));
  t.ok(refs.includes('customer@shop=shop/plain-workload'));
  t.same(buildTopology([fullValues([fixture('istio-off.yaml')])]).peers.find((p) => p.alias === 'rma-scraper')?.ref, 'rma/rma-scraper');
});

t.test('addresses inside CIDRs', async (t) => {
  t.equal(addressIn(['10.0.0.0/8'], 10, 'x'), '10.0.0.10');
  t.equal(addressIn(['10.0.0.1/32'], 10, 'x'), '10.0.0.1', 'too small: the first address');
  t.equal(addressIn(['2001:db8::/48', '192.0.2.0/24'], 10, 'x'), '192.0.2.10', 'IPv4 first');
  t.equal(addressIn(['2001:db8::/48'], 10, 'x'), '2001:db8::a');
  t.equal(addressIn([], 10, 'x'), 'x');
  t.notOk(inCidrs(['10.0.0.0/8'], '2001:db8::1'));
});

// The contract is evaluated under the two named readings of ipBlock, `calico` (an ipBlock matches pods, hosts
// and outside addresses) and `cilium` (outside addresses only); every failure names its reading(s). A wrong
// policy that only one reading exposes is caught under that reading; a rule without peers reads the same under
// both.
import t from 'tap';
import { valuesFor } from '../../tools/render/values.ts';
import { contractVerdicts, topologyFor } from '../../tools/contract/index.ts';
import { NO_ISTIO_API, failures, landscape, mutate, render, restricted, ruleWith, tempFile } from './helpers.ts';

const gardener = landscape('gardener');
const zeroTrust = landscape('gardener-zero-trust');
const peer = (files: string[], key: string) => topologyFor(valuesFor(files), NO_ISTIO_API).peers.find((p) => p.key === key)!;

t.test('node-local-dns by ipBlock 169.254.20.10/32: allowed under calico, denied under cilium', async (t) => {
  const wrong = mutate(await render(gardener), 'dns', (s) => {
    s.egress[1].to = [{ ipBlock: { cidr: '169.254.20.10/32' } }];
  });
  const found = failures(wrong, gardener);
  const ipvs = found.filter((f) => /^required flow dns-node-local is denied .*\(host\) 169\.254\.20\.10 /.test(f));
  t.ok(ipvs.length > 0, 'the flow to 169.254.20.10 fails');
  t.ok(ipvs.every((f) => f.includes('is denied under the cilium reading:')), 'under the cilium reading only', { ipvs });
  t.match(ipvs[0], /egress of kyma-system\/\S+: denied: selected by kyma-system\/kyma-project\.io--telemetry-netpol-dns/);
  t.ok(found.some((f) => /^required flow dns-node-local is denied under the calico and cilium readings: .*\(host\) 100\.64\.0\.10 /.test(f)),
    'the kube-dns ClusterIP the node answers on (iptables mode) is denied under both', { found: found.slice(0, 4) });
  const verdicts = contractVerdicts(wrong, valuesFor(gardener), NO_ISTIO_API, 'dns-node-local')
    .filter((v) => v.dst.endsWith('169.254.20.10') && v.src === 'kyma-system/manager');
  t.same([...new Set(verdicts.map((v) => `${v.reading} ${v.allowed}`))].sort(), ['calico true', 'cilium false']);
});

t.test('a rule with ports and no peers reaches hosts under both readings', async (t) => {
  const verdicts = contractVerdicts(await render(gardener), valuesFor(gardener), NO_ISTIO_API, 'dns-node-local');
  t.ok(verdicts.length > 0 && verdicts.every((v) => v.allowed), 'the chart\'s ports-only DNS rule: allowed under both');
  t.same([...new Set(verdicts.map((v) => v.reading))].sort(), ['calico', 'cilium']);
  const kubelet = contractVerdicts(await render(gardener), valuesFor(gardener), NO_ISTIO_API, 'kubelet');
  t.ok(kubelet.length > 0 && kubelet.every((v) => v.allowed), 'the kubelet (a host) through the ports-only rule');
});

t.test('the kubelet by ipBlock over the node network: allowed under calico, denied under cilium', async (t) => {
  const files = zeroTrust;
  const wrong = mutate(await render(files), 'metric-agent', (s) => {
    s.egress[ruleWith(s.egress, '10250')].to = [{ ipBlock: { cidr: '10.250.0.0/16' } }, { ipBlock: { cidr: 'fd00:250::/64' } }];
  });
  const found = failures(wrong, files).filter((f) => f.startsWith('required flow kubelet '));
  t.ok(found.length > 0 && found.every((f) => f.includes('under the cilium reading')), 'the kubelet flow fails under cilium only', { found });
});

t.test('RMA admitted by the scraper pod\'s address: holds under calico, fails under cilium', async (t) => {
  const scraper = peer(zeroTrust, 'rmaScraper');
  t.match(scraper.address, /^100\.(9[6-9]|1[01]\d|12[0-7])\./, 'topology pods have addresses in the pod network');
  const wrong = mutate(await render(zeroTrust), 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from = [{ ipBlock: { cidr: `${scraper.address}/32` } }];
  });
  const found = failures(wrong, zeroTrust);
  const denied = found.filter((f) => f.startsWith('required flow rma-scrapes-manager '));
  t.equal(denied.length, 1, 'the required flow fails once');
  t.match(denied[0], /is denied under the cilium reading: rma\/rma-scraper → kyma-system\/manager TCP 8080/);
  t.match(denied[0], /ingress of kyma-system\/manager: denied: selected by kyma-system\/kyma-project.io--telemetry-netpol-manager/);
  t.notOk(found.some((f) => f.includes('calico')), 'nothing fails under calico', { found });
});

t.test('metric agent egress by ipBlock over the pod network: holds under cilium, fails under calico', async (t) => {
  const wrong = mutate(await render(zeroTrust), 'metric-agent', (s) => {
    s.egress.push({ to: [{ ipBlock: { cidr: '100.96.0.0/11' } }], ports: [{ port: 8080, protocol: 'TCP' }] });
  });
  const found = failures(wrong, zeroTrust);
  t.ok(found.length > 0);
  t.ok(found.every((f) => f.includes('under the calico reading')), 'every failure is calico-only', { found: found.slice(0, 3) });
  const forbidden = found.find((f) => f.startsWith('forbidden flow module-to-customers-denied '));
  t.match(forbidden, /allowed under the calico reading: kyma-system\/metric-agent → shop\/customer-plain TCP 8080/);
  t.match(forbidden, /egress of kyma-system\/metric-agent: allowed by kyma-system\/kyma-project.io--telemetry-netpol-metric-agent egress rule 5/);
  t.ok(found.some((f) => /^connection outside the contract allowed under the calico reading: kyma-system\/metric-agent → [^\n]*kyma-system\/other-module[^\n]* TCP 8080\n/.test(f)),
    'uncovered connections are listed per source, ports and reading', { found });
});

t.test('a CIDR the admin names over the pod network: calico takes the pods in it, as the admin asked', async (t) => {
  const files = [...restricted(), tempFile('backends:\n  metrics:\n    cidrs: [198.51.100.0/24, "2001:db8:100::/48", 100.96.0.0/11]\n    ports: [8080]\n    inCluster: []\n')];
  t.same(failures(await render(files), files), [], 'nothing fails under either reading');
  const verdicts = contractVerdicts(await render(files), valuesFor(files), NO_ISTIO_API, 'module-to-customers-denied')
    .filter((v) => v.src === 'kyma-system/metric-agent');
  t.ok(verdicts.every((v) => v.reading === 'cilium'), 'under calico the named CIDR admits the pods: the forbidden flow has nothing left to test there', { verdicts });
  // the same connection through a pod selector is no address the admin named: both readings see it
  const selector = mutate(await render(files), 'metric-agent', (s) => {
    s.egress.push({ to: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] });
  });
  const forbidden = failures(selector, files).find((f) => f.startsWith('forbidden flow module-to-customers-denied '));
  t.match(forbidden, /is allowed under the cilium reading: kyma-system\/metric-agent → shop\/customer-plain TCP 8080\n/, 'the calico reading admits it through the named CIDR');
  // a port the CIDR was not named for is not admitted
  const wider = mutate(await render(files), 'metric-agent', (s) => {
    s.egress.push({ to: [{ ipBlock: { cidr: '100.96.0.0/11' } }], ports: [{ port: 9100, protocol: 'TCP' }] });
  });
  const found = failures(wider, files);
  t.ok(found.some((f) => /^forbidden flow scrape-outside-namespace-denied is allowed under the calico reading: kyma-system\/metric-agent → elsewhere\/scrape-target-outside TCP 9100\n/.test(f)), { found });
});

t.test('in-cluster backends are selected by namespace and labels: an entry that selects another entry\'s pod admits its ports there', async (t) => {
  const files = [...zeroTrust, tempFile([
    'backends:', '  metrics:', '    ports: [443]', '    inCluster:',
    '      - {namespace: observability, podLabels: {app.kubernetes.io/name: prometheus, team: obs}, ports: [9090]}',
    '      - {namespace: observability, podLabels: {app.kubernetes.io/name: prometheus}, ports: [9091]}', ''].join('\n'))];
  t.same(failures(await render(files), files), [], 'the second entry selects the first entry\'s pod too, on 9091');
  const wrong = mutate(await render(files), 'metric-agent', (s) => {
    s.egress[ruleWith(s.egress, '9091')].ports.push({ port: 9092, protocol: 'TCP' });
  });
  const found = failures(wrong, files);
  t.ok(found.some((f) => /^connection outside the contract allowed under the calico and cilium readings: kyma-system\/metric-agent → observability\/in-cluster-metrics-0, observability\/in-cluster-metrics-1 TCP 9092\n/.test(f)), { found });
});

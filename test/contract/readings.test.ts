// Both readings of ipBlock are evaluated: Kubernetes/Cilium (an ipBlock never matches pods) and Calico
// (it matches pods whose podIP lies in it). A wrong policy that only one reading exposes is caught.
import t from 'tap';
import { failures, landscape, mutate, render, ruleWith, tempFile } from './helpers.ts';
import { valuesFor } from '../../tools/report/rendered-checks.ts';
import { loadContract } from '../../tools/report/contract/spec.ts';
import { instantiate } from '../../tools/report/contract/topology.ts';

const zeroTrust = landscape('zero-trust');
const peer = (key: string) => instantiate(loadContract(), valuesFor(zeroTrust)).peers.find((p) => p.key === key)!;

t.test('RMA admitted by the scraper pod address: passes under Calico, fails under Kubernetes/Cilium', async (t) => {
  const scraper = peer('rmaScraper');
  t.match(scraper.address, /^100\.(9[6-9]|1[01]\d|12[0-7])\./, 'topology pods have addresses in the pod network');
  const wrong = mutate(await render(zeroTrust), 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from = [{ ipBlock: { cidr: `${scraper.address}/32` } }];
  });
  const found = failures(wrong, zeroTrust);
  const denied = found.filter((f) => f.startsWith('required flow rma-scrapes-manager '));
  t.equal(denied.length, 1, 'the required flow fails once');
  t.match(denied[0], /is denied under the kubernetes reading: rma\/rma-scraper → kyma-system\/manager TCP 8080/);
  t.match(denied[0], /ingress of kyma-system\/manager: denied: selected by kyma-system\/kyma-project.io--telemetry-manager/);
  t.notOk(found.some((f) => f.includes('under the calico reading') || f.includes('under both readings')), 'nothing fails under Calico', { found });
});

t.test('metric agent egress to the pod network: passes under Kubernetes/Cilium, fails under Calico', async (t) => {
  const wrong = mutate(await render(zeroTrust), 'metric-agent', (s) => {
    s.egress.push({ to: [{ ipBlock: { cidr: '100.96.0.0/11' } }], ports: [{ port: 8080, protocol: 'TCP' }] });
  });
  const found = failures(wrong, zeroTrust);
  t.ok(found.length > 0);
  t.ok(found.every((f) => f.includes('under the calico reading')), 'every failure is Calico-only', { found: found.slice(0, 3) });
  const forbidden = found.find((f) => f.startsWith('forbidden flow scrape-unlabelled-denied '));
  t.match(forbidden, /allowed under the calico reading: kyma-system\/metric-agent → shop\/customer-plain TCP 8080/);
  t.match(forbidden, /egress of kyma-system\/metric-agent: allowed by kyma-system\/kyma-project.io--telemetry-metric-agent egress rule 5/);
  t.ok(found.some((f) => /^connection outside the contract allowed under the calico reading: kyma-system\/metric-agent → [^\n]*kyma-system\/other-module[^\n]* TCP 8080\n/.test(f)),
    'uncovered connections are listed per source, ports and reading', { found });
});

t.test('phase 1 under Calico: the any-address rules reach pods, and the contract allows exactly that', async (t) => {
  const gardener = landscape('gardener');
  t.same(failures(await render(gardener), gardener), [], 'the gardener landscape holds under both readings');
  // narrowing the log backends to an address set keeps Calico from reaching pods through them, so the
  // contract's Calico allowances for the backend rule no longer apply: a policy that still reaches pods fails
  const wrong = mutate(await render(zeroTrust), 'log-agent', (s) => {
    s.egress[0].to.push({ ipBlock: { cidr: '0.0.0.0/0' } });
  });
  const found = failures(wrong, zeroTrust);
  t.ok(found.some((f) => f.includes('under both readings') && f.includes('kyma-system/log-agent → outside 192.0.2.77 TCP 443')));
  t.ok(found.some((f) => /under the calico reading: kyma-system\/log-agent → [^\n]*shop\/customer-plain[^\n]* TCP 443\n/.test(f)), { found });
});

t.test('a backend CIDR over the pod network: Calico excuses a forbidden flow only where that address flow admits it', async (t) => {
  const files = [...zeroTrust, tempFile('backends:\n  metrics:\n    cidrs: [203.0.113.0/25, "2001:db8:200::/48", 100.96.0.0/11]\n    ports: [8080]\n')];
  t.same(failures(await render(files), files), [], 'the admin named the pod network on 8080: nothing fails under either reading');
  // the same connection through a pod selector is no address flow: the Kubernetes/Cilium reading still sees it
  const selector = mutate(await render(files), 'metric-agent', (s) => {
    s.egress.push({ to: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] });
  });
  const forbidden = failures(selector, files).find((f) => f.startsWith('forbidden flow scrape-unlabelled-denied '));
  t.match(forbidden, /is allowed under the kubernetes reading: kyma-system\/metric-agent → shop\/customer-plain TCP 8080\n/, 'excused under Calico only');
  // a port the CIDR was not given for is not excused
  const wider = mutate(await render(files), 'metric-agent', (s) => {
    s.egress.push({ to: [{ ipBlock: { cidr: '100.96.0.0/11' } }], ports: [{ port: 9100, protocol: 'TCP' }] });
  });
  const found = failures(wider, files);
  t.ok(found.some((f) => /^forbidden flow scrape-outside-namespace-denied is allowed under the calico reading: kyma-system\/metric-agent → elsewhere\/scrape-target-outside TCP 9100\n/.test(f)), { found });
});

t.test('in-cluster backends are selected by namespace and labels: an entry that selects another entry\'s pod admits its ports there', async (t) => {
  const files = [...zeroTrust, tempFile([
    'backends:', '  metrics:', '    inCluster:',
    '      - {namespace: observability, podLabels: {app.kubernetes.io/name: prometheus, team: obs}, ports: [9090]}',
    '      - {namespace: observability, podLabels: {app.kubernetes.io/name: prometheus}, ports: [9091]}', ''].join('\n'))];
  t.same(failures(await render(files), files), [], 'the second entry selects the first entry\'s pod too, on 9091');
  const wrong = mutate(await render(files), 'metric-gateway', (s) => {
    s.egress[ruleWith(s.egress, '9091')].ports.push({ port: 9092, protocol: 'TCP' });
  });
  const found = failures(wrong, files);
  t.ok(found.some((f) => /^connection outside the contract allowed under both readings: kyma-system\/metric-gateway → observability\/in-cluster-metrics-0, observability\/in-cluster-metrics-1 TCP 9092\n/.test(f)), { found });
});

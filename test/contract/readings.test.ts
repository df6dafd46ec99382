// Both readings of ipBlock are evaluated: Kubernetes/Cilium (an ipBlock never matches pods) and Calico
// (it matches pods whose podIP lies in it). A wrong policy that only one reading exposes is caught.
import t from 'tap';
import { failures, landscape, mutate, render, ruleWith } from './helpers.ts';
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

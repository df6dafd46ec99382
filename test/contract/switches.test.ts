// For each switch, a wrong rendered output is caught by a contract flow: the correct render of a
// landscape is hand-edited (a selector removed, a port dropped, a CIDR widened, a rule or policy dropped)
// and the contract names the flow it breaks. And each such flow is in force, and holds, where it applies.
import t from 'tap';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { drop, failures, landscape, mutate, render, ruleWith, tempFile } from './helpers.ts';
import { valuesFor } from '../../tools/report/rendered-checks.ts';
import { contractVerdicts } from '../../tools/report/contract/evaluate.ts';

const names = (fs: string[], id: string) => fs.some((f) => f.startsWith(`required flow ${id} `) || f.startsWith(`forbidden flow ${id} `));

async function caught(t: { ok: typeof tap.ok }, name: string, files: string[], edit: (m: string) => string, flow: string) {
  const wrong = edit(await render(files));
  const found = failures(wrong, files);
  t.ok(names(found, flow), `${name}: flow ${flow} fails`, { found: found.slice(0, 5) });
  return found;
}
const tap = t;

const zeroTrust = landscape('zero-trust');
const gardener = landscape('gardener');
const istio = landscape('istio');
const kubernetes = landscape('kubernetes');
const fluentBitOnly = landscape('fluent-bit-only');
const gateways = ['log-gateway', 'metric-gateway', 'trace-gateway'];

t.test('zeroTrust.enabled: OTLP open to every pod (the phase-1 rule) in zero trust', async (t) => {
  await caught(t, 'zero trust', zeroTrust, (m) => mutate(m, 'log-gateway', (s) => {
    s.ingress[ruleWith(s.ingress, 'telemetry-otlp')].from = [{ namespaceSelector: {}, podSelector: {} }];
  }), 'otlp-unlabelled-denied');
  await caught(t, 'zero trust', zeroTrust, (m) => mutate(m, 'metric-agent', (s) => {
    s.egress[ruleWith(s.egress, 'metrics-scraping')].to = [{ namespaceSelector: {}, podSelector: {} }];
  }), 'scrape-unlabelled-denied');
  await caught(t, 'phase 1', gardener, (m) => mutate(m, 'trace-gateway', (s) => {
    s.ingress[0].from = [{ namespaceSelector: {}, podSelector: { matchLabels: { 'networking.kyma-project.io/telemetry-otlp': 'allowed' } } }];
  }), 'otlp-phase-1');
});

t.test('istio.enabled: Envoy metrics port dropped, or opened without Istio', async (t) => {
  await caught(t, 'istio', istio, (m) => mutate(m, 'fluent-bit', (s) => {
    const rma = s.ingress[ruleWith(s.ingress, 'metrics-scraping')];
    rma.ports = rma.ports.filter((p: any) => p.port !== 15090);
  }), 'rma-scrapes-envoy');
  await caught(t, 'no istio', gardener, (m) => mutate(m, 'log-agent', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].ports.push({ port: 15090, protocol: 'TCP' });
  }), 'envoy-without-istio-denied');
});

t.test('dns.preset: CoreDNS port or kube-system label of the other preset', async (t) => {
  await caught(t, 'gardener with the CoreDNS port of plain Kubernetes', gardener, (m) => mutate(m, 'dns', (s) => {
    s.egress[0].ports = s.egress[0].ports.map((p: any) => ({ ...p, port: 53 }));
  }), 'dns-kube-dns-gardener');
  await caught(t, 'kubernetes with the Gardener label', kubernetes, (m) => mutate(m, 'dns', (s) => {
    s.egress[0].to[0].namespaceSelector = { matchLabels: { 'gardener.cloud/purpose': 'kube-system' } };
  }), 'dns-kube-dns-kubernetes');
});

t.test('dns.cidrs: node-local DNS rule widened to every address', async (t) => {
  await caught(t, 'gardener', gardener, (m) => mutate(m, 'dns', (s) => {
    s.egress[1].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
  }), 'dns-outside-denied');
});

t.test('rma.namespaces: the namespace restriction of the RMA rule removed', async (t) => {
  await caught(t, 'manager', istio, (m) => mutate(m, 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].namespaceSelector = {};
  }), 'rma-outside-namespace-denied');
  await caught(t, 'trace gateway', zeroTrust, (m) => mutate(m, 'trace-gateway', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].namespaceSelector = {};
  }), 'rma-outside-namespace-denied-otel');
});

t.test('rma.podLabels: scraper labels ignored or not applied', async (t) => {
  await caught(t, 'no pod selector', istio, (m) => mutate(m, 'self-monitor', (s) => {
    delete s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].podSelector;
  }), 'rma-unlabelled-denied');
  // a landscape with its own scraper labels, checked against a render that kept the default labels
  const custom = tempFile('rma:\n  namespaces: [monitoring]\n  podLabels: {networking.kyma-project.io/metrics-scraping: null, app.kubernetes.io/part-of: rma}\n');
  const right = await render([custom]);
  t.same(failures(right, [custom]), [], 'the render with the custom labels holds');
  const found = failures(await render(landscape('defaults')), [custom]);
  t.ok(names(found, 'rma-scrapes-manager'), 'the default labels do not let the RMA scraper in');
});

t.test('otlp.namespaces and scrapeTargets.namespaces: namespace restriction removed', async (t) => {
  await caught(t, 'otlp', zeroTrust, (m) => mutate(m, 'metric-gateway', (s) => {
    s.ingress[ruleWith(s.ingress, 'telemetry-otlp')].from[0].namespaceSelector = {};
  }), 'otlp-outside-namespace-denied');
  await caught(t, 'scrape targets', zeroTrust, (m) => mutate(m, 'metric-agent', (s) => {
    s.egress[ruleWith(s.egress, 'metrics-scraping')].to[0].namespaceSelector = {};
  }), 'scrape-outside-namespace-denied');
});

for (const [signal, policy] of [['logs', 'log-agent'], ['metrics', 'metric-gateway'], ['traces', 'trace-gateway']] as const) {
  t.test(`backends.${signal}.cidrs and ports`, async (t) => {
    const cidr = (load(readFileSync(zeroTrust[0], 'utf8')) as any).backends[signal].cidrs[0];
    await caught(t, 'CIDR widened', zeroTrust, (m) => mutate(m, policy, (s) => {
      for (const r of s.egress) for (const p of r.to ?? []) if (p.ipBlock?.cidr === cidr) p.ipBlock.cidr = '0.0.0.0/0';
    }), `backend-${signal}-outside-denied`);
    await caught(t, 'ports dropped', zeroTrust, (m) => mutate(m, policy, (s) => {
      delete s.egress[ruleWith(s.egress, cidr)].ports;
    }), `backend-${signal}-other-port-denied`);
    await caught(t, 'rule dropped', zeroTrust, (m) => mutate(m, policy, (s) => {
      s.egress.splice(ruleWith(s.egress, cidr), 1);
    }), `backend-${signal}`);
  });
}

t.test('backends.<signal>.inCluster: in-cluster backend rule without its namespace, or dropped', async (t) => {
  await caught(t, 'namespace removed', zeroTrust, (m) => mutate(m, 'metric-gateway', (s) => {
    s.egress[ruleWith(s.egress, 'observability')].to[0].namespaceSelector = {};
  }), 'backend-metrics-decoy-denied');
  await caught(t, 'rule dropped', zeroTrust, (m) => mutate(m, 'metric-gateway', (s) => {
    s.egress.splice(ruleWith(s.egress, 'observability'), 1);
  }), 'backend-metrics-in-cluster');
});

t.test('apiServer.cidrs, apiServer.ports, apiServer.webhookSourceCidrs', async (t) => {
  const found = await caught(t, 'API server widened', zeroTrust, (m) => mutate(m, 'kube-api-server', (s) => {
    s.egress[0].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
  }), 'api-server-outside-denied');
  t.ok(names(found, 'backend-logs-outside-443-denied'), 'the 443-to-any trap reopens the log backend restriction');
  await caught(t, '6443 dropped', kubernetes, (m) => mutate(m, 'kube-api-server', (s) => {
    s.egress[0].ports = s.egress[0].ports.filter((p: any) => p.port !== 6443);
  }), 'api-server');
  await caught(t, 'webhook source widened', zeroTrust, (m) => mutate(m, 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'ipBlock')].from = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
  }), 'webhooks-outside-denied');
});

t.test('nodes.cidrs: kubelet rule widened', async (t) => {
  await caught(t, 'kubelet', zeroTrust, (m) => mutate(m, 'metric-agent', (s) => {
    s.egress[ruleWith(s.egress, '10250')].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
  }), 'kubelet-outside-denied');
});

t.test('components.<x>.enabled: an enabled component without its policy', async (t) => {
  await caught(t, 'fluent-bit dropped', fluentBitOnly, (m) => drop(m, 'fluent-bit'), 'backend-logs');
  // the render without the log agent and log gateway, checked for values that enable them
  const enabled = tempFile(readFileSync(fluentBitOnly[0], 'utf8').replace(/enabled: false/g, 'enabled: true'));
  const found = failures(await render(fluentBitOnly), [enabled]);
  t.ok(names(found, 'backend-logs'), 'the log agent cannot reach its backend', { found: found.slice(0, 3) });
  t.ok(found.some((f) => f.includes('kyma-system/log-gateway') && f.startsWith('connection outside the contract')), 'the log gateway is open');
  await caught(t, 'self-monitor rule dropped', zeroTrust, (m) => mutate(m, 'self-monitor', (s) => {
    s.egress.splice(ruleWith(s.egress, 'telemetry-trace-gateway'), 1);
  }), 'self-monitor-scrapes-otel');
});

t.test('the flows are in force and hold where they apply', async (t) => {
  const values = valuesFor(zeroTrust);
  const manifests = await render(zeroTrust);
  for (const id of ['backend-logs-outside-443-denied', 'api-server-outside-denied', 'rma-outside-namespace-denied', 'otlp-unlabelled-denied',
    'kubelet-outside-denied', 'webhooks-outside-denied', 'backend-metrics-decoy-denied', 'scrape-outside-namespace-denied']) {
    const verdicts = contractVerdicts(manifests, values, id);
    t.ok(verdicts.length > 0, `${id} is in force for zero-trust`);
    t.ok(verdicts.every((v) => !v.allowed), `${id}: every tested connection is denied`);
  }
  const agent = contractVerdicts(manifests, values, 'backend-logs-outside-443-denied').find((v) => v.src === 'kyma-system/log-agent');
  t.match(agent, { dst: 'outside 192.0.2.77', protocol: 'TCP', port: 443, allowed: false }, 'an agent to 192.0.2.77:443 is denied');
  t.same(contractVerdicts(await render(gardener), valuesFor(gardener), 'backend-logs-outside-443-denied'), [],
    'not in force without backend CIDRs');
  for (const id of ['backend-logs', 'kubelet', 'webhooks', 'rma-scrapes-manager', 'otlp-labelled', 'dns-servers']) {
    const verdicts = contractVerdicts(manifests, values, id);
    t.ok(verdicts.length > 0 && verdicts.every((v) => v.allowed), `${id} is required and allowed`);
  }
});

t.test('the classic traps of DESIGN are caught by the contract alone', async (t) => {
  const rendered = await render(zeroTrust);
  const zt = (edit: (m: string) => string) => failures(edit(rendered), zeroTrust);
  const open = (found: string[], what: string) => t.ok(found.some((f) => f.startsWith('connection outside the contract')), what, { found: found.slice(0, 2) });
  open(zt((m) => mutate(m, 'manager', (s) => { delete s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from; })),
    'a rule with ports but no peers admits every source');
  // the baseline still selects the pod for egress, so the component's egress rules are simply ignored
  t.ok(names(zt((m) => mutate(m, 'log-agent', (s) => { s.policyTypes = ['Ingress']; })), 'backend-logs'),
    'policyTypes without Egress drops the egress rules');
  open(zt((m) => mutate(m, 'fluent-bit', (s) => { s.egress.push({ ports: [] }); })), 'an empty rule admits everyone');
  open(zt((m) => mutate(m, 'trace-gateway', (s) => { s.ingress[0].from = [{ namespaceSelector: {} }]; })), 'a namespaceSelector alone admits every pod');
  open(zt((m) => mutate(m, 'metric-gateway', (s) => {
    for (const r of s.egress) for (const p of r.to ?? []) if (p.ipBlock?.cidr?.includes(':')) p.ipBlock.cidr = '::/0';
  })), 'IPv6 left open while IPv4 is narrowed');
});

t.test('module peers: a pod named like the self-monitor outside the module namespace is no self-monitor', async (t) => {
  await caught(t, 'self-monitor peer without its namespace', zeroTrust, (m) => mutate(m, 'fluent-bit', (s) => {
    s.ingress[ruleWith(s.ingress, 'telemetry-self-monitor')].from[0].namespaceSelector = {};
  }), 'module-impostor-scrape-denied');
  await caught(t, 'manager peer without its namespace', gardener, (m) => mutate(m, 'self-monitor', (s) => {
    s.ingress[ruleWith(s.ingress, '"manager"')].from[0].namespaceSelector = {};
  }), 'module-impostor-queries-denied');
});

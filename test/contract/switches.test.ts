// For each switch, a wrong rendered output is caught by a named contract flow: the correct render of a landscape
// is hand-edited (a selector widened, a port dropped, a CIDR widened, a rule or a policy dropped) and the
// contract names the flow it breaks. And the flows are in force, and hold, where they apply.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { valuesFor } from '../../tools/render/values.ts';
import { contractVerdicts } from '../../tools/contract/index.ts';
import { ISTIO_API, NO_ISTIO_API, drop, failures, landscape, mutate, names, render, restricted, ruleWith, tempFile } from './helpers.ts';
import type { Facts } from '../../tools/contract/index.ts';

type Tap = { ok: typeof t.ok };
/** Renders `files`, applies `edit`, and expects the contract to name `flow` among its failures. */
async function caught(t: Tap, what: string, files: string[], edit: (m: string) => string, flow: string, facts: Facts = NO_ISTIO_API) {
  const found = failures(edit(await render(files, facts)), files, facts);
  t.ok(names(found, flow), `${what}: flow ${flow} fails`, { found: found.slice(0, 4) });
  return found;
}

const zeroTrust = landscape('gardener-zero-trust');
const gardener = landscape('gardener');
const istio = landscape('istio');
const kubernetes = landscape('kubernetes');
const fluentBitOnly = landscape('fluent-bit-only');
const perSignal = landscape('per-signal-gateways');
const anyPod = [{ namespaceSelector: {}, podSelector: {} }];

t.test('zeroTrust.enabled: OTLP and scraping open to every pod, or closed in phase 1', async (t) => {
  await caught(t, 'OTLP from every pod in zero trust', zeroTrust, (m) => mutate(m, 'otlp-gateway', (s) => {
    s.ingress[ruleWith(s.ingress, 'telemetry-otlp')].from = anyPod;
  }), 'otlp-unlabelled-denied');
  await caught(t, 'the metric agent scrapes every pod in zero trust', zeroTrust, (m) => mutate(m, 'metric-agent', (s) => {
    s.egress[ruleWith(s.egress, 'metrics-scraping')].to = anyPod;
  }), 'module-to-customers-denied');
  await caught(t, 'phase 1 with OTLP from labelled pods only', gardener, (m) => mutate(m, 'otlp-gateway', (s) => {
    s.ingress[0].from = [{ namespaceSelector: {}, podSelector: { matchLabels: { 'networking.kyma-project.io/telemetry-otlp': 'allowed' } } }];
  }), 'otlp-phase-1');
});

t.test('istio.enabled: the Envoy port and istiod, dropped or opened without Istio', async (t) => {
  // in phase 1 the exporters reach istiod through their any-port backend rules: zero trust shows the istiod rule
  const istioZeroTrust = [...zeroTrust, tempFile('istio: {enabled: true}\n')];
  await caught(t, '15090 dropped', istio, (m) => mutate(m, 'fluent-bit', (s) => {
    const rma = s.ingress[ruleWith(s.ingress, 'metrics-scraping')];
    rma.ports = rma.ports.filter((p: any) => p.port !== 15090);
  }), 'rma-scrapes-envoy');
  await caught(t, 'istiod rule dropped', istioZeroTrust, (m) => mutate(m, 'metric-agent', (s) => {
    s.egress.splice(ruleWith(s.egress, 'istiod'), 1);
  }), 'sidecars-to-istiod');
  await caught(t, 'istiod in any namespace', istioZeroTrust, (m) => mutate(m, 'log-agent', (s) => {
    s.egress[ruleWith(s.egress, 'istiod')].to[0].namespaceSelector = {};
  }), 'istiod-impostor-denied');
  await caught(t, '15090 without Istio', gardener, (m) => mutate(m, 'log-agent', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].ports.push({ port: 15090, protocol: 'TCP' });
  }), 'envoy-without-istio-denied');
  // auto: the chart reads the cluster; a render for a cluster with Istio's API, checked for one without, and back
  const auto = landscape('gardener');
  t.ok(names(failures(await render(auto, ISTIO_API), auto, NO_ISTIO_API), 'envoy-without-istio-denied'), 'auto: Istio flows rendered for a cluster without Istio');
  t.ok(names(failures(await render(auto, NO_ISTIO_API), auto, ISTIO_API), 'rma-scrapes-envoy'), 'auto: no Istio flows for a cluster with Istio');
  const off = [...auto, tempFile('istio: {enabled: false}\n')];
  t.same(failures(await render(off, ISTIO_API), off, ISTIO_API), [], 'false: no sidecar flows whatever the cluster serves');
});

t.test('platform: CoreDNS port, kube-system label and webhook callers of the other platform', async (t) => {
  await caught(t, 'Gardener with the CoreDNS port of plain Kubernetes', gardener, (m) => mutate(m, 'dns', (s) => {
    s.egress[0].ports = s.egress[0].ports.map((p: any) => ({ ...p, port: 53 }));
  }), 'dns-coredns-gardener');
  await caught(t, 'plain Kubernetes with the Gardener label', kubernetes, (m) => mutate(m, 'dns', (s) => {
    s.egress[0].to[0].namespaceSelector = { matchLabels: { 'gardener.cloud/purpose': 'kube-system' } };
  }), 'dns-coredns-kubernetes');
  await caught(t, 'CoreDNS in any namespace', gardener, (m) => mutate(m, 'dns', (s) => {
    s.egress[0].to[0].namespaceSelector = {};
  }), 'dns-impostor-denied');
  await caught(t, 'vpn-shoot in any namespace', gardener, (m) => mutate(m, 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'vpn-shoot')].from[0].namespaceSelector = {};
  }), 'webhooks-others-denied');
  await caught(t, 'Gardener without the vpn-shoot caller', gardener, (m) => mutate(m, 'manager', (s) => {
    s.ingress.splice(ruleWith(s.ingress, 'vpn-shoot'), 1);
  }), 'webhooks-vpn-shoot');
  await caught(t, 'plain Kubernetes without the control-plane caller', kubernetes, (m) => mutate(m, 'manager', (s) => {
    s.ingress[0].from = [{ namespaceSelector: {}, podSelector: {} }];
  }), 'webhooks-control-plane');
});

t.test('dns.nodeLocal: node-local-dns dropped, or kept without it', async (t) => {
  await caught(t, 'the host-network DNS rule dropped', gardener, (m) => mutate(m, 'dns', (s) => {
    s.egress.splice(1, 1);
  }), 'dns-node-local');
  const without = [...gardener, tempFile('dns: {nodeLocal: false}\n')];
  const found = failures(await render(gardener), without);
  t.ok(found.some((f) => f.startsWith('connection outside the contract') && / UDP 53\b|UDP 53$/.test(f.split('\n')[0])), 'DNS to every peer without node-local-dns is outside the contract', { found: found.slice(0, 3) });
});

t.test('rma.namespaces and rma.podLabels: the RMA rule widened', async (t) => {
  await caught(t, 'manager: RMA from any namespace', istio, (m) => mutate(m, 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].namespaceSelector = {};
  }), 'rma-outside-namespace-denied');
  await caught(t, 'OTLP gateway: RMA from any namespace', zeroTrust, (m) => mutate(m, 'otlp-gateway', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].namespaceSelector = {};
  }), 'rma-outside-namespace-denied');
  await caught(t, 'self-monitor: RMA without the pod labels', istio, (m) => mutate(m, 'self-monitor', (s) => {
    delete s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from[0].podSelector;
  }), 'rma-unlabelled-denied');
  // a landscape with its own scraper labels, checked against a render that kept the default labels
  const custom = tempFile('rma:\n  namespaces: [monitoring]\n  podLabels: {networking.kyma-project.io/metrics-scraping: null, app.kubernetes.io/part-of: rma}\n');
  t.same(failures(await render([custom]), [custom]), [], 'the render with the custom labels holds');
  t.ok(names(failures(await render([]), [custom]), 'rma-scrapes-manager'), 'the default labels do not let the RMA scraper in');
});

t.test('customers: the metrics ports open to a pod that is no scraper', async (t) => {
  await caught(t, 'fluent-bit metrics from every pod', gardener, (m) => mutate(m, 'fluent-bit', (s) => {
    s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from = anyPod;
  }), 'customers-to-metrics-denied');
  await caught(t, 'manager policy dropped: its ingress is open', gardener, (m) => drop(m, 'manager'), 'customers-to-metrics-denied');
});

t.test('otlp.namespaces and scrapeTargets.namespaces: the namespace restriction removed', async (t) => {
  await caught(t, 'OTLP', zeroTrust, (m) => mutate(m, 'otlp-gateway', (s) => {
    s.ingress[ruleWith(s.ingress, 'telemetry-otlp')].from[0].namespaceSelector = {};
  }), 'otlp-outside-namespace-denied');
  await caught(t, 'scrape targets', zeroTrust, (m) => mutate(m, 'metric-agent', (s) => {
    s.egress[ruleWith(s.egress, 'metrics-scraping')].to[0].namespaceSelector = {};
  }), 'scrape-outside-namespace-denied');
});

for (const [signal, policy] of [['logs', 'log-agent'], ['metrics', 'metric-agent'], ['traces', 'otlp-gateway']] as const) {
  t.test(`backends.${signal}: CIDRs, ports, in-cluster entries`, async (t) => {
    const files = restricted();
    const cidr = '198.51.100.0/24';
    const own = (s: any) => s.egress.findIndex((r: any) => JSON.stringify(r).includes(cidr));
    await caught(t, 'CIDR widened', files, (m) => mutate(m, policy, (s) => {
      for (const r of s.egress) for (const p of r.to ?? []) if (p.ipBlock?.cidr === cidr) p.ipBlock.cidr = '0.0.0.0/0';
    }), `backend-${signal}-outside-denied`);
    await caught(t, 'ports dropped', files, (m) => mutate(m, policy, (s) => {
      delete s.egress[own(s)].ports;
    }), `backend-${signal}-other-port-denied`);
    await caught(t, 'rule dropped', files, (m) => mutate(m, policy, (s) => {
      for (let i = s.egress.length - 1; i >= 0; i--) if (JSON.stringify(s.egress[i]).includes(cidr)) s.egress.splice(i, 1);
    }), `backend-${signal}`);
    await caught(t, 'in-cluster backend in any namespace', files, (m) => mutate(m, policy, (s) => {
      s.egress[ruleWith(s.egress, `${signal}-store`)].to[0].namespaceSelector = {};
    }), `backend-${signal}-decoy-denied`);
    await caught(t, 'in-cluster backend dropped', files, (m) => mutate(m, policy, (s) => {
      s.egress.splice(ruleWith(s.egress, `${signal}-store`), 1);
    }), `backend-${signal}-in-cluster`);
  });
}

t.test('apiServer.cidrs and apiServer.ports', async (t) => {
  await caught(t, 'the named API server widened to every address', restricted(), (m) => mutate(m, 'kube-api-server', (s) => {
    s.egress[0].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
  }), 'api-server-outside-denied');
  await caught(t, '6443 dropped', kubernetes, (m) => mutate(m, 'kube-api-server', (s) => {
    s.egress[0].ports = s.egress[0].ports.filter((p: any) => p.port !== 6443);
  }), 'api-server-control-plane');
  await caught(t, 'Gardener: 443 dropped', gardener, (m) => mutate(m, 'kube-api-server', (s) => {
    s.egress[0].ports = [{ port: 6443, protocol: 'TCP' }];
  }), 'api-server-gardener');
});

t.test('webhooks.callers: CIDRs widened, pods without their namespace', async (t) => {
  await caught(t, 'caller CIDR widened', restricted(), (m) => mutate(m, 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, '203.0.113.32/28')].from = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
  }), 'webhooks-others-denied');
  const callers = [...kubernetes, tempFile('webhooks:\n  callers:\n    pods:\n      - {namespaceLabels: {kubernetes.io/metadata.name: kube-system}, podLabels: {component: kube-apiserver}}\n    cidrs: []\n')];
  t.same(failures(await render(callers), callers), [], 'the caller pods hold');
  await caught(t, 'caller pods in any namespace', callers, (m) => mutate(m, 'manager', (s) => {
    s.ingress[ruleWith(s.ingress, 'kube-apiserver')].from[0].namespaceSelector = {};
  }), 'webhooks-others-denied');
  await caught(t, 'caller pods dropped', callers, (m) => mutate(m, 'manager', (s) => {
    s.ingress.splice(ruleWith(s.ingress, 'kube-apiserver'), 1);
  }), 'webhooks-caller-pods');
});

t.test('components.<x>.enabled: an enabled component without its policy', async (t) => {
  await caught(t, 'fluent-bit policy dropped', fluentBitOnly, (m) => drop(m, 'fluent-bit'), 'customers-to-metrics-denied');
  // the render without the log agent, checked for values that enable it: the agent's ingress is open
  const enabled = tempFile(readFileSync(fluentBitOnly[0], 'utf8').replace(/enabled: false/g, 'enabled: true'));
  const found = failures(await render(fluentBitOnly), [enabled]);
  t.ok(found.some((f) => f.includes('kyma-system/log-agent')), 'the log agent is unprotected', { found: found.slice(0, 3) });
  await caught(t, 'self-monitor rule dropped', zeroTrust, (m) => mutate(m, 'self-monitor', (s) => {
    s.egress.splice(ruleWith(s.egress, 'app.kubernetes.io/component'), 1);
  }), 'self-monitor-scrapes-gateways');
  await caught(t, 'self-monitor scrapes gateways in any namespace', zeroTrust, (m) => mutate(m, 'self-monitor', (s) => {
    s.egress[ruleWith(s.egress, 'app.kubernetes.io/component')].to[0].namespaceSelector = {};
  }), 'self-monitor-impostor-denied');
});

t.test('gateways.layout: the per-signal gateways', async (t) => {
  await caught(t, 'trace gateway policy dropped', perSignal, (m) => drop(m, 'trace-gateway'), 'customers-to-metrics-denied');
  await caught(t, 'metric gateway OTLP rule dropped', perSignal, (m) => mutate(m, 'metric-gateway', (s) => {
    s.ingress.splice(0, 1);
  }), 'otlp-phase-1');
  // the OTLP layout's render checked for per-signal values: the three gateways run without policies
  const found = failures(await render(gardener), perSignal);
  t.ok(found.some((f) => f.includes('kyma-system/trace-gateway')), 'the per-signal gateways are unprotected', { found: found.slice(0, 3) });
});

t.test('the flows are in force and hold where they apply', async (t) => {
  const files = restricted();
  const values = valuesFor(files);
  const manifests = await render(files);
  for (const id of ['api-server-outside-denied', 'rma-outside-namespace-denied', 'otlp-unlabelled-denied', 'webhooks-others-denied',
    'backend-metrics-decoy-denied', 'backend-logs-outside-denied', 'backend-traces-other-port-denied', 'metadata-denied', 'module-to-customers-denied',
    'scrape-outside-namespace-denied', 'customers-to-metrics-denied']) {
    const verdicts = contractVerdicts(manifests, values, NO_ISTIO_API, id);
    t.ok(verdicts.length > 0, `${id} is in force`);
    t.ok(verdicts.every((v) => !v.allowed), `${id}: every tested connection is denied`, { allowed: verdicts.filter((v) => v.allowed).slice(0, 3) });
  }
  const metadata = contractVerdicts(manifests, values, NO_ISTIO_API, 'metadata-denied').find((v) => v.src === 'kyma-system/fluent-bit');
  t.match(metadata, { dst: 'metadata 169.254.169.254', allowed: false }, 'fluent-bit to the metadata address is denied');
  for (const id of ['backend-logs', 'kubelet', 'webhooks-caller-addresses', 'rma-scrapes-manager', 'otlp-labelled', 'api-server-managed']) {
    const verdicts = contractVerdicts(manifests, values, NO_ISTIO_API, id);
    t.ok(verdicts.length > 0 && verdicts.every((v) => v.allowed), `${id} is required and allowed`);
  }
  // phase 1: the exporters may reach every address and port, so the metadata flow has nothing to forbid for them
  const phase1 = contractVerdicts(await render(gardener), valuesFor(gardener), NO_ISTIO_API, 'metadata-denied');
  t.notOk(phase1.some((v) => v.src === 'kyma-system/fluent-bit'), 'phase 1: nothing forbidden from an exporter to the metadata address');
  t.ok(phase1.some((v) => v.src === 'kyma-system/manager' && !v.allowed), 'phase 1: the manager to the metadata address is denied beyond DNS and the API server');
});

t.test('the classic traps of DESIGN are caught by the contract alone', async (t) => {
  const rendered = await render(zeroTrust);
  const zt = (edit: (m: string) => string) => failures(edit(rendered), zeroTrust);
  const open = (found: string[], what: string) => t.ok(found.length > 0, what, { found: found.slice(0, 2) });
  open(zt((m) => mutate(m, 'manager', (s) => { delete s.ingress[ruleWith(s.ingress, 'metrics-scraping')].from; })),
    'a rule with ports but no peers admits every source');
  t.ok(names(zt((m) => mutate(m, 'metric-agent', (s) => { s.policyTypes = ['Ingress']; })), 'backend-metrics-in-cluster'),
    'policyTypes without Egress drops the egress rules (the baseline still selects the pod for egress)');
  open(zt((m) => mutate(m, 'fluent-bit', (s) => { s.egress.push({ ports: [] }); })), 'an empty rule admits everyone');
  open(zt((m) => mutate(m, 'otlp-gateway', (s) => { s.ingress[0].from = [{ namespaceSelector: {} }]; })), 'a namespaceSelector alone admits every pod');
  const files = restricted();
  const found = failures(mutate(await render(files), 'otlp-gateway', (s) => {
    for (const r of s.egress) for (const p of r.to ?? []) if (p.ipBlock?.cidr?.includes(':')) p.ipBlock.cidr = '::/0';
  }), files);
  t.ok(names(found, 'backend-traces-outside-denied'), 'IPv6 left open while IPv4 is narrowed', { found: found.slice(0, 2) });
});

t.test('module peers: pods named like module workloads outside the module namespace are no module peers', async (t) => {
  await caught(t, 'self-monitor peer without its namespace', zeroTrust, (m) => mutate(m, 'fluent-bit', (s) => {
    s.ingress[ruleWith(s.ingress, 'telemetry-self-monitor')].from[0].namespaceSelector = {};
  }), 'module-impostors-denied');
  await caught(t, 'manager peer without its namespace', gardener, (m) => mutate(m, 'self-monitor', (s) => {
    s.ingress[ruleWith(s.ingress, '"manager"')].from[0].namespaceSelector = {};
  }), 'module-impostors-denied');
});

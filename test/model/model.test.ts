import t from 'tap';
import { portNamePattern } from '../../tools/model/formats.ts';
import {
  activeExceptions, componentKeys, crossFieldViolations, defaultValues, deployed, fullname, istioActive, leaves,
  mergeOverrides, mergeValues, noClusterFacts, permutation, permutationCount, pickClasses, pickIndexes, policies, policyName, shadowings, switches, tcp,
  whenDeployed, workloads, type Values,
} from '../../tools/model/index.ts';
import { landscapeValues } from '../helpers/landscapes.ts';

const valuesOf = (override: unknown) => mergeValues(defaultValues(), override) as Values;
const name = (suffix: string) => policyName('telemetry-netpol', suffix);

t.test('policy names carry the prefix and the release\'s fullname, and are unique', async (t) => {
  const names = policies.map((p) => name(p.suffix));
  t.same(new Set(names).size, names.length);
  for (const n of names) t.match(n, /^kyma-project\.io--telemetry-netpol-[a-z-]+$/);
});

t.test('fullname follows Helm\'s habit', async (t) => {
  t.equal(fullname('telemetry-netpol', valuesOf({})), 'telemetry-netpol', 'a release holding the chart name is the fullname');
  t.equal(fullname('prod', valuesOf({})), 'prod-telemetry-netpol');
  t.equal(fullname('prod', valuesOf({ nameOverride: 'netpol' })), 'prod-netpol');
  t.equal(fullname('prod', valuesOf({ fullnameOverride: 'locked-down' })), 'locked-down');
  t.equal(fullname('x'.repeat(70), valuesOf({})).length, 63, 'truncated to 63');
});

t.test('every workload has one policy that selects it as upstream does', async (t) => {
  for (const key of componentKeys) {
    const own = policies.filter((p) => p.component === key);
    t.equal(own.length, 1, key);
    // the selector must select the workload's own pods
    for (const [k, v] of Object.entries(workloads[key].selector)) t.equal(workloads[key].labels[k], v, `${key} pods carry ${k}`);
  }
  t.same(workloads.manager.selector, {
    'app.kubernetes.io/instance': 'telemetry', 'app.kubernetes.io/name': 'manager',
    'control-plane': 'telemetry-manager', 'kyma-project.io/component': 'controller',
  }, 'the manager by upstream\'s four selector labels');
});

t.test('every rule states its intent', async (t) => {
  for (const p of policies) for (const r of [...p.ingress, ...p.egress]) t.ok(r.intent.length > 10, `${p.suffix}: ${r.intent}`);
});

t.test('health ports never get an ingress rule (probes bypass NetworkPolicy)', async (t) => {
  const healthPorts = new Set(Object.values(workloads).flatMap((w) => w.ports.filter((p) => p.purpose === 'health').map((p) => p.port)));
  for (const p of policies) for (const r of p.ingress) {
    if (r.kind === 'peers' && r.ports.kind === 'fixed') for (const port of r.ports.ports) t.notOk(healthPorts.has(port.port), `${p.suffix}: ${port.port}`);
  }
});

t.test('the layout decides which gateways the release serves', async (t) => {
  const otlp = valuesOf({});
  const perSignal = valuesOf({ gateways: { layout: 'perSignal' } });
  t.ok(deployed('otlpGateway', otlp));
  t.notOk(deployed('logGateway', otlp));
  t.notOk(deployed('otlpGateway', perSignal));
  t.ok(deployed('traceGateway', perSignal));
  t.notOk(deployed('gateways', valuesOf({ components: { otlpGateway: { enabled: false } } })));
  t.notOk(activeExceptions(perSignal, noClusterFacts).some((e) => e.policy === name('otlp-gateway')), 'no exception of an undeployed gateway');
});

t.test('istio.enabled auto follows the cluster\'s Istio API', async (t) => {
  t.notOk(istioActive(valuesOf({}), { istioApi: false }));
  t.ok(istioActive(valuesOf({}), { istioApi: true }));
  t.notOk(istioActive(valuesOf({ istio: { enabled: false } }), { istioApi: true }));
  t.ok(istioActive(valuesOf({ istio: { enabled: true } }), { istioApi: false }));
});

t.test('defaults record an exception for every open door', async (t) => {
  const ids = new Set(activeExceptions(valuesOf({}), noClusterFacts).map((e) => `${e.policy}:${e.id}:${e.ports}`));
  for (const expected of [
    `${name('dns')}:dns-host-network:TCP 53,UDP 53`,
    `${name('kube-api-server')}:api-server-any-address:TCP 443`,
    `${name('manager')}:rma-any-namespace:TCP 8080`,
    `${name('otlp-gateway')}:otlp-any-pod:TCP 4317,TCP 4318`,
    `${name('otlp-gateway')}:backends-traces-any-address:any`,
    `${name('fluent-bit')}:backends-logs-any-address:any`,
    `${name('fluent-bit')}:backends-logs-any-port:any`,
    `${name('metric-agent')}:kubelet-any-address:TCP 10250`,
    `${name('metric-agent')}:scrape-any-pod:any`,
  ]) t.ok(ids.has(expected), expected);
  t.notOk([...ids].some((id) => id.includes('webhook-any-source')), 'on Gardener the vpn-shoot pods are the webhook callers');
});

t.test('plain Kubernetes without webhook callers records the any-source webhook exception', async (t) => {
  const open = activeExceptions(landscapeValues('kubernetes'), noClusterFacts);
  const webhook = open.find((e) => e.id === 'webhook-any-source');
  t.equal(webhook?.closedBy, 'webhooks.callers');
  t.equal(open.find((e) => e.id === 'api-server-any-address')?.ports, 'TCP 443,TCP 6443');
  t.notOk(open.some((e) => e.id === 'dns-host-network'), 'no node-local-dns: DNS only to the CoreDNS pods');
});

t.test('each exception names a switch that exists, or none', async (t) => {
  const paths = new Set(leaves().map((l) => l.path));
  for (const v of [valuesOf({}), landscapeValues('kubernetes')]) {
    for (const e of activeExceptions(v, noClusterFacts)) {
      if (e.closedBy !== null) t.ok(paths.has(e.closedBy) || [...paths].some((p) => p.startsWith(`${e.closedBy}.`)), `${e.id} closed by ${e.closedBy}`);
      t.ok(e.reason.length > 20, `${e.id} has a reason`);
    }
  }
});

t.test('the Gardener zero-trust landscape leaves open only what no value can close on Gardener', async (t) => {
  const open = [...new Set(activeExceptions(landscapeValues('gardener-zero-trust'), noClusterFacts).map((e) => `${e.id}:${e.closedBy}`))].sort();
  t.same(open, [
    'api-server-any-address:null', 'backends-logs-any-address:backends.logs.cidrs', 'backends-metrics-any-address:backends.metrics.cidrs',
    'dns-host-network:dns.nodeLocal', 'kubelet-any-address:null', 'scrape-any-port:null',
  ], 'the log and metric backends listen on 443, open anyway on Gardener');
});

t.test('a disabled workload takes its exceptions and the rules that serve it along', async (t) => {
  const v = valuesOf({ components: { metricAgent: { enabled: false } } });
  t.notOk(activeExceptions(v, noClusterFacts).some((e) => e.policy.endsWith('metric-agent')));
});

t.test('mergeValues coalesces like Helm: maps merge, lists replace, null deletes a default', async (t) => {
  t.same(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null }), { a: { b: 1, c: [3] } });
  t.same(mergeValues({ a: { b: 1 } }, { a: { e: null } }), { a: { b: 1, e: null } }, 'a null on a key the defaults lack stays, for the schema to reject');
});

t.test('mergeOverrides merges values files as Helm does before the defaults: a later null stays', async (t) => {
  t.same(mergeOverrides({ a: { b: 1, c: 2 } }, { a: { c: null }, d: [1] }), { a: { b: 1, c: null }, d: [1] });
  const twoFiles = mergeValues({ a: {} }, mergeOverrides({ a: { x: 5 } }, { a: { x: null } }));
  t.same(twoFiles, { a: { x: null } }, 'a null in a later file on a key only an earlier file set is not a deletion');
});

t.test('a scraper, in-cluster backend or webhook caller labelled as a module pod breaks a cross-field rule', async (t) => {
  const keysOf = (override: unknown) => crossFieldViolations(valuesOf(override)).filter((v) => v.rule === 'module-label-on-peer').map((v) => v.key);
  t.same(keysOf({ rma: { podLabels: { 'kyma-project.io/module': 'telemetry' } } }), ['rma.podLabels']);
  t.same(keysOf({ rma: { podLabels: { 'kyma-project.io/module': 'eventing' } } }), [], 'another module\'s label is no module pod of ours');
  const backend = (labels: Record<string, string>) => ({ namespace: 'kyma-system', podLabels: labels, ports: [4317] });
  t.same(keysOf({ backends: { traces: { inCluster: [backend({ app: 'jaeger' }), backend({ 'kyma-project.io/module': 'telemetry' })] } } }),
    ['backends.traces.inCluster[1].podLabels'], 'names the entry');
  t.same(keysOf({ webhooks: { callers: { pods: [{ namespaceLabels: { a: 'b' }, podLabels: { 'kyma-project.io/module': 'telemetry' } }] } } }),
    ['webhooks.callers.pods[0].podLabels']);
  t.same(keysOf({}), [], 'the defaults break none');
});

t.test('a restriction void for some deployed pod on a shared port breaks a cross-field rule', async (t) => {
  const voided = (override: unknown) => crossFieldViolations(valuesOf(override)).filter((v) => v.rule === 'restriction-without-effect').map((v) => v.key);
  t.same(voided({ backends: { logs: { cidrs: ['198.51.100.0/24'], ports: [443] } } }), ['backends.logs.cidrs'], 'Gardener opens 443 to every address');
  t.same(voided({ platform: 'kubernetes', apiServer: { cidrs: ['203.0.113.0/28'] }, backends: { logs: { cidrs: ['198.51.100.0/24'], ports: [443] }, metrics: { ports: [4317] }, traces: { ports: [4317] } } }),
    [], 'a named API server closes 443, and the other signals are open on other ports');
  const mixed = { backends: { logs: { cidrs: ['198.51.100.0/24'], ports: [4317] }, metrics: { ports: [4317] }, traces: { ports: [4317] } } };
  t.same(voided(mixed), ['backends.logs.cidrs'], 'the OTLP gateway sends every signal to every address on 4317');
  t.same(voided({ ...mixed, gateways: { layout: 'perSignal' } }), [], 'with per-signal gateways no pod serves two signals');
  t.same(voided({ ...mixed, components: { otlpGateway: { enabled: false } } }), [], 'nor without the OTLP gateway');
  t.ok(shadowings.some((s) => s.restricted.cidrsKey === 'backends.metrics.cidrs' && s.open.ports && 'fixed' in s.open.ports && s.open.ports.fixed.includes(10250)),
    'the kubelet rule is derived from the metric agent policy');
});

t.test('policy names that the module uses, or a workload name as name label, break the name rule', async (t) => {
  const taken = (override: unknown) => crossFieldViolations(valuesOf(override)).filter((v) => v.rule === 'name-taken').map((v) => v.key);
  t.same(taken({ fullnameOverride: 'telemetry' }), ['fullnameOverride']);
  t.same(taken({ nameOverride: 'telemetry-self-monitor' }), ['nameOverride']);
  t.same(taken({ nameOverride: 'netpol' }), []);
  t.same(taken({}), []);
});

t.test('the permutation space: picks decode, and a reader\'s view of the picks is exact', async (t) => {
  const count = permutationCount();
  // 4 platforms × 10 gateway setups × 4 Istio settings × zero trust × RMA namespaces × 3³ backends × 2⁵ components
  t.equal(count, 552_960);
  const last = permutation(count - 1);
  t.same(pickIndexes(count - 1), switches.map((s) => s.domain.length - 1));
  t.same(Object.keys(last.labels), switches.map((s) => s.name));
  // permutations in the same pick classes for a reader agree on what it reads, those in different ones do not
  const paths = ['backends.logs.cidrs', 'gateways.layout'];
  const classes = pickClasses(paths, false);
  t.ok(classes[switches.findIndex((s) => s.name === 'gateways')], 'the gateways switch sets gateways.layout');
  t.notOk(classes[switches.findIndex((s) => s.name === 'istio')], 'istio is unseen');
  const view = (i: number) => JSON.stringify(paths.map((p) => p.split('.').reduce<any>((n, k) => n[k], permutation(i).values)));
  const key = (i: number) => pickIndexes(i).map((d, s) => classes[s]?.[d] ?? '-').join();
  for (let i = 0; i < 300; i++) {
    const [a, b] = [Math.floor((i * count) / 300), Math.floor((i * 7919 * count) / 300) % count];
    t.equal(key(a) === key(b), view(a) === view(b), `${a} vs ${b}`);
  }
});

t.test('a port name is what the API takes as IANA_SVC_NAME: a letter, single inner hyphens', async (t) => {
  const name = new RegExp(portNamePattern);
  for (const ok of ['http', 'otlp-grpc', 'h2c', '1a', 'grpc-9', 'a1-b2-c3']) t.ok(name.test(ok), ok);
  for (const bad of ['443', '9-9', '-http', 'http-', 'otlp--grpc', 'HTTP', 'http_2', '']) t.notOk(name.test(bad), bad);
});

t.test('type-level: bad model input does not compile', async (t) => {
  // @ts-expect-error not a component of the module
  whenDeployed('otelCollector');
  // @ts-expect-error ICMP is no NetworkPolicy protocol of the model
  const icmp: ReturnType<typeof tcp> = { port: 1, protocol: 'ICMP' };
  t.ok(icmp, 'checked by `tsc --noEmit` in make test');
});

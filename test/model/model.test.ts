import t from 'tap';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { portNamePattern } from '../../tools/model/formats.ts';
import {
  activeExceptions, componentKeys, crossFieldViolations, defaultValues, leaves, mergeValues, policies, policyName, tcp, whenEnabled,
  workloads, type Values,
} from '../../tools/model/index.ts';

const valuesOf = (override: unknown) => mergeValues(defaultValues(), override) as Values;
const landscape = (name: string) => valuesOf(load(readFileSync(`values/${name}.yaml`, 'utf8')));

t.test('policy names carry the prefix and are unique', async (t) => {
  const names = policies.map((p) => policyName(p.suffix));
  t.same(new Set(names).size, names.length);
  for (const n of names) t.match(n, /^kyma-project\.io--telemetry-[a-z-]+$/);
});

t.test('every workload has one policy that selects it by app.kubernetes.io/name', async (t) => {
  for (const key of componentKeys) {
    const own = policies.filter((p) => p.component === key);
    t.equal(own.length, 1, key);
    t.same(own[0].podSelector, { 'app.kubernetes.io/name': workloads[key].name }, key);
  }
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

t.test('defaults record an exception for every open door', async (t) => {
  const ids = new Set(activeExceptions(valuesOf({})).map((e) => `${e.policy}:${e.id}`));
  for (const expected of [
    'kyma-project.io--telemetry-dns:dns-any-address',
    'kyma-project.io--telemetry-kube-api-server:api-server-any-address',
    'kyma-project.io--telemetry-manager:webhook-any-source',
    'kyma-project.io--telemetry-manager:rma-any-namespace',
    'kyma-project.io--telemetry-log-gateway:otlp-any-pod',
    'kyma-project.io--telemetry-fluent-bit:backends-logs-any-address',
    'kyma-project.io--telemetry-fluent-bit:backends-logs-any-port',
    'kyma-project.io--telemetry-metric-agent:kubelet-any-address',
    'kyma-project.io--telemetry-metric-agent:scrape-any-pod',
    'kyma-project.io--telemetry-trace-gateway:backends-traces-any-address',
  ]) t.ok(ids.has(expected), expected);
});

t.test('each exception names a switch that exists, or none', async (t) => {
  const paths = new Set(leaves().map((l) => l.path));
  for (const e of activeExceptions(valuesOf({}))) {
    if (e.closedBy !== null) t.ok(paths.has(e.closedBy), `${e.id} closed by ${e.closedBy}`);
    t.ok(e.reason.length > 20, `${e.id} has a reason`);
  }
});

t.test('the zero-trust landscape closes every exception a switch can close', async (t) => {
  const open = activeExceptions(landscape('zero-trust'));
  t.same(open.map((e) => e.id), ['scrape-any-port'], 'only the per-workload scrape port stays open');
  t.equal(open[0].closedBy, null);
});

t.test('a disabled workload takes its exceptions and the rules that serve it along', async (t) => {
  const v = valuesOf({ components: { metricAgent: { enabled: false } } });
  t.notOk(activeExceptions(v).some((e) => e.policy.endsWith('metric-agent')));
});

t.test('mergeValues coalesces like Helm: maps merge, lists replace, null deletes', async (t) => {
  t.same(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null }), { a: { b: 1, c: [3] } });
});

t.test('a scraper or in-cluster backend labelled as a module pod breaks a cross-field rule', async (t) => {
  const keysOf = (override: unknown) => crossFieldViolations(valuesOf(override)).filter((v) => v.rule === 'module-label-on-peer').map((v) => v.key);
  t.same(keysOf({ rma: { podLabels: { 'kyma-project.io/module': 'telemetry' } } }), ['rma.podLabels']);
  t.same(keysOf({ rma: { podLabels: { 'kyma-project.io/module': 'eventing' } } }), [], 'another module\'s label is no module pod of ours');
  const backend = (labels: Record<string, string>) => ({ namespace: 'kyma-system', podLabels: labels, ports: [4317] });
  t.same(keysOf({ backends: { traces: { inCluster: [backend({ app: 'jaeger' }), backend({ 'kyma-project.io/module': 'telemetry' })] } } }),
    ['backends.traces.inCluster[1].podLabels'], 'names the entry');
  t.same(keysOf({}), [], 'the defaults break none');
});

t.test('a port name is what the API takes as IANA_SVC_NAME: a letter, single inner hyphens', async (t) => {
  const name = new RegExp(portNamePattern);
  for (const ok of ['http', 'otlp-grpc', 'h2c', '1a', 'grpc-9', 'a1-b2-c3']) t.ok(name.test(ok), ok);
  for (const bad of ['443', '9-9', '-http', 'http-', 'otlp--grpc', 'HTTP', 'http_2', '']) t.notOk(name.test(bad), bad);
});

t.test('type-level: bad model input does not compile', async (t) => {
  // @ts-expect-error not a component of the module
  whenEnabled('otelCollector');
  // @ts-expect-error ICMP is no NetworkPolicy protocol of the model
  const icmp: ReturnType<typeof tcp> = { port: 1, protocol: 'ICMP' };
  t.ok(icmp, 'checked by `tsc --noEmit` in make test');
});

// `explain`: verdicts and deciding policies under both CNI readings, expected from ADR 028 and DESIGN.md
// (the flow tables, "Real network paths"), not copied from output.
import t from 'tap';
import { dump } from 'js-yaml';
import { explain, type Reading } from '../../tools/analyze/index.ts';
import { explainText, parsePortArg } from '../../tools/review/explain.ts';
import { findPeer, reviewValues, type Review } from '../../tools/review/session.ts';
import { landscape, run, tempFile } from './helpers.ts';

const policy = (suffix: string) => `kyma-system/kyma-project.io--telemetry-netpol-${suffix}`;
const moduleFixture = 'test/fixtures/module-policies/telemetry-1.69.yaml';

function verdict(review: Review, from: string, to: string, port: string, reading: Reading = 'cilium') {
  const p = parsePortArg(port);
  return explain(review.cluster, findPeer(review, from).peer, findPeer(review, to).peer, p.port, p.protocol, { reading });
}

const text = (review: Review, from: string, to: string, port: string) =>
  explainText(review, findPeer(review, from), findPeer(review, to), parsePortArg(port)).text;

const reviews = {
  defaults: reviewValues([]),
  zeroTrust: reviewValues(landscape('gardener-zero-trust')),
};

t.test('defaults (phase 1 on Gardener)', async (t) => {
  const r = await reviews.defaults;

  t.test('an RMA scraper reads the OTLP gateway metrics on 8888: the gateway\'s RMA ingress rule', async (t) => {
    const e = verdict(r, 'rmaScraper', 'otlpGateway', '8888/TCP');
    t.ok(e.allowed);
    t.same(e.egress.selectedBy, [], 'the scraper is no module pod: no policy restricts its egress');
    t.same(e.ingress.selectedBy, [policy('otlp-gateway')]);
    t.same(e.ingress.matchingRules.map((m) => m.policy), [policy('otlp-gateway')], 'only the RMA rule admits a labelled scraper on 8888');
    const out = text(r, 'rmaScraper', 'otlpGateway', '8888/TCP');
    t.match(out, /: ALLOWED \(calico\), ALLOWED \(cilium\)\ncalico and cilium:\n/, 'the readings agree and are explained once');
    t.match(out, /kyma-project\.io--telemetry-netpol-otlp-gateway ingress rule \d+ "RMA scrapes the OTLP gateway metrics"/);
    t.match(out, /networking\.kyma-project\.io\/metrics-scraping=allowed/);
    t.match(out, /egress \(source rmaScraper \(rma\/rma-scraper\)\): no policy selects it: open/);
  });

  t.test('any workload may push OTLP in phase 1, also one without the OTLP label', async (t) => {
    const e = verdict(r, 'customerPlain', 'otlpGateway', '4317');
    t.ok(e.allowed);
    t.same(e.ingress.matchingRules.map((m) => m.policy), [policy('otlp-gateway')]);
  });

  t.test('exporters reach every address on every port while their backends are not restricted (phase 1)', async (t) => {
    for (const reading of ['calico', 'cilium'] as const) {
      const e = verdict(r, 'logAgent', 'outside', '8443/TCP', reading);
      t.ok(e.allowed, reading);
      t.same(e.egress.matchingRules.map((m) => m.policy), [policy('log-agent')], 'the backend rule without peers and ports');
    }
  });

  t.test('module pods resolve names at the CoreDNS pods on 8053 and at node-local-dns on 53', async (t) => {
    t.same(verdict(r, 'selfMonitor', 'kubeDns', '8053/UDP').egress.matchingRules.map((m) => m.policy), [policy('dns')]);
    for (const reading of ['calico', 'cilium'] as const) t.ok(verdict(r, 'manager', 'nodeLocalDns', '53/UDP', reading).allowed, `host network, ${reading}`);
  });

  t.test('the manager reaches no gateway: selected, but no rule admits it', async (t) => {
    const e = verdict(r, 'kyma-system/manager', 'kyma-system/otlp-gateway', '4317/TCP');
    t.notOk(e.allowed);
    t.same(e.egress.matchingRules, []);
    t.ok(e.egress.selectedBy.includes(policy('manager')));
    const out = text(r, 'manager', 'otlpGateway', '4317/TCP');
    t.match(out, /: DENIED \(calico\), DENIED \(cilium\)\n/);
    t.match(out, /selected by kyma-project\.io--telemetry-netpol-dns, kyma-project\.io--telemetry-netpol-kube-api-server, kyma-project\.io--telemetry-netpol-manager; no rule admits port 4317\/TCP/);
  });
});

t.test('zero-trust landscape on Gardener (phase 2)', async (t) => {
  const r = await reviews.zeroTrust;

  t.test('a workload without the OTLP label may not push to the OTLP gateway, a labelled one in an OTLP namespace may', async (t) => {
    const e = verdict(r, 'customerPlain', 'otlpGateway', '4317/TCP');
    t.notOk(e.allowed);
    t.ok(e.egress.allowed, 'customer egress is not the module\'s to restrict');
    t.same(e.ingress.selectedBy, [policy('otlp-gateway')]);
    t.ok(verdict(r, 'customerOtlp', 'otlpGateway', '4317/TCP').allowed);
  });

  t.test('the log agent reaches its backends on their port only', async (t) => {
    t.ok(verdict(r, 'logAgent', 'backend.logs', '443/TCP').allowed);
    t.notOk(verdict(r, 'logAgent', 'backend.logs', '80/TCP').allowed);
    t.notOk(verdict(r, 'logAgent', 'metadata', '80/TCP').allowed, 'the cloud metadata service on 80');
  });

  t.test('the trace backends, restricted by CIDR on 4317: the gateway reaches them and nothing else there', async (t) => {
    for (const reading of ['calico', 'cilium'] as const) {
      t.ok(verdict(r, 'otlpGateway', 'backend.traces', '4317/TCP', reading).allowed, reading);
      t.notOk(verdict(r, 'otlpGateway', 'outside', '4317/TCP', reading).allowed, reading);
    }
  });

  t.test('webhooks: the vpn-shoot pods may call the manager, an outside address may not', async (t) => {
    t.ok(verdict(r, 'vpnShoot', 'manager', '9443').allowed);
    const e = verdict(r, 'outside', 'manager', '9443');
    t.notOk(e.allowed);
    t.same(e.ingress.selectedBy, [policy('manager')]);
  });

  t.test('with the module\'s own policies (--existing) the cloud metadata service is reachable again', async (t) => {
    const existing = await reviewValues(landscape('gardener-zero-trust'), { existing: [moduleFixture] });
    t.ok(verdict(existing, 'logAgent', 'metadata', '80/TCP').allowed);
    const out = text(existing, 'logAgent', 'metadata', '80/TCP');
    t.match(out, /- kyma-project\.io--telemetry-log-agent \[existing\] egress rule 0\n\s+to every peer; ports every port/);
    t.notMatch(out, /telemetry-netpol-log-agent \[existing\]/, 'the chart\'s own policies are not existing ones');
  });
});

t.test('the readings differ where an ipBlock takes in pods: explained per reading', async (t) => {
  // a trace backend CIDR over the pod network: Calico admits the pods in it, Cilium does not
  const values = tempFile(dump({ backends: { traces: { cidrs: ['100.96.0.0/11'], ports: [9411] }, logs: { ports: [443] }, metrics: { ports: [443] } } }));
  const r = await reviewValues([values]);
  t.ok(verdict(r, 'otlpGateway', 'customerPlain', '9411', 'calico').allowed);
  t.notOk(verdict(r, 'otlpGateway', 'customerPlain', '9411', 'cilium').allowed);
  const out = text(r, 'otlpGateway', 'customerPlain', '9411');
  t.match(out, /: ALLOWED \(calico\), DENIED \(cilium\)\ncalico:\n/);
  t.match(out, /\ncilium:\n {2}egress \(source otlpGateway \(kyma-system\/otlp-gateway\)\): DENIED/);
});

t.test('port arguments', async (t) => {
  t.same(parsePortArg('8888/TCP'), { port: 8888, protocol: 'TCP' });
  t.same(parsePortArg('53/udp'), { port: 53, protocol: 'UDP' });
  t.same(parsePortArg('9443'), { port: 9443, protocol: 'TCP' });
  for (const bad of ['0', '65536', 'http', '80/ICMP', '80/']) t.throws(() => parsePortArg(bad), { name: 'UserError' }, bad);
});

t.test('CLI', async (t) => {
  const broken = tempFile('apiVersion: v1\nkind: List\nitems: [\n');
  const [ok, ip, unknown, badPort, missing, noExisting, brokenExisting, help] = await Promise.all([
    run('explain', '-f', ...landscape('gardener-zero-trust'), '--from', 'customerPlain', '--to', 'otlpGateway', '--port', '4317/TCP'),
    run('explain', '-f', ...landscape('gardener'), '--from', 'manager', '--to', '100.104.0.10', '--port', '53/UDP'),
    run('explain', '--from', 'nobody', '--to', 'otlpGateway', '--port', '8888'),
    run('explain', '--from', 'rmaScraper', '--to', 'otlpGateway', '--port', '8888/TPC'),
    run('explain', '-f', 'no-such.yaml', '--from', 'rmaScraper', '--to', 'otlpGateway', '--port', '8888'),
    run('explain', '--existing', 'no-such-policies.yaml', '--from', 'rmaScraper', '--to', 'otlpGateway', '--port', '8888'),
    run('explain', '--existing', broken, '--from', 'rmaScraper', '--to', 'otlpGateway', '--port', '8888'),
    run('explain', '--help'),
  ]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^customerPlain \(shop\/customer-plain\) -> otlpGateway \(kyma-system\/otlp-gateway\) on 4317\/TCP: DENIED \(calico\), DENIED \(cilium\)\n/);
  t.match(ok.stdout, /ingress \(destination otlpGateway .*\): DENIED\n {4}selected by kyma-project\.io--telemetry-netpol-otlp-gateway; no rule admits port 4317\/TCP/);

  t.equal(ip.code, 0, ip.stderr);
  t.match(ip.stdout, /^manager \(kyma-system\/manager\) -> 100\.104\.0\.10 on 53\/UDP: ALLOWED \(calico\), ALLOWED \(cilium\)\n/, 'the kube-dns ClusterIP of the issue');

  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /^telemetry-netpol: unknown peer "nobody": use namespace\/name .* rmaScraper, /);
  t.equal(badPort.code, 1);
  t.match(badPort.stderr, /--port "8888\/TPC": expected PORT or PORT\/PROTOCOL/);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /values file not found: no-such\.yaml/);
  t.equal(noExisting.code, 1);
  t.match(noExisting.stderr, /^telemetry-netpol: --existing no-such-policies\.yaml: no such file/);
  t.equal(brokenExisting.code, 1);
  t.match(brokenExisting.stderr, new RegExp(`^telemetry-netpol: --existing ${broken}: not all of it is YAML or JSON: .*line`));
  t.notMatch(brokenExisting.stderr, /\n\s+at /, 'no stack trace');

  t.match(help.stdout, /backend\.logs +outside +backend\.logs 198\.18\.0\.10/);
  t.match(help.stdout, /nodeLocalDns +host +kube-system\/node-local-dns \(host\) 169\.254\.20\.10/);
});

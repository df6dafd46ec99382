// `explain`: verdicts and deciding policies, expected from ADR 028 and DESIGN.md (the flow tables),
// not copied from output.
import t from 'tap';
import { explain } from '../../tools/analyze/index.ts';
import { explainText, parsePortArg, ruleIntents } from '../../tools/review/explain.ts';
import { findPeer, reviewValues, type Review } from '../../tools/review/session.ts';
import { landscape, run } from './helpers.ts';

const policy = (suffix: string) => `kyma-system/kyma-project.io--telemetry-${suffix}`;

function verdict(review: Review, from: string, to: string, port: string) {
  const p = parsePortArg(port);
  return explain(review.cluster, findPeer(review, from).peer, findPeer(review, to).peer, p.port, p.protocol);
}

const reviews = {
  defaults: reviewValues([]),
  zeroTrust: reviewValues([landscape('zero-trust')]),
};

t.test('defaults (phase 1)', async (t) => {
  const r = await reviews.defaults;

  t.test('an RMA scraper reads the log gateway metrics on 8888: the log gateway RMA ingress rule', async (t) => {
    const e = verdict(r, 'rma-scraper', 'log-gateway', '8888/TCP');
    t.ok(e.allowed);
    t.same(e.egress.selectedBy, [], 'the scraper is no module pod: no policy restricts its egress');
    t.same(e.ingress.selectedBy, [policy('log-gateway')]);
    t.equal(e.ingress.matchingRules.length, 1, 'only the RMA rule admits a labelled scraper on 8888');
    const [rule] = e.ingress.matchingRules;
    t.equal(rule.policy, policy('log-gateway'));
    const text = explainText(r, findPeer(r, 'rma-scraper'), findPeer(r, 'log-gateway'), parsePortArg('8888/TCP')).text;
    t.match(text, /: ALLOWED\n/);
    t.match(text, /kyma-project\.io--telemetry-log-gateway ingress rule \d+ "RMA scrapes the OTel log gateway metrics"/);
    t.match(text, /networking\.kyma-project\.io\/metrics-scraping=allowed/);
    t.match(text, /no policy selects rma\/rma-scraper: open/);
  });

  t.test('any workload may push OTLP in phase 1, also one without the OTLP label', async (t) => {
    const e = verdict(r, 'customer', 'trace-gateway', '4317');
    t.ok(e.allowed);
    t.same(e.ingress.matchingRules.map((m) => m.policy), [policy('trace-gateway')]);
  });

  t.test('the log agent may send to any address while the log backends are not restricted', async (t) => {
    const e = verdict(r, 'log-agent', '192.0.2.77', '443/TCP');
    t.ok(e.allowed);
    t.ok(e.egress.matchingRules.some((m) => m.policy === policy('log-agent')), 'the backend rule admits it');
    t.ok(e.egress.matchingRules.some((m) => m.policy === policy('kube-api-server')), 'so does the 443-to-any API server rule');
    t.same(e.ingress.selectedBy, [], 'an external address has no policies');
  });

  t.test('module pods resolve names at CoreDNS on 8053 (Gardener preset)', async (t) => {
    const e = verdict(r, 'metric-gateway', 'kube-dns', '8053/UDP');
    t.ok(e.allowed);
    t.same(e.egress.matchingRules.map((m) => m.policy), [policy('dns')]);
  });

  t.test('the manager reaches no gateway: selected, but no rule admits it', async (t) => {
    const e = verdict(r, 'kyma-system/manager', 'kyma-system/telemetry-log-gateway', '4317/TCP');
    t.notOk(e.allowed);
    t.notOk(e.egress.allowed);
    t.same(e.egress.matchingRules, []);
    t.ok(e.egress.selectedBy.includes(policy('manager')));
    const text = explainText(r, findPeer(r, 'manager'), findPeer(r, 'log-gateway'), parsePortArg('4317/TCP')).text;
    t.match(text, /: DENIED\n/);
    t.match(text, /selected by kyma-project\.io--telemetry-dns, kyma-project\.io--telemetry-kube-api-server, kyma-project\.io--telemetry-manager; no rule admits port 4317\/TCP/);
  });
});

t.test('zero-trust landscape (phase 2)', async (t) => {
  const r = await reviews.zeroTrust;

  t.test('a workload without the OTLP label may not push to the trace gateway', async (t) => {
    const e = verdict(r, 'customer', 'trace-gateway', '4317/TCP');
    t.notOk(e.allowed);
    t.ok(e.egress.allowed, 'customer egress is not the module\'s to restrict');
    t.notOk(e.ingress.allowed);
    t.same(e.ingress.selectedBy, [policy('trace-gateway')]);
    t.same(e.ingress.matchingRules, []);
  });

  t.test('a workload labelled telemetry-otlp: allowed in an OTLP namespace may', async (t) => {
    const e = verdict(r, 'customer-otlp', 'trace-gateway', '4317/TCP');
    t.ok(e.allowed);
    t.same(e.ingress.matchingRules.map((m) => m.policy), [policy('trace-gateway')]);
  });

  t.test('the log agent may not send to an address outside the log backends', async (t) => {
    const e = verdict(r, 'kyma-system/telemetry-log-agent', '192.0.2.77', '443/TCP');
    t.notOk(e.allowed);
    t.same(
      [...e.egress.selectedBy].sort(),
      [policy('dns'), policy('kube-api-server'), policy('log-agent')],
      'the two baseline policies and its own',
    );
    t.same(e.egress.matchingRules, []);
    const { text } = explainText(r, findPeer(r, 'log-agent'), findPeer(r, '192.0.2.77'), parsePortArg('443/TCP'));
    t.match(text, /^log-agent \(kyma-system\/telemetry-log-agent\) -> outside \(192\.0\.2\.77\) on 443\/TCP: DENIED\n/);
    t.match(text, /no rule admits port 443\/TCP/);
  });

  t.test('it may send to its backends on their port only', async (t) => {
    const e = verdict(r, 'log-agent', 'backend-logs', '443/TCP');
    t.ok(e.allowed);
    t.same(e.egress.matchingRules.map((m) => m.policy), [policy('log-agent')]);
    t.notOk(verdict(r, 'log-agent', 'backend-logs', '80/TCP').allowed);
    t.notOk(verdict(r, 'log-agent', 'backend-metrics', '443/TCP').allowed, 'not to another signal\'s backend');
  });

  t.test('webhooks: the API server may call the manager, an outside address may not', async (t) => {
    t.ok(verdict(r, 'api-server', 'manager', '9443').allowed);
    const e = verdict(r, 'outside', 'manager', '9443');
    t.notOk(e.allowed);
    t.same(e.ingress.selectedBy, [policy('manager')]);
  });

  t.test('the RMA scraper in its namespace still reads the log gateway metrics', async (t) => {
    t.equal(findPeer(r, 'rma-scraper').ref, 'rma/rma-scraper');
    t.ok(verdict(r, 'rma-scraper', 'log-gateway', '8888/TCP').allowed);
    t.notOk(verdict(r, 'rma-scraper', 'log-gateway', '4317/TCP').allowed, 'zero trust: a scraper is no OTLP client');
  });
});

t.test('rule intents come from the comments above the rendered rules', async (t) => {
  const r = await reviews.defaults;
  const intents = ruleIntents(r.rendered);
  t.same(intents.get('kyma-project.io--telemetry-log-gateway')?.ingress, [
    'workloads push OTLP data to the OTel log gateway',
    'the self-monitor scrapes the OTel log gateway metrics',
    'RMA scrapes the OTel log gateway metrics',
  ]);
  t.same(intents.get('kyma-project.io--telemetry-dns')?.ingress, []);
  t.equal(intents.get('kyma-project.io--telemetry-dns')?.egress.length, 2);
});

t.test('port arguments', async (t) => {
  t.same(parsePortArg('8888/TCP'), { port: 8888, protocol: 'TCP' });
  t.same(parsePortArg('53/udp'), { port: 53, protocol: 'UDP' });
  t.same(parsePortArg('9443'), { port: 9443, protocol: 'TCP' });
  for (const bad of ['0', '65536', 'http', '80/ICMP', '80/']) t.throws(() => parsePortArg(bad), { name: 'UserError' }, bad);
});

t.test('CLI', async (t) => {
  const [ok, unknown, badPort, missing, help] = await Promise.all([
    run('explain', '-f', landscape('zero-trust'), '--from', 'customer', '--to', 'trace-gateway', '--port', '4317/TCP'),
    run('explain', '--from', 'nobody', '--to', 'log-gateway', '--port', '8888'),
    run('explain', '--from', 'rma-scraper', '--to', 'log-gateway', '--port', '8888/TPC'),
    run('explain', '-f', 'no-such.yaml', '--from', 'rma-scraper', '--to', 'log-gateway', '--port', '8888'),
    run('explain', '--help'),
  ]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^customer \(shop\/plain-workload\) -> trace-gateway \(kyma-system\/telemetry-trace-gateway\) on 4317\/TCP: DENIED\n/);
  t.match(ok.stdout, /ingress \(destination trace-gateway .*\): DENIED\n  selected by kyma-project\.io--telemetry-trace-gateway; no rule admits port 4317\/TCP/);

  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /^telemetry-netpol: unknown peer "nobody": use namespace\/name .* rma-scraper, /);

  t.equal(badPort.code, 1);
  t.match(badPort.stderr, /--port "8888\/TPC": expected PORT or PORT\/PROTOCOL/);

  t.equal(missing.code, 1);
  t.match(missing.stderr, /values file not found: no-such\.yaml/);

  t.match(help.stdout, /backend-logs +203\.0\.113\.10/);
  t.match(help.stdout, /node-local-dns +169\.254\.20\.10/);
});

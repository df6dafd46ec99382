// `diff`: flows added and removed between two renders, expected from what the switches mean.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { ConnectionSet } from '../../tools/analyze/index.ts';
import { diffValues, formatChanges } from '../../tools/review/diff.ts';
import { fixture, root, run } from './helpers.ts';

const sidecarWorkloads = ['fluent-bit', 'log-agent', 'metric-agent', 'otlp-gateway'];
const lines = (text: string) => text.split('\n').filter((l) => /^[+-] /.test(l));
/** Every connection but DNS (53, node-local-dns: every peer) and 443 (the API server on Gardener: every address). */
const allButDnsAndApi = 'SCTP 1-65535,TCP 1-52,54-442,444-65535,UDP 1-52,54-65535';

t.test('istio.enabled adds Envoy metrics (15090) for the RMA scraper on the sidecar workloads, and istiod', async (t) => {
  const got = lines(formatChanges(await diffValues([fixture('istio-off.yaml')], [fixture('istio-on.yaml')])));
  t.same(got.filter((l) => l.includes('15090')), sidecarWorkloads.map((w) => `+ rma/rma-scraper[Pod] => kyma-system/${w}[Pod] : TCP 15090`));
  t.same(got.filter((l) => l.startsWith('- ')), [], 'nothing is removed');
  t.ok(got.includes('+ kyma-system/otlp-gateway[Pod] => istio-system/istiod[Pod] : All Connections'), 'istiod exists only with Istio: phase-1 egress reaches it');
  t.ok(got.includes('+ kyma-system/manager[Pod] => istio-system/istiod[Pod] : TCP 53,443,UDP 53'), 'the manager has no sidecar: only its rules to every peer');
});

t.test('log backends restricted to a block on 9200: the log exporters lose everything else, nobody gains', async (t) => {
  const got = lines(formatChanges(await diffValues([], [fixture('log-backends.yaml')])));
  t.ok(got.length > 0 && got.every((l) => l.startsWith('- ')), 'narrowing only removes flows');
  const agent = 'kyma-system/log-agent[Pod]';
  t.ok(got.includes(`- ${agent} => 198.51.100.0-198.51.100.255[External] : SCTP 1-65535,TCP 1-52,54-442,444-9199,9201-65535,UDP 1-52,54-65535`),
    'the log backends keep 9200');
  t.ok(got.includes(`- ${agent} => 0.0.0.0-198.51.99.255[External] : ${allButDnsAndApi}`), 'elsewhere the agent keeps DNS and 443 only');
  t.ok(got.includes(`- ${agent} => node[Node] : ${allButDnsAndApi}`), 'hosts alike');
  t.notOk(got.some((l) => l.startsWith('- kyma-system/manager[Pod]')), 'the manager exports nothing: unchanged');
});

t.test('a disabled workload: its flows are removed, nobody else changes', async (t) => {
  const got = lines(formatChanges(await diffValues([], [fixture('no-log-agent.yaml')])));
  t.ok(got.length > 0);
  t.same(got.filter((l) => !l.startsWith('- ') || !l.includes('kyma-system/log-agent[Pod]')), []);
  t.ok(got.includes('- rma/rma-scraper[Pod] => kyma-system/log-agent[Pod] : TCP 8888'));
});

t.test('a change one reading has only is marked', async (t) => {
  const mark = formatChanges([{ readings: ['calico'], src: 'a', dst: 'b', added: ConnectionSet.of('TCP', 9411), removed: ConnectionSet.NONE }]);
  t.equal(mark, '+ a => b : TCP 9411 (calico only)\n');
});

t.test('CLI', async (t) => {
  const [same, changed, noSecond, both, badRef] = await Promise.all([
    run('diff', '-f', fixture('istio-on.yaml'), '-f2', fixture('istio-on.yaml')),
    run('diff', '-f', fixture('istio-off.yaml'), '--f2', fixture('istio-on.yaml'), '--exit-code'),
    run('diff', '-f', fixture('istio-on.yaml')),
    run('diff', '--ref', 'HEAD', '-f2', fixture('istio-on.yaml')),
    run('diff', '--ref', 'no-such-ref-anywhere'),
  ]);
  t.equal(same.code, 0, same.stderr);
  t.same(lines(same.stdout), [], 'identical inputs: no flow lines');
  t.match(same.stdout, /^0 flow\(s\) added, 0 flow\(s\) removed \(.*istio-on\.yaml -> .*istio-on\.yaml\)\n$/);

  t.equal(changed.code, 1, '--exit-code with differences');
  const added = lines(changed.stdout).length;
  t.ok(added >= 4);
  t.match(changed.stdout, new RegExp(`${added} flow\\(s\\) added, 0 flow\\(s\\) removed`));

  t.equal(noSecond.code, 1);
  t.match(noSecond.stderr, /diff: give -f VALUES and --f2 VALUES/);
  t.equal(both.code, 1);
  t.match(both.stderr, /do not combine it with --f2/);
  t.equal(badRef.code, 1);
  t.match(badRef.stderr, /cannot read the chart at git ref "no-such-ref-anywhere"/);
});

const dirtyChart = execFileSync('git', ['status', '--porcelain', '--', 'chart/templates', 'chart/values.yaml', 'chart/values.schema.json', 'chart/Chart.yaml'], { cwd: root, encoding: 'utf8' }).trim();

t.test('the chart at HEAD against a clean working tree: no differences', { skip: dirtyChart ? `the chart has uncommitted changes: ${dirtyChart}` : false }, async (t) => {
  const r = await run('diff', '--ref', 'HEAD', '--exit-code');
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, '0 flow(s) added, 0 flow(s) removed (chart at HEAD -> working tree)\n');
});

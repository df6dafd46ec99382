// `diff`: flows added and removed between two renders, expected from what the switches mean.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { diffValues, formatChanges } from '../../tools/review/diff.ts';
import { fixture, root, run } from './helpers.ts';

const sidecarWorkloads = ['fluent-bit', 'telemetry-log-agent', 'telemetry-log-gateway', 'telemetry-metric-agent', 'telemetry-metric-gateway', 'telemetry-trace-gateway'];
const lines = (text: string) => text.split('\n').filter((l) => /^[+-] /.test(l));

t.test('istio.enabled adds Envoy metrics (15090) for the RMA scraper on the six sidecar workloads, nothing else', async (t) => {
  const text = formatChanges(await diffValues([fixture('istio-off.yaml')], [fixture('istio-on.yaml')]));
  t.same(lines(text), sidecarWorkloads.map((w) => `+ rma/rma-scraper[Pod] => kyma-system/${w}[Pod] : TCP 15090`));
});

t.test('phase 1 (RMA in any namespace): every labelled pod whose egress is open gains 15090', async (t) => {
  const text = formatChanges(await diffValues([], [fixture('istio-only.yaml')]));
  const expected = [
    // the metric agent carries the scraping label and may reach any pod in phase 1; not itself
    ...sidecarWorkloads.filter((w) => w !== 'telemetry-metric-agent').map((w) => `+ kyma-system/telemetry-metric-agent[Pod] => kyma-system/${w}[Pod] : TCP 15090`),
    // the labelled scrape target and RMA: no policy restricts their egress
    ...sidecarWorkloads.map((w) => `+ customer/scrape-target[Pod] => kyma-system/${w}[Pod] : TCP 15090`),
    ...sidecarWorkloads.map((w) => `+ rma/rma-scraper[Pod] => kyma-system/${w}[Pod] : TCP 15090`),
  ].sort();
  t.same([...lines(text)].sort(), expected, 'the self-monitor gains nothing: its egress lists its scrape ports');
});

t.test('narrowed backends: the address space is cut by the ipBlocks of both renders', async (t) => {
  const got = lines(formatChanges(await diffValues([], [fixture('log-backends.yaml')])));
  t.ok(got.every((l) => l.startsWith('- ')), 'narrowing only removes flows');
  const agent = 'kyma-system/telemetry-log-agent[Pod]';
  t.notOk(got.some((l) => l.startsWith(`- ${agent} => 198.51.100.0-198.51.100.255[External]`)), 'the log backends keep everything');
  t.ok(got.includes(`- ${agent} => 0.0.0.0-10.250.0.0[External] : All Connections`), 'elsewhere the log agent loses everything');
  t.notOk(got.some((l) => l.startsWith(`- ${agent} => 169.254.20.10-169.254.20.10[External]`) && l.includes('UDP 53')), 'but keeps DNS at node-local-dns');
  const manager = 'kyma-system/manager[Pod]';
  t.ok(got.includes(`- ${manager} => 0.0.0.0-10.250.0.0[External] : TCP 53,443,UDP 53`), 'the manager loses 443 and DNS off the API server and node-local-dns addresses');
  t.ok(got.includes(`- ${manager} => 10.250.0.1-10.250.0.1[External] : TCP 53,UDP 53`), 'and keeps 443 at 10.250.0.1, losing only DNS there');
});

t.test('a disabled workload: its flows are removed, nobody else changes', async (t) => {
  const got = lines(formatChanges(await diffValues([], [fixture('no-log-agent.yaml')])));
  t.ok(got.length > 0);
  t.same(got.filter((l) => !l.startsWith('- ') || !l.includes('kyma-system/telemetry-log-agent[Pod]')), []);
  t.ok(got.includes('- rma/rma-scraper[Pod] => kyma-system/telemetry-log-agent[Pod] : TCP 8888'));
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
  t.equal(lines(changed.stdout).length, 6);
  t.match(changed.stdout, /6 flow\(s\) added, 0 flow\(s\) removed/);

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

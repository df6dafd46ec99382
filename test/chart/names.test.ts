// The chart's policy names never equal one the Telemetry module gives its own policies: helm would refuse to
// take over an object the release does not own, and the manager would write its spec back on every reconcile.
// The list below is written by hand from upstream kyma-project/telemetry-manager (1.69 and 1.62), independent of
// tools/model: helm/templates/networkpolicy.yaml rendered as hack/release.sh does (release and nameOverride
// `telemetry`), and the builders' MakeNetworkPolicy / WithNameSuffix("metrics") in
// internal/resources/{fluentbit,otelcollector,selfmonitor} with the names of internal/resources/names/names.go.
import t from 'tap';
import { dump, loadAll } from 'js-yaml';
import { renderChart } from '../../tools/render/render.ts';
import { bothHelms } from '../helpers/helm.ts';
import { tempFile } from '../review/helpers.ts';

const moduleNames = [
  'kyma-project.io--telemetry-manager',
  'kyma-project.io--allow-telemetry-manager-webhooks',
  'kyma-project.io--allow-telemetry-to-dns',
  'kyma-project.io--allow-telemetry-to-apiserver',
  'kyma-project.io--allow-telemetry-manager-metrics',
  'kyma-project.io--telemetry-fluent-bit', 'kyma-project.io--telemetry-fluent-bit-metrics',
  'kyma-project.io--telemetry-log-agent', 'kyma-project.io--telemetry-log-agent-metrics',
  'kyma-project.io--telemetry-metric-agent', 'kyma-project.io--telemetry-metric-agent-metrics',
  'kyma-project.io--telemetry-otlp-gateway', 'kyma-project.io--telemetry-otlp-gateway-metrics',
  'kyma-project.io--telemetry-log-gateway', 'kyma-project.io--telemetry-log-gateway-metrics',
  'kyma-project.io--telemetry-metric-gateway', 'kyma-project.io--telemetry-metric-gateway-metrics',
  'kyma-project.io--telemetry-trace-gateway', 'kyma-project.io--telemetry-trace-gateway-metrics',
  'kyma-project.io--telemetry-self-monitor', 'kyma-project.io--telemetry-self-monitor-metrics',
];

/** The NetworkPolicy names of a render that are the module's own; empty when none clashes. */
function clashes(rendered: string): string[] {
  const names = (loadAll(rendered) as { kind?: string; metadata?: { name?: string } }[])
    .filter((d) => d?.kind === 'NetworkPolicy').map((d) => d.metadata!.name!);
  return names.filter((n) => moduleNames.includes(n));
}

const helms = await bothHelms();

const renders: { what: string; release?: string; values?: Record<string, unknown> }[] = [
  { what: 'the defaults' },
  { what: 'per-signal gateways (both generations\' names)', values: { gateways: { layout: 'perSignal' } } },
  { what: 'a release named telemetry', release: 'telemetry' },
  { what: 'a release named telemetry-manager', release: 'telemetry-manager' },
  { what: 'nameOverride netpol', values: { nameOverride: 'netpol' } },
  { what: 'fullnameOverride telemetry-policies', values: { fullnameOverride: 'telemetry-policies' } },
];

/** The first helm version's render of each case, kept for the mutation test below. */
const firstRenders = new Map<string, string>();

for (const r of renders) {
  t.test(`no name clashes with the module's: ${r.what}`, async (t) => {
    for (const helm of helms) {
      const files = r.values ? [tempFile(dump(r.values))] : [];
      const rendered = await renderChart(helm, { valuesFiles: files, release: r.release });
      if (helm === helms[0]) firstRenders.set(r.what, rendered);
      t.ok(/kind: NetworkPolicy/.test(rendered), 'renders policies');
      t.same(clashes(rendered), [], `helm ${helm.version}`);
    }
  });
}

t.test('the check fails on a name changed to one of the module\'s', async (t) => {
  const rendered = firstRenders.get(renders[0].what)!;
  const mutated = rendered.replace('name: kyma-project.io--telemetry-netpol-log-agent', 'name: kyma-project.io--telemetry-log-agent');
  t.not(mutated, rendered, 'the mutation applies');
  t.same(clashes(mutated), ['kyma-project.io--telemetry-log-agent']);
});

t.test('overrides that would clash are rejected before anything renders, naming the key', async (t) => {
  for (const helm of helms) {
    for (const [values, key] of [[{ fullnameOverride: 'telemetry' }, 'fullnameOverride'], [{ nameOverride: 'telemetry' }, 'nameOverride']] as const) {
      const error = await renderChart(helm, { valuesFiles: [tempFile(dump(values))], release: 'telemetry' }).then(() => null, (e: Error) => e);
      t.ok(error, `helm ${helm.version}: ${JSON.stringify(values)} is rejected`);
      t.match(error?.message ?? '', key);
      t.match(error?.message ?? '', /is one the Telemetry module creates for itself/);
    }
  }
});

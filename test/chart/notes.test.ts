// The install notes list exactly the landscape's open exceptions, each with the value that closes it. Helm 4:
// `helm install --dry-run=client` prints them (lookup finds no cluster there, so no foreign policy is listed);
// Helm 3.17's client dry run still asks a cluster for its version, so there the notes template is rendered
// through the harness (which every permutation of `make verify` also does, on both versions).
import t from 'tap';
import { $ } from 'zx';
import { activeExceptions, noClusterFacts } from '../../tools/model/index.ts';
import { chartDir } from '../../tools/paths.ts';
import { HarnessRenderer } from '../../tools/render/harness.ts';
import { resolveHelm } from '../../tools/render/helm.ts';
import { landscape, landscapes, landscapeValues } from '../helpers/landscapes.ts';

const listed = (notes: string) => [...notes.matchAll(/^ {2}- ([a-z0-9-]+): .*\n {4}(closed by: \S+|no value closes it)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
const expected = (name: string) => [...new Set(activeExceptions(landscapeValues(name), noClusterFacts)
  .map((e) => `${e.id} ${e.closedBy ? `closed by: ${e.closedBy}` : 'no value closes it'}`))].sort();

const helm4 = await resolveHelm(4);
const quiet = $({ quiet: true, nothrow: true });
/** `helm install --dry-run=client` of each landscape, run once */
const installs = new Map(landscapes().map((name) => [name,
  quiet`${helm4.bin} ${['install', 'telemetry-netpol', chartDir, '--namespace', 'kyma-system', '--dry-run=client', ...landscape(name).flatMap((f) => ['--values', f])]}`]));

for (const name of landscapes()) {
  t.test(`helm install --dry-run=client (Helm 4): ${name}`, async (t) => {
    const out = await installs.get(name)!;
    t.equal(out.exitCode, 0, out.stderr);
    const notes = out.stdout.slice(out.stdout.indexOf('NOTES:'));
    t.match(notes, /^NOTES:\ntelemetry-netpol \S+ is installed as release telemetry-netpol in kyma-system/);
    t.same(listed(notes), expected(name));
    t.notMatch(notes, /not part of this release/, 'lookup finds no cluster in a client dry run');
  });
}

t.test('the Gardener zero-trust landscape leaves open what no value closes on Gardener, and the backends on 443', async (t) => {
  const out = await installs.get('gardener-zero-trust')!;
  t.same(listed(out.stdout), [
    'api-server-any-address no value closes it',
    'backends-logs-any-address closed by: backends.logs.cidrs',
    'backends-metrics-any-address closed by: backends.metrics.cidrs',
    'dns-host-network closed by: dns.nodeLocal',
    'kubelet-any-address no value closes it',
    'scrape-any-port no value closes it',
  ]);
});

t.test('the notes template renders on Helm 3 (through the harness) as on Helm 4', async (t) => {
  const notes: string[] = [];
  for (const major of [3, 4] as const) {
    const renderer = new HarnessRenderer(await resolveHelm(major));
    const [rendered] = await renderer.render([{ values: landscapeValues('gardener'), facts: noClusterFacts }]);
    renderer.close();
    notes.push(rendered.notes ?? '');
  }
  t.equal(notes[0], notes[1]);
  t.same(listed(notes[0]), expected('gardener'));
});

// Policy mutation testing: each operator family on a small policy set, the equivalence judgement, and the
// defaults landscape end to end, with `check --manifests` run as a process once per mutation kind.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { $ } from 'zx';
import { projectRoot } from '../../tools/paths.ts';
import { resolveHelm } from '../../tools/render/helm.ts';
import { renderChart } from '../../tools/render/render.ts';
import { landscapes } from '../../tools/report/landscapes.ts';
import { valuesFor } from '../../tools/render/values.ts';
import { equivalence } from '../../tools/prove/mutate/equivalence.ts';
import { allMutants } from '../../tools/prove/mutate/operators/index.ts';
import { changePort, changeProtocol, dropPort } from '../../tools/prove/mutate/operators/ports.ts';
import { dropNamespaceSelector, dropSelector, emptySelector, widenCidr } from '../../tools/prove/mutate/operators/peers.ts';
import { changeLabelValue, deletePolicy, removeEgressType } from '../../tools/prove/mutate/operators/policies.ts';
import { addEmptyRule, dropRule, swapIngressEgress } from '../../tools/prove/mutate/operators/rules.ts';
import { checkProblems, manifestsOf, mutateLandscape } from '../../tools/prove/mutate/run.ts';
import { runCheck } from '../../tools/report/check.ts';
import { noClusterFacts } from '../../tools/model/index.ts';
import { MUTATION_KINDS, type Doc } from '../../tools/prove/mutate/types.ts';

const docs = (): Doc[] => [{
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'kyma-system' },
  spec: {
    podSelector: { matchLabels: { app: 'a' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 80, protocol: 'TCP' }] }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '2001:db8::/32' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }],
  },
}];

t.test('each operator makes one change per site', async (t) => {
  const d = docs();
  t.same(dropRule(d).map((m) => m.site), ['p ingress[0]', 'p egress[0]']);
  t.same(dropRule(d)[0].docs[0].spec.ingress, []);
  const [emptyIngress, emptyEgress] = addEmptyRule(d);
  t.same([emptyIngress.site, emptyIngress.docs[0].spec.ingress.at(-1), emptyEgress.site, emptyEgress.docs[0].spec.egress.at(-1)], ['p ingress[+]', {}, 'p egress[+]', {}]);
  const swapped = swapIngressEgress(d)[0].docs[0].spec;
  t.same(swapped.ingress[0].from, d[0].spec.egress[0].to);
  t.same(swapped.egress[0].to, d[0].spec.ingress[0].from);
  t.same(dropPort(d).map((m) => m.site), ['p ingress[0].ports[0]', 'p egress[0].ports[0]', 'p egress[0].ports[1]']);
  t.notOk('ports' in dropPort(d)[0].docs[0].spec.ingress[0], 'an emptied ports list is dropped, as a rule would be written');
  t.same(changePort(d).map((m) => m.site.split(' ').at(-1)), ['80->81', '443->444', '53->54']);
  t.same(changeProtocol(d).map((m) => m.site.split(' ').at(-1)), ['TCP->UDP', 'TCP->UDP', 'UDP->TCP']);
  t.same(widenCidr(d).map((m) => m.site.split(' ').at(-1)), ['10.0.0.0/8->0.0.0.0/0', '2001:db8::/32->::/0']);
  t.same(emptySelector(d).map((m) => m.site), ['p ingress[0].from[0].namespaceSelector', 'p ingress[0].from[0].podSelector', 'p spec.podSelector']);
  t.same(dropSelector(d)[0].docs[0].spec.ingress[0].from[0], { namespaceSelector: { matchLabels: { team: 'x' } } });
  t.same(dropNamespaceSelector(d)[0].docs[0].spec.ingress[0].from[0], { podSelector: { matchLabels: { app: 'b' } } });
  t.same(removeEgressType(d)[0].docs[0].spec.policyTypes, ['Ingress']);
  t.same(deletePolicy(d)[0].docs, []);
  t.same(changeLabelValue(d).map((m) => m.site), ['p spec.podSelector.matchLabels[app]', 'p spec.ingress.0.from.0.namespaceSelector.matchLabels[team]', 'p spec.ingress.0.from.0.podSelector.matchLabels[app]']);
  t.same(d, docs(), 'the original is left alone');
  t.same(new Set(allMutants(d).map((m) => m.kind)), new Set(MUTATION_KINDS), 'every kind applies');
});

t.test('gardener zero-trust landscape: mutants of every kind, the killed ones fail `check --manifests` as a process too', async (t) => {
  const landscape = landscapes().find((l) => l.name === 'values/gardener-zero-trust.yaml')!;
  const rendered = await renderChart(await resolveHelm(4), { valuesFiles: landscape.files });
  const values = valuesFor(landscape.files);
  const original = (await import('js-yaml')).loadAll(rendered).filter((d) => (d as Doc)?.kind === 'NetworkPolicy') as Doc[];
  t.same(checkProblems(manifestsOf(original), values), [], 'the unmutated render, written back as YAML, passes');
  const all = allMutants(original);
  const dir = mkdtempSync(join(tmpdir(), 'mutants-'));
  const firstPerKind = MUTATION_KINDS.map((kind) => all.find((m) => m.kind === kind && checkProblems(manifestsOf(m.docs), values).length > 0));
  t.equal(firstPerKind.filter(Boolean).length, MUTATION_KINDS.length, 'every kind has a killed mutant');
  // every kind through the command's own function (what `check --manifests` runs), one through the process
  for (const [i, m] of firstPerKind.entries()) {
    const file = join(dir, `${MUTATION_KINDS[i]}.yaml`);
    writeFileSync(file, manifestsOf(m!.docs));
    const report = await runCheck({ values: landscape.files, manifests: file });
    t.ok(report.problems > 0, `check --manifests fails the ${MUTATION_KINDS[i]} mutant`);
  }
  writeFileSync(join(dir, 'original.yaml'), manifestsOf(original));
  t.equal((await runCheck({ values: landscape.files, manifests: join(dir, 'original.yaml') })).problems, 0, 'and passes the original');
  const cli = join(projectRoot, 'tools', 'bin', 'telemetry-netpol.js');
  const run = await $({ quiet: true, nothrow: true })`node ${cli} check --manifests ${join(dir, 'delete-policy.yaml')} -f ${landscape.files[0]}`;
  t.equal(run.exitCode, 1, 'the CLI process exits 1 on a mutant');
  t.match(run.stdout, /contract|NetworkPolicy|isolated/);
});

t.test('equivalence: a redundant rule dropped is equivalent, a needed one is not', async (t) => {
  const values = valuesFor([]);
  const base = docs();
  const twice = structuredClone(base);
  twice[0].spec.egress.push(structuredClone(twice[0].spec.egress[0]));
  const redundant = dropRule(twice).find((m) => m.site === 'p egress[1]')!;
  const eq = equivalence(twice, redundant.docs, values, noClusterFacts);
  t.ok(eq.contractEquivalent && eq.probeEquivalent, 'dropping a duplicate rule changes nothing');
  t.ok(eq.pairs > 0 && eq.probePods > 0 && eq.probeAddresses > 0);
  const needed = equivalence(base, dropRule(base)[1].docs, values, noClusterFacts);
  t.notOk(needed.probeEquivalent);
  t.match(needed.difference, /original .*TCP 443.*, mutant/);
});

t.test('equivalence reads the contract topology\'s peer kinds under both readings', async (t) => {
  const values = valuesFor([]);
  const policy = (to: unknown[] | undefined): Doc[] => [{
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'dns', namespace: 'kyma-system' },
    spec: { podSelector: { matchLabels: { 'kyma-project.io/module': 'telemetry' } }, policyTypes: ['Egress'], egress: [{ ...(to ? { to } : {}), ports: [{ port: 53, protocol: 'UDP' }] }] },
  }];
  // node-local-dns is a host-network endpoint at 169.254.20.10: an ipBlock reaches it under calico only
  const host = equivalence(policy([{ ipBlock: { cidr: '169.254.20.10/32' } }]), policy([]).map((d) => ({ ...d, spec: { ...d.spec, egress: [] } })), values, noClusterFacts);
  t.notOk(host.contractEquivalent);
  t.match(host.difference, /-> kube-system\/node-local-dns \(calico reading\): original UDP 53, mutant No Connections/, 'the host endpoint, under calico');
  // every address by ipBlock is every peer under calico (pods and hosts have addresses), outside addresses only under cilium
  const wide = equivalence(policy(undefined), policy([{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]), values, noClusterFacts);
  t.notOk(wide.contractEquivalent);
  t.match(wide.difference, /\(cilium reading\): original UDP 53, mutant No Connections/, 'the same under calico, not under cilium');
  const copy = policy(undefined);
  const same = equivalence(copy, structuredClone(copy), values, noClusterFacts);
  t.ok(same.contractEquivalent && same.probeEquivalent, 'a copy is equivalent');
});

t.test('mutateLandscape reports every mutant of a landscape with its verdict', async (t) => {
  const landscape = landscapes().find((l) => l.name === 'values/kubernetes.yaml')!;
  const rendered = await renderChart(await resolveHelm(4), { valuesFiles: landscape.files });
  const result = await mutateLandscape(landscape, rendered);
  t.ok(result.results.length > 200);
  for (const r of result.results) {
    if (!r.killed) t.ok(r.reason, `${r.kind} ${r.site} has a reason`);
    else t.ok(r.killedBy, `${r.kind} ${r.site} names what killed it`);
  }
  // phase 1: each exporter's egress already holds the rule `{}` (every address, every port); another one changes nothing
  const survivingEmpty = result.results.filter((r) => r.kind === 'add-empty-rule' && !r.killed);
  for (const r of survivingEmpty) {
    const [name, where] = r.site.split(' ');
    const direction = where.replace('[+]', '') as 'ingress' | 'egress';
    const policy = result.original.find((d) => d.metadata.name === name)!;
    t.ok(r.equivalent && (policy.spec[direction] ?? []).some((rule: object) => Object.keys(rule).length === 0), `${r.site}: only beside an empty rule already there`);
  }
  t.equal(result.results.filter((r) => r.kind === 'delete-policy' && !r.killed).length, 0, 'a deleted policy never survives');
});

// tools/analyze behaviour the other tests left unasserted (found by StrykerJS survivors): the connlist
// output formats, manifest reading (Lists, folders, skipped documents), the cluster model built from
// workloads, and NetworkPolicy normalization (ports, endPort, ipBlock except, empty peers, defaults).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  ConnectionSet, FORMATS, buildCluster, connlist, explain, loadManifests, parseManifests, type Manifest,
} from '../../../tools/analyze/index.ts';
import { classKey, evaluatorFor } from '../../../tools/analyze/engine.ts';
import { isFormatName } from '../../../tools/analyze/format/index.ts';
import { parsePolicy } from '../../../tools/analyze/policy.ts';
import { UserError } from '../../../tools/errors.ts';

const m = (o: Record<string, unknown>): Manifest => ({ source: 'test', ...o }) as Manifest;
const ns = (name: string, labels: Record<string, string> = {}) => m({ kind: 'Namespace', metadata: { name, labels } });
const pod = (namespace: string, name: string, labels: Record<string, string>, ip?: string, ports: unknown[] = []) => m({
  kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', ports }] },
  ...(ip ? { status: { podIP: ip } } : {}),
});
const policy = (name: string, spec: Record<string, unknown>, namespace = 'app') => m({ kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

/** web may reach db on TCP 5432 only; a "quoted\" name pod and 10.1.2.3 see everything of db's namespace. */
function smallCluster() {
  return buildCluster([
    ns('app'), pod('app', 'web', { app: 'web' }, '10.0.0.1'), pod('app', 'db', { app: 'db' }, '10.0.0.2'),
    policy('db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
    policy('web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }, { to: [{ ipBlock: { cidr: '10.9.0.0/16' } }] }] }),
  ]);
}

t.test('connlist formats print each connection in their own syntax', async (t) => {
  const { connections } = connlist(smallCluster());
  const webToDb = connections.filter((c) => c.src.name === 'app/web[Pod]' && c.dst.name === 'app/db[Pod]');
  t.equal(webToDb.length, 1);
  t.equal(FORMATS.txt(webToDb), 'app/web[Pod] => app/db[Pod] : TCP 5432\n');
  t.equal(FORMATS.md(webToDb), '| src | dst | conn |\n|-----|-----|------|\n| app/web[Pod] | app/db[Pod] | TCP 5432 |\n');
  t.same(JSON.parse(FORMATS.json(webToDb)), [{ src: 'app/web[Pod]', dst: 'app/db[Pod]', conn: 'TCP 5432', ports: JSON.parse(JSON.stringify(webToDb[0].connections.toJSON())) }]);
  t.ok(FORMATS.json(webToDb).endsWith('\n'));
  const dot = FORMATS.dot(webToDb);
  t.match(dot, /^digraph \{\n\trankdir=LR\n/);
  t.match(dot, /\tsubgraph "cluster_app" \{\n\t\tlabel="app"\n/);
  t.match(dot, /\t\t"app\/db\[Pod\]" \[label="db\[Pod\]" shape=ellipse color=blue\]\n\t\t"app\/web\[Pod\]" \[label="web\[Pod\]" shape=ellipse color=blue\]/);
  t.match(dot, /\t"app\/web\[Pod\]" -> "app\/db\[Pod\]" \[label="TCP 5432" color=gold2\]\n\}\n$/);
  t.ok(isFormatName('dot') && isFormatName('svg'));
  t.notOk(isFormatName('toString'), 'inherited object keys are no format');
});

t.test('dot marks all-connection edges red, external peers as red boxes, and escapes quotes', async (t) => {
  const peer = (name: string, external: boolean) => ({ name, kind: external ? 'external' : 'pod', ...(external ? {} : { namespace: name.split('/')[0] }) });
  const dot = FORMATS.dot([
    { src: peer('x/a"b', false), dst: peer('10.0.0.9', true), connections: ConnectionSet.ALL },
    { src: peer('10.0.0.9', true), dst: peer('y/c\\d', false), connections: ConnectionSet.of('UDP', 53) },
  ] as never);
  t.match(dot, /\t"x\/a\\"b" -> "10.0.0.9" \[label="All Connections" color=red\]/);
  t.match(dot, /\t"10.0.0.9" \[label="10.0.0.9" shape=box color=red2\]\n/);
  t.match(dot, /"y\/c\\\\d" \[label="c\\\\d" shape=ellipse color=blue\]/);
  t.ok(dot.indexOf('subgraph "cluster_x"') < dot.indexOf('subgraph "cluster_y"'), 'namespaces in name order');
});

t.test('parseManifests expands Lists, inherits the item kind of typed lists and skips what it cannot analyze', async (t) => {
  const text = [
    'kind: List\nitems:\n  - kind: Pod\n    metadata: {name: a}\n  - kind: Service\n    metadata: {name: s}',
    'kind: PodList\nitems:\n  - metadata: {name: b, namespace: x}',
    '~',
    '- just a list',
    'kind: SomethingList\nmetadata: {name: no-items}',
    'kind: Pod\nmetadata: {name: ""}',
    'kind: Pod\nmetadata: {}',
    'kind: Pod\nmetadata: {name: c}',
  ].join('\n---\n');
  const { objects, warnings } = parseManifests(text, 'f.yaml');
  t.same(objects.map((o) => [o.kind, o.metadata?.name, o.source]), [['Pod', 'a', 'f.yaml'], ['Pod', 'b', 'f.yaml'], ['Pod', 'c', 'f.yaml']]);
  t.same(warnings, [
    'skipping Service in f.yaml: kind not analyzed',
    'skipping a document in f.yaml: not a Kubernetes manifest (no kind)',
    'skipping SomethingList in f.yaml: kind not analyzed',
    'skipping Pod in f.yaml: metadata.name missing',
    'skipping Pod in f.yaml: metadata.name missing',
  ]);
  const broken = parseManifests('a: [1\nb: 2', 'bad.yaml');
  t.same(broken.objects, []);
  t.equal(broken.warnings.length, 1);
  t.match(broken.warnings[0], /^skipping bad.yaml: cannot decode YAML\/JSON \(.+\)$/);
  t.notMatch(broken.warnings[0], /\n/, 'only the first line of the parser message');
});

t.test('loadManifests reads files and folders recursively, in name order, only YAML and JSON', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-load-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'b.yaml'), 'kind: Pod\nmetadata: {name: b}\n');
  writeFileSync(join(dir, 'a.JSON'), '{"kind": "Pod", "metadata": {"name": "a"}}');
  writeFileSync(join(dir, 'sub', 'c.yml'), 'kind: Pod\nmetadata: {name: c}\n');
  writeFileSync(join(dir, 'notes.txt'), 'kind: Pod\nmetadata: {name: txt}\n');
  writeFileSync(join(dir, 'd.yaml.bak'), 'kind: Pod\nmetadata: {name: bak}\n');
  const all = loadManifests([dir]);
  t.same(all.objects.map((o) => o.metadata?.name), ['a', 'b', 'c']);
  t.same(all.objects.map((o) => o.source), [join(dir, 'a.JSON'), join(dir, 'b.yaml'), join(dir, 'sub', 'c.yml')]);
  t.same(loadManifests([join(dir, 'notes.txt')]).objects.map((o) => o.metadata?.name), ['txt'], 'a file named directly is read whatever its extension');
  t.throws(() => loadManifests([]), new UserError('give at least one file or folder of manifests'));
  t.throws(() => loadManifests([join(dir, 'missing')]), new UserError(`no such file or directory: ${join(dir, 'missing')}`));
});

t.test('buildCluster: workloads stand for their pods, owners name the workload, bad ports and IPs are dropped', async (t) => {
  const c = buildCluster([
    m({ kind: 'Deployment', metadata: { name: 'dep', namespace: 'x' }, spec: { template: { metadata: { labels: { app: 'dep' } }, spec: { containers: [{ ports: [{ containerPort: 80, name: 'http' }, { containerPort: 81, protocol: 'ICMP' }, { name: 'noport' }] }, { name: 'no-ports' }] } } } }),
    m({ kind: 'CronJob', metadata: { name: 'cron', namespace: 'x' }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'cron' } }, spec: { containers: [{ ports: [{ containerPort: 53, protocol: 'UDP' }] }] } } } } } }),
    m({ kind: 'Pod', metadata: { name: 'p1', namespace: 'x', labels: { a: 'b' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs-first' }, { kind: 'StatefulSet', name: 'ss', controller: true }] }, status: { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }, { ip: 'bogus' }, {}] } }),
    m({ kind: 'Pod', metadata: { name: 'p2', ownerReferences: [{ kind: 'ReplicaSet', name: 'rs-first' }, { kind: 'Job', name: 'j' }] } }),
    m({ kind: 'Pod', metadata: { name: 'static', namespace: 'kube-system', ownerReferences: [{ kind: 'Node', name: 'n1', controller: true }] } }),
    m({ kind: 'Service', metadata: { name: 'svc', namespace: 'ignored' } }),
    ns('labelled', { team: 'a' }),
    policy('only-policy', { podSelector: {} }, 'policy-ns'),
  ]);
  const byName = new Map(c.pods.map((p) => [p.name, p]));
  t.same(byName.get('dep'), { namespace: 'x', name: 'dep', labels: { app: 'dep' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ips: [], workload: 'x/dep[Deployment]' });
  t.same(byName.get('cron')?.ports, [{ port: 53, protocol: 'UDP' }]);
  t.equal(byName.get('cron')?.workload, 'x/cron[CronJob]');
  t.equal(byName.get('p1')?.workload, 'x/ss[StatefulSet]', 'the controller owner wins');
  t.equal(byName.get('p2')?.workload, 'default/rs-first[ReplicaSet]', 'else the first owner; no namespace means default');
  t.equal(byName.get('static')?.workload, 'kube-system/static[Pod]', 'a Node owner is no workload');
  t.same(byName.get('p1')?.ips.map((a) => a.text), ['10.0.0.1', 'fd00::1']);
  t.same(c.warnings, ['pod x/p1: status podIP "bogus" is not an IP address; ignored']);
  t.equal(c.pods.length, 5, 'a Service is no pod');
  t.same(c.namespaces.get('labelled')?.labels, { team: 'a', 'kubernetes.io/metadata.name': 'labelled' });
  t.same(c.namespaces.get('policy-ns')?.labels, { 'kubernetes.io/metadata.name': 'policy-ns' }, 'a policy namespace exists');
  t.same(c.namespaces.get('default')?.labels, { 'kubernetes.io/metadata.name': 'default' });
  t.notOk(c.namespaces.has('ignored'));
});

t.test('parsePolicy: ports, endPort ranges and named ports, with a warning for each unusable entry', async (t) => {
  const warnings: string[] = [];
  const p = parsePolicy(policy('p', {
    podSelector: { matchLabels: { app: 'x' } },
    ingress: [{
      from: [{ podSelector: {} }],
      ports: [
        { port: 80 }, { port: '8080' }, { port: 'http' }, { protocol: 'UDP', port: 53 }, { protocol: 'SCTP' },
        { port: 1000, endPort: 1002 }, { port: 0 }, { port: 70000 }, { port: 65535 }, { port: 1 }, { port: 10, endPort: 9 },
        { port: 10, endPort: 70000 }, { port: 'dns', endPort: 60 }, { protocol: 'ICMP', port: 1 }, { port: 2, endPort: null },
      ],
    }],
    egress: [{ to: [], ports: [] }],
  }), (w) => warnings.push(w));
  const rule = p.ingress[0];
  t.equal(rule.numericPorts.toString(), 'SCTP 1-65535,TCP 1-2,80,1000-1002,8080,65535,UDP 53');
  t.same(rule.namedPorts, [{ name: 'http', protocol: 'TCP' }]);
  t.same(warnings, [
    'policy app/p: port "0" is neither a number in 1-65535 nor a name; the port entry matches nothing',
    'policy app/p: port "70000" is neither a number in 1-65535 nor a name; the port entry matches nothing',
    'policy app/p: endPort needs a numeric port not above it (port 10); the port entry matches nothing',
    'policy app/p: endPort needs a numeric port not above it (port 10); the port entry matches nothing',
    'policy app/p: endPort needs a numeric port not above it (port dns); the port entry matches nothing',
    'policy app/p: unknown protocol "ICMP"; the port entry matches nothing',
  ]);
  t.equal(p.egress[0].peers, undefined, 'an empty `to` admits every destination');
  t.ok(p.egress[0].numericPorts.isAll(), 'an empty `ports` admits every port');
  t.same([p.affectsIngress, p.affectsEgress], [true, true], 'without policyTypes: Ingress, and Egress because egress rules exist');
  const ingressOnly = parsePolicy(policy('q', { podSelector: {}, egress: [] }), () => {});
  t.same([ingressOnly.affectsIngress, ingressOnly.affectsEgress], [true, false]);
  const declared = parsePolicy(policy('r', { policyTypes: ['Egress'], ingress: [{}] }), () => {});
  t.same([declared.affectsIngress, declared.affectsEgress], [false, true]);
  t.same(declared.ingress[0].peers, undefined);
  t.equal(parsePolicy(m({ kind: 'NetworkPolicy', metadata: { name: 'n' } }), () => {}).id, 'default/n');
});

t.test('parsePolicy: peers are pods, address blocks less their except, or invalid with a warning', async (t) => {
  const warnings: string[] = [];
  const p = parsePolicy(policy('p', {
    podSelector: {},
    egress: [{
      to: [
        { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', 'nonsense'] } },
        { ipBlock: { cidr: '300.0.0.0/8' } },
        {},
        { namespaceSelector: null, podSelector: null },
        { namespaceSelector: {} },
        { podSelector: { matchLabels: { a: 'b' } } },
        { namespaceSelector: { matchExpressions: [{ key: 'k', operator: 'Near' }] } },
      ],
    }],
  }), (w) => warnings.push(w));
  const peers = p.egress[0].peers!;
  t.same(peers.map((x) => x.type), ['ipBlock', 'invalid', 'invalid', 'invalid', 'pods', 'pods', 'pods']);
  const block = peers[0] as unknown as { cidr: string; except: string[] };
  t.equal(block.cidr, '10.0.0.0/8');
  t.same(block.except, ['10.1.0.0/16', 'nonsense']);
  t.same(warnings, [
    'policy app/p: ipBlock except "nonsense" is not a valid CIDR; ignored',
    'policy app/p: ipBlock cidr "300.0.0.0/8" is not a valid CIDR; the peer matches nothing',
    'policy app/p: a peer without podSelector, namespaceSelector or ipBlock; it matches nothing',
    'policy app/p: a peer without podSelector, namespaceSelector or ipBlock; it matches nothing',
    'policy app/p: unknown selector operator "Near"; the selector matches nothing',
  ]);
  const c = buildCluster([ns('app'), pod('app', 'a', {}, '10.0.0.5'), policy('p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] })]);
  const a = c.pods[0];
  t.ok(explain(c, a, '10.2.0.1', 443, 'TCP').egress.allowed);
  t.notOk(explain(c, a, '10.1.0.1', 443, 'TCP').egress.allowed, 'the except is carved out');
});

t.test('the engine: pods alike share a class, evaluators are cached per cluster and reading', async (t) => {
  const base = { namespace: 'n', name: 'a', ips: [], workload: 'n/a[Pod]' };
  const one = { ...base, labels: { x: '1', y: '2' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' as const }, { port: 53, protocol: 'UDP' as const }] };
  const two = { ...base, labels: { y: '2', x: '1' }, ports: [{ port: 53, protocol: 'UDP' as const }, { name: 'http', port: 80, protocol: 'TCP' as const }] };
  t.equal(classKey(one, false), classKey(two, false), 'label and port order do not matter');
  t.not(classKey(one, false), classKey({ ...one, ports: [{ port: 80, protocol: 'TCP' }] }, false), 'a port name matters');
  const withIps = { ...one, ips: [{ text: '10.0.0.2', family: 'IPv4' as const, value: 2n }, { text: '10.0.0.1', family: 'IPv4' as const, value: 1n }] };
  t.equal(classKey(withIps, false), classKey(one, false), 'addresses only count when asked for');
  t.not(classKey(withIps, true), classKey(one, true));
  t.match(classKey(withIps, true), /10\.0\.0\.1","10\.0\.0\.2/, 'addresses sorted');
  const c = smallCluster();
  t.equal(evaluatorFor(c), evaluatorFor(c, {}));
  t.equal(evaluatorFor(c, { reading: 'calico' }), evaluatorFor(c, { reading: 'calico' }));
  t.not(evaluatorFor(c), evaluatorFor(c, { reading: 'calico' }));
  const stranger = { ...base, labels: {}, ports: [] };
  t.throws(() => evaluatorFor(c).podEndpoint(stranger), /pod n\/a is not part of the analyzed cluster/);
  const calico = evaluatorFor(c, { reading: 'calico' });
  const [web, db] = [c.pods.find((p) => p.name === 'web')!, c.pods.find((p) => p.name === 'db')!];
  t.not(calico.podClass(web), calico.podClass(db));
  const e = explain(c, web, db, 5432, 'TCP');
  t.same(e.egress.selectedBy, ['app/web']);
  t.same(e.ingress.selectedBy, ['app/db']);
  t.ok(e.egress.allowed && e.ingress.allowed);
  t.notOk(explain(c, web, db, 5433, 'TCP').ingress.allowed);
  t.equal(explain(c, db, web, 1, 'UDP').egress.selectedBy.length, 0, 'db egress is open: no policy selects it for egress');
});

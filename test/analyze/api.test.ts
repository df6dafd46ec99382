// The programmatic API: pair queries, explain, the Calico reading, peers by name, warnings.
import t from 'tap';
import { UserError } from '../../tools/errors.ts';
import {
  allowedConnections, buildCluster, connlist, explain, parseManifests, resolvePeer, type Pod,
} from '../../tools/analyze/index.ts';

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {team: shop}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.0.0.5, podIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: app, labels: {app: client}}
status: {podIP: 10.0.0.9}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ingress, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: http}]
  - from: [{ipBlock: {cidr: 10.0.0.0/24}}, {ipBlock: {cidr: "fd00::/64"}}]
    ports: [{port: 9090}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:bad::/48"]}}]
    ports: [{protocol: UDP, port: 514}]
`;

const parsed = parseManifests(manifests, 'inline');
const cluster = buildCluster(parsed.objects);
const web = resolvePeer(cluster, 'app/web') as Pod;
const client = resolvePeer(cluster, 'app/client') as Pod;

t.test('the model', async (t) => {
  t.same(parsed.warnings, []);
  t.equal(cluster.pods.length, 2);
  t.same(web.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  t.same(web.ips.map((a) => a.text), ['10.0.0.5', 'fd00::5']);
  t.equal(web.workload, 'app/web[Pod]');
  t.same(cluster.namespaces.get('app')?.labels, { team: 'shop', 'kubernetes.io/metadata.name': 'app' });
  t.same(cluster.policies.map((p) => [p.id, p.affectsIngress, p.affectsEgress]), [['app/web-ingress', true, false], ['app/web-egress', false, true]]);
});

t.test('allowedConnections between pods and addresses, both families', async (t) => {
  t.equal(allowedConnections(cluster, client, web).toString(), 'TCP 8080');
  t.equal(allowedConnections(cluster, web, client).toString(), 'No Connections', 'web egress only to 2001:db8::/32');
  t.equal(allowedConnections(cluster, '10.0.0.77', web).toString(), 'TCP 9090');
  t.equal(allowedConnections(cluster, 'fd00::1', web).toString(), 'TCP 9090');
  t.equal(allowedConnections(cluster, '10.0.1.1', web).toString(), 'No Connections');
  t.equal(allowedConnections(cluster, web, '2001:db8::1').toString(), 'UDP 514');
  t.equal(allowedConnections(cluster, web, '2001:db8:bad::1').toString(), 'No Connections');
  t.equal(allowedConnections(cluster, client, '8.8.8.8').toString(), 'All Connections');
});

t.test('ipBlocks match pods only in the Calico reading', async (t) => {
  // client has podIP 10.0.0.9, inside 10.0.0.0/24.
  t.equal(allowedConnections(cluster, client, web).toString(), 'TCP 8080');
  t.equal(allowedConnections(cluster, client, web, { reading: 'cilium' }).toString(), 'TCP 8080');
  t.equal(allowedConnections(cluster, client, web, { reading: 'calico' }).toString(), 'TCP 8080,9090');
  const lines = connlist(cluster, { reading: 'calico' }).connections.map((c) => `${c.src.name} => ${c.dst.name} : ${c.connections}`);
  t.ok(lines.includes('app/client[Pod] => app/web[Pod] : TCP 8080,9090'));
});

t.test('explain names the policies and rules that decide', async (t) => {
  t.same(explain(cluster, client, web, 8080), {
    allowed: true,
    egress: { allowed: true, selectedBy: [], matchingRules: [] },
    ingress: { allowed: true, selectedBy: ['app/web-ingress'], matchingRules: [{ policy: 'app/web-ingress', index: 0 }] },
  });
  t.same(explain(cluster, '10.0.0.1', web, 9090, 'TCP').ingress.matchingRules, [{ policy: 'app/web-ingress', index: 1 }]);
  const denied = explain(cluster, web, client, 8080);
  t.equal(denied.allowed, false);
  t.same(denied.egress, { allowed: false, selectedBy: ['app/web-egress'], matchingRules: [] });
  t.equal(denied.ingress.allowed, true, 'client is unselected, its ingress is open');
  t.same(explain(cluster, web, '2001:db8::9', 514, 'UDP').egress.matchingRules, [{ policy: 'app/web-egress', index: 0 }]);
  t.equal(explain(cluster, web, '2001:db8::9', 514, 'TCP').allowed, false, 'protocol matters');
});

t.test('connlist shows IPv6 pieces when an ipBlock is IPv6', async (t) => {
  const names = new Set(connlist(cluster).connections.flatMap((c) => [c.src.name, c.dst.name]));
  t.ok(names.has('fd00::-fd00::ffff:ffff:ffff:ffff[External]'));
  t.ok(names.has('2001:db8::-2001:db8:bac:ffff:ffff:ffff:ffff:ffff[External]'));
});

t.test('resolvePeer', async (t) => {
  t.equal(resolvePeer(cluster, '10.1.1.1'), '10.1.1.1');
  t.equal(resolvePeer(cluster, 'app/web[Pod]'), web);
  t.throws(() => resolvePeer(cluster, 'app/nothing'), UserError);
  t.throws(() => allowedConnections(cluster, 'not-an-ip', web), UserError);
});

t.test('parseManifests: lists, kinds, warnings', async (t) => {
  const result = parseManifests(
    `
kind: PodList
items:
- metadata: {name: p1}
- kind: Namespace
  metadata: {name: n1}
---
kind: List
items:
- metadata: {name: nokind}
---
kind: ConfigMap
metadata: {name: cm}
---
just text
---
kind: Pod
metadata: {}
`,
    'x.yaml',
  );
  t.same(result.objects.map((o) => `${o.kind}/${o.metadata?.name}`), ['Pod/p1', 'Namespace/n1']);
  t.same(result.warnings, [
    'skipping a document in x.yaml: not a Kubernetes manifest (no kind)',
    'skipping ConfigMap in x.yaml: kind not analyzed',
    'skipping a document in x.yaml: not a Kubernetes manifest (no kind)',
    'skipping Pod in x.yaml: metadata.name missing',
  ]);
  t.match(parseManifests('a: [1', 'bad.yaml').warnings[0], /^skipping bad.yaml: cannot decode YAML\/JSON/);
});

t.test('parseManifests: a malformed document is skipped alone, named by its line', async (t) => {
  const text = [
    'kind: Pod\nmetadata: {name: first}',
    'kind: Pod\nmetadata: {name: broken, labels: [unclosed}',
    '# a comment\nkind: Pod\nmetadata:\n  name: last',
  ].join('\n---\n');
  const result = parseManifests(text, 'three.yaml');
  t.same(result.objects.map((o) => o.metadata?.name), ['first', 'last']);
  t.equal(result.warnings.length, 1);
  t.match(result.warnings[0], /^skipping three\.yaml: cannot decode YAML\/JSON \(only the document at line 3: line 5, column \d+: .+\)$/);
  const json = parseManifests('{"kind": "Pod", "metadata": {"name": "j"}}', 'one.json');
  t.same([json.objects.map((o) => o.metadata?.name), json.warnings], [['j'], []], 'JSON is YAML');
});

t.test('invalid policy parts match nothing and warn', async (t) => {
  const c = buildCluster(
    parseManifests(
      `
kind: Pod
metadata: {name: t, namespace: ns, labels: {app: t}}
---
kind: NetworkPolicy
metadata: {name: p, namespace: ns}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 300.0.0.0/8}}, {}, {podSelector: {matchExpressions: [{key: a, operator: Like}]}}]
  - ports: [{protocol: ICMP}, {port: 0}, {port: 90, endPort: 80}, {port: http, endPort: 90}]
`,
      'p.yaml',
    ).objects,
  );
  t.equal(c.warnings.length, 7);
  t.equal(allowedConnections(c, '1.1.1.1', c.pods[0]).toString(), 'No Connections');
});

t.test('pods of one workload that differ are merged with a warning', async (t) => {
  const c = buildCluster(
    parseManifests(
      ['a', 'b']
        .map((n) => `kind: Pod\nmetadata: {name: ${n}, namespace: ns, labels: {app: ${n}}, ownerReferences: [{kind: DaemonSet, name: ds, controller: true}]}\n`)
        .join('---\n'),
      'ds.yaml',
    ).objects,
  );
  const result = connlist(c);
  t.same(result.warnings, ['pods of ns/ds[DaemonSet] differ in labels, ports or hostNetwork; its connections are the union over its pods']);
  t.same(result.connections.map((x) => `${x.src.name} => ${x.dst.name}`), ['0.0.0.0-255.255.255.255[External] => ns/ds[DaemonSet]', 'ns/ds[DaemonSet] => 0.0.0.0-255.255.255.255[External]']);
});

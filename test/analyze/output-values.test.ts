// No output shows a JavaScript value standing for a missing one (undefined, null, NaN, [object Object]):
// display names of pods with incomplete owner references, nodes (which have no namespace) in every
// connlist format, and the warnings about incomplete policies.
import t from 'tap';
import { FORMATS, FORMAT_NAMES, READINGS, buildCluster, connlist, parseManifests } from '../../tools/analyze/index.ts';

const JS_PLACEHOLDERS = /undefined|\bnull\b|NaN|\[object Object\]/;

const { objects, warnings: readWarnings } = parseManifests(`
kind: Pod
metadata: {name: no-kind-0, namespace: x, labels: {app: a}, ownerReferences: [{name: owner-without-kind, controller: true}]}
---
kind: Pod
metadata: {name: no-name-0, namespace: x, labels: {app: b}, ownerReferences: [{kind: ReplicaSet, controller: true}]}
---
kind: Pod
metadata: {name: empty-kind-0, namespace: x, labels: {app: c}, ownerReferences: [{kind: "", name: empty}]}
---
kind: Pod
metadata: {name: odd-kind-0, namespace: x, labels: {app: d}, ownerReferences: [{kind: 5, name: odd}]}
---
kind: Pod
metadata: {name: label-value-missing, namespace: x, labels: {app: ~}}
---
kind: Node
metadata: {name: bare-node}
---
kind: Node
metadata: {name: node-1}
status: {addresses: [{type: InternalIP, address: 10.9.0.1}]}
---
kind: NetworkPolicy
metadata: {name: incomplete, namespace: x}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - from:
    - ipBlock: {except: [10.0.0.0/8]}
    - podSelector: {matchExpressions: [{operator: Exists}]}
    - podSelector: {matchExpressions: [{key: app}]}
  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
    ports: [{port: 80}]
`, 'odd.yaml');

const cluster = buildCluster(objects);

t.test('display names of pods with incomplete owner references, as netpol-analyzer shows them', async (t) => {
  t.same(readWarnings, []);
  t.same(cluster.pods.map((p) => p.workload), [
    'x/owner-without-kind[Pod]', // the owner's name, kind Pod
    'x/no-name-0[ReplicaSet]', // the pod's name, the owner's kind
    'x/empty[Pod]',
    'x/odd[Pod]', // a kind that is no string is no kind
    'x/label-value-missing[Pod]',
  ]);
  t.same(cluster.pods[4].labels, { app: '' }, 'a null label value is the empty string');
});

t.test('warnings about incomplete policies name what is missing', async (t) => {
  t.same(cluster.warnings, [
    'policy x/incomplete: ipBlock without a cidr; the peer matches nothing',
    "policy x/incomplete: a selector's matchExpressions entry without key; the selector matches nothing",
    "policy x/incomplete: a selector's matchExpressions entry without operator; the selector matches nothing",
  ]);
});

t.test('every format under every reading', async (t) => {
  for (const reading of READINGS) {
    const result = connlist(cluster, { reading });
    t.same(result.warnings, []);
    for (const format of FORMAT_NAMES) {
      const text = await FORMATS[format](result.connections);
      t.ok(text.length > 0, `${reading} ${format}: some output`);
      t.notMatch(text, JS_PLACEHOLDERS, `${reading} ${format}: no placeholder values`);
    }
    const dot = FORMATS.dot(result.connections);
    t.match(dot, /\t"node-1\[Node\]" \[label="node-1\[Node\]" shape=hexagon color=darkgreen\]\n/, `${reading}: a node is drawn outside every namespace`);
    t.match(dot, /\t\t"x\/owner-without-kind\[Pod\]" \[label="owner-without-kind\[Pod\]" shape=ellipse color=blue\]/);
    t.notMatch(dot, /cluster_undefined/);
  }
  for (const warning of cluster.warnings) t.notMatch(warning, JS_PLACEHOLDERS);
});

// The three endpoint kinds (pods, host endpoints, external addresses) under both ipBlock readings:
// every cell of reading x peer kind x peer form, in both directions, with the exact verdict; host
// endpoints as subjects; Node objects; resolvePeer by IP.
import t from 'tap';
import { UserError } from '../../tools/errors.ts';
import { evaluatorFor } from '../../tools/analyze/engine.ts';
import {
  ALL_READINGS, DEFAULT_READING, READINGS, allowedConnections, buildCluster, connlist, explain, parseManifests, resolvePeer,
  type ClusterNode, type Peer, type Pod, type Reading,
} from '../../tools/analyze/index.ts';

const pod = (name: string, labels: string, ip?: string, hostNetwork = false) => `
kind: Pod
metadata: {name: ${name}, namespace: app, labels: {${labels}}}
spec: {${hostNetwork ? 'hostNetwork: true, ' : ''}containers: [{name: c}]}
${ip ? `status: {podIP: ${ip}}` : ''}`;

// For each peer form, `in-FORM` admits TCP 80 from it and `out-FORM` sends TCP 80 to it.
const forms = {
  ipBlock: '[{ipBlock: {cidr: 10.0.0.0/16}}]',
  selector: '[{namespaceSelector: {}, podSelector: {matchLabels: {role: peer}}}]',
  none: '[]',
};
type Form = keyof typeof forms;
const policies = Object.entries(forms).flatMap(([form, peers]) => [`
kind: NetworkPolicy
metadata: {name: in-${form}, namespace: app}
spec:
  podSelector: {matchLabels: {name: in-${form}}}
  ingress: [{from: ${peers}, ports: [{port: 80}]}]`, `
kind: NetworkPolicy
metadata: {name: out-${form}, namespace: app}
spec:
  podSelector: {matchLabels: {name: out-${form}}}
  policyTypes: [Egress]
  egress: [{to: ${peers}, ports: [{port: 80}]}]`]);

const manifests = [
  'kind: Namespace\nmetadata: {name: app}',
  ...Object.keys(forms).flatMap((form) => [pod(`in-${form}`, `name: in-${form}`), pod(`out-${form}`, `name: out-${form}`)]),
  // Every peer below lies in 10.0.0.0/16; p and h both carry the label the selector asks for.
  pod('p', 'role: peer', '10.0.1.20'),
  pod('h', 'role: peer', '10.0.2.1', true),
  'kind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.3.1}, {type: ExternalIP, address: "fd00::3:1"}, {type: Hostname, address: n1}]}',
  ...policies,
].join('\n---\n');

const parsed = parseManifests(manifests, 'endpoints.yaml');
const cluster = buildCluster(parsed.objects);
const peers: Record<'pod' | 'hostNetworkPod' | 'node' | 'external', Peer> = {
  pod: resolvePeer(cluster, 'app/p'),
  hostNetworkPod: resolvePeer(cluster, '10.0.2.1'),
  node: resolvePeer(cluster, '10.0.3.1'),
  external: resolvePeer(cluster, '10.0.9.9'),
};
type PeerKind = keyof typeof peers;

/** Whether each kind of peer is admitted, per reading and peer form. */
const admitted: Record<Reading, Record<Form, Record<PeerKind, boolean>>> = {
  calico: {
    ipBlock: { pod: true, hostNetworkPod: true, node: true, external: true },
    selector: { pod: true, hostNetworkPod: false, node: false, external: false },
    none: { pod: true, hostNetworkPod: true, node: true, external: true },
  },
  cilium: {
    ipBlock: { pod: false, hostNetworkPod: false, node: false, external: true },
    selector: { pod: true, hostNetworkPod: false, node: false, external: false },
    none: { pod: true, hostNetworkPod: true, node: true, external: true },
  },
  // the API as netpol-analyzer reads it: a host-network pod is a pod like any other
  kubernetes: {
    ipBlock: { pod: false, hostNetworkPod: false, node: false, external: true },
    selector: { pod: true, hostNetworkPod: true, node: false, external: false },
    none: { pod: true, hostNetworkPod: true, node: true, external: true },
  },
};

t.test('the model: host-network pods, nodes and their addresses', async (t) => {
  t.same(parsed.warnings, []);
  t.same(cluster.warnings, []);
  const h = peers.hostNetworkPod as Pod;
  t.equal(h.name, 'h');
  t.equal(h.hostNetwork, true);
  t.equal((peers.pod as Pod).hostNetwork, undefined, 'present only when true');
  t.same(cluster.nodes?.map((n) => [n.name, n.display, n.ips.map((a) => a.text)]), [['n1', 'n1[Node]', ['10.0.3.1', 'fd00::3:1']]]);
  t.equal(peers.external, '10.0.9.9');
});

t.test('the readings: the two CNIs, cilium by default, and the API\'s own', async (t) => {
  t.same(READINGS, ['calico', 'cilium']);
  t.same(ALL_READINGS, ['calico', 'cilium', 'kubernetes']);
  t.equal(DEFAULT_READING, 'cilium');
  t.equal(evaluatorFor(cluster), evaluatorFor(cluster, { reading: 'cilium' }));
  t.equal(evaluatorFor(cluster).reading, 'cilium');
  t.throws(() => evaluatorFor(cluster, { reading: 'weave' as Reading }), new UserError('unknown ipBlock reading "weave"; use one of calico, cilium, kubernetes'));
});

for (const reading of ALL_READINGS) {
  for (const form of Object.keys(forms) as Form[]) {
    t.test(`${reading}: a ${form} peer`, async (t) => {
      const [into, outOf] = [resolvePeer(cluster, `app/in-${form}`), resolvePeer(cluster, `app/out-${form}`)];
      for (const kind of Object.keys(peers) as PeerKind[]) {
        const expected = admitted[reading][form][kind] ? 'TCP 80' : 'No Connections';
        t.equal(allowedConnections(cluster, peers[kind], into, { reading }).toString(), expected, `ingress from ${kind}`);
        t.equal(allowedConnections(cluster, outOf, peers[kind], { reading }).toString(), expected, `egress to ${kind}`);
      }
    });
  }
}

t.test('the default reading is cilium in every cell', async (t) => {
  for (const form of Object.keys(forms) as Form[]) {
    for (const kind of Object.keys(peers) as PeerKind[]) {
      const into = resolvePeer(cluster, `app/in-${form}`);
      t.equal(allowedConnections(cluster, peers[kind], into).toString(), admitted.cilium[form][kind] ? 'TCP 80' : 'No Connections', `${form} from ${kind}`);
    }
  }
});

t.test('endpoints say their kind', async (t) => {
  for (const reading of READINGS) {
    const evaluator = evaluatorFor(cluster, { reading });
    t.equal(evaluator.podEndpoint(peers.pod as Pod).kind, 'pod');
    t.same(evaluator.podEndpoint(peers.hostNetworkPod as Pod), { kind: 'host', name: 'app/h[Pod]', addresses: (peers.hostNetworkPod as Pod).ips });
    t.same(evaluator.nodeEndpoint(peers.node as ClusterNode), { kind: 'host', name: 'n1[Node]', addresses: (peers.node as ClusterNode).ips });
  }
  const kinds = new Map(connlist(cluster).connections.flatMap((c) => [c.src, c.dst]).map((p) => [p.name, p.kind]));
  t.equal(kinds.get('app/p[Pod]'), 'pod');
  t.equal(kinds.get('app/h[Pod]'), 'host');
  t.equal(kinds.get('n1[Node]'), 'host');
  t.equal(kinds.get('10.0.0.0-10.0.255.255[External]'), 'external');
});

t.test('host endpoints as subjects: no policy selects them, they are open both ways', async (t) => {
  const c = buildCluster(parseManifests(`
kind: NetworkPolicy
metadata: {name: deny-all, namespace: app}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
kind: NetworkPolicy
metadata: {name: h-only-from-p, namespace: app}
spec:
  podSelector: {matchLabels: {app: h}}
  ingress: [{from: [{podSelector: {matchLabels: {app: p}}}], ports: [{port: 1}]}]
---${pod('h', 'app: h', '10.0.2.1', true)}
---
kind: DaemonSet
metadata: {name: agent, namespace: app}
spec: {template: {metadata: {labels: {app: h}}, spec: {hostNetwork: true, containers: [{name: c}]}}}
---${pod('p', 'app: p', '10.0.1.20')}
---
kind: Node
metadata: {name: n1}
status: {addresses: [{type: InternalIP, address: 10.0.3.1}]}
`, 'hosts.yaml').objects);
  const [h, agent, p] = ['app/h', 'app/agent', 'app/p'].map((name) => resolvePeer(c, name));
  const n1 = resolvePeer(c, 'n1[Node]');
  for (const reading of READINGS) {
    for (const host of [h, agent, n1]) {
      const open = explain(c, host, '192.0.2.1', 443, 'TCP', { reading });
      t.same(open, { allowed: true, egress: { allowed: true, selectedBy: [], matchingRules: [] }, ingress: { allowed: true, selectedBy: [], matchingRules: [] } });
      t.equal(allowedConnections(c, '192.0.2.1', host, { reading }).toString(), 'All Connections');
      t.same(explain(c, host, p, 1, 'TCP', { reading }).ingress, { allowed: false, selectedBy: ['app/deny-all'], matchingRules: [] }, 'the pod is isolated');
      t.same(explain(c, p, host, 1, 'TCP', { reading }).egress, { allowed: false, selectedBy: ['app/deny-all'], matchingRules: [] });
    }
    t.equal(allowedConnections(c, h, n1, { reading }).toString(), 'All Connections');
    t.equal(allowedConnections(c, n1, agent, { reading }).toString(), 'All Connections');
  }
  t.same(
    connlist(c).connections.map((x) => `${x.src.name} => ${x.dst.name} : ${x.connections}`),
    [
      '0.0.0.0-255.255.255.255[External] => app/agent[DaemonSet] : All Connections',
      '0.0.0.0-255.255.255.255[External] => app/h[Pod] : All Connections',
      '0.0.0.0-255.255.255.255[External] => n1[Node] : All Connections',
      'app/agent[DaemonSet] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'app/agent[DaemonSet] => app/h[Pod] : All Connections',
      'app/agent[DaemonSet] => n1[Node] : All Connections',
      'app/h[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'app/h[Pod] => app/agent[DaemonSet] : All Connections',
      'app/h[Pod] => n1[Node] : All Connections',
      'n1[Node] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'n1[Node] => app/agent[DaemonSet] : All Connections',
      'n1[Node] => app/h[Pod] : All Connections',
    ],
  );
});

t.test('named ports resolve against pods only', async (t) => {
  const c = buildCluster(parseManifests(`
kind: NetworkPolicy
metadata: {name: out, namespace: app}
spec:
  podSelector: {matchLabels: {app: s}}
  policyTypes: [Egress]
  egress: [{ports: [{port: http}, {port: 9090}]}]
---${pod('s', 'app: s')}
---
kind: Pod
metadata: {name: web, namespace: app}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
kind: Pod
metadata: {name: hweb, namespace: app}
spec: {hostNetwork: true, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
`, 'named.yaml').objects);
  const s = resolvePeer(c, 'app/s');
  t.equal(allowedConnections(c, s, resolvePeer(c, 'app/web')).toString(), 'TCP 8080,9090');
  t.equal(allowedConnections(c, s, resolvePeer(c, 'app/hweb')).toString(), 'TCP 9090');
  t.equal(allowedConnections(c, s, '192.0.2.1').toString(), 'TCP 9090');
});

t.test('resolvePeer: a node or host-network IP is that host, any other IP external', async (t) => {
  const n1 = cluster.nodes![0];
  t.equal(resolvePeer(cluster, '10.0.3.1'), n1, 'a node InternalIP');
  t.equal(resolvePeer(cluster, 'fd00:0:0:0:0:0:3:1'), n1, 'a node ExternalIP, in any notation');
  t.equal(resolvePeer(cluster, 'n1'), n1, "a node's name");
  t.equal(resolvePeer(cluster, 'n1[Node]'), n1, "a node's display name");
  t.equal((resolvePeer(cluster, '10.0.2.1') as Pod).name, 'h', "a host-network pod's IP");
  t.equal(resolvePeer(cluster, '10.0.1.20'), '10.0.1.20', 'the IP of a pod on the pod network is no way to name it');
  t.equal(resolvePeer(cluster, '10.0.9.9'), '10.0.9.9', 'any other IP is external');
  t.equal((resolvePeer(cluster, 'app/p') as Pod).name, 'p');
  t.equal((resolvePeer(cluster, 'app/h[Pod]') as Pod).name, 'h');
  t.throws(() => resolvePeer(cluster, 'n2'), new UserError('no pod "n2" (namespace/name) or node (name) in the manifests and not an IP address'));
  // The same address on a node and a host-network pod of it: the node.
  const shared = buildCluster(parseManifests(`${pod('dns', 'app: dns', '10.0.3.1', true)}\n---\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.3.1}]}`, 's.yaml').objects);
  t.equal(resolvePeer(shared, '10.0.3.1'), shared.nodes![0]);
  // An IP as text, not resolved, is an external address: an ipBlock admits it under cilium.
  t.equal(allowedConnections(cluster, '10.0.3.1', resolvePeer(cluster, 'app/in-ipBlock')).toString(), 'TCP 80');
  t.equal(allowedConnections(cluster, resolvePeer(cluster, '10.0.3.1'), resolvePeer(cluster, 'app/in-ipBlock')).toString(), 'No Connections');
});

t.test('Node objects: addresses of status.addresses, warnings for bad ones, none without status', async (t) => {
  const c = buildCluster(parseManifests(`
kind: Node
metadata: {name: a}
status: {addresses: [{type: InternalIP, address: 10.0.0.1}, {type: InternalIP, address: 10.0.0.1}, {type: ExternalIP, address: not-an-ip}, {type: InternalDNS, address: a.local}, {type: InternalIP}]}
---
kind: Node
metadata: {name: b}
`, 'nodes.yaml').objects);
  t.same(c.nodes?.map((n) => [n.display, n.ips.map((a) => a.text)]), [['a[Node]', ['10.0.0.1']], ['b[Node]', []]]);
  t.same(c.warnings, ['node a: status address "not-an-ip" is not an IP address; ignored']);
  t.equal(c.namespaces.size, 0, 'nodes live in no namespace');
});

// The contract's evaluation is fast because it shares verdicts between permutations (by interned ids) and
// prepares once per projection of the values; these tests hold it to the analyzer's own answers, and the
// condition language to its documented meaning.
import t from 'tap';
import { READINGS, allowedConnections, buildCluster, parseManifests, type Peer } from '../../tools/analyze/index.ts';
import { valuesFor } from '../../tools/render/values.ts';
import {
  ValuesReader, checkContract, checkContractDocuments, contractConnections, documentsOf, evaluateContract, istioRuns, resetContractCaches,
  topologyFor, type ContractPeer,
} from '../../tools/contract/index.ts';
import { compileConditions } from '../../tools/contract/spec.ts';
import { ISTIO_API, NO_ISTIO_API, landscape, landscapes, mutate, render, restricted, tempFile } from './helpers.ts';

t.test('the memoized connections equal the analyzer\'s for every pair of every landscape, under both readings', async (t) => {
  for (const [name, files] of [...landscapes().map((n) => [n, landscape(n)] as const), ['restricted', restricted()] as const]) {
    const manifests = await render(files);
    const values = valuesFor(files);
    const topology = topologyFor(values, NO_ISTIO_API);
    const cluster = buildCluster([...topology.objects, ...parseManifests(manifests, 'rendered').objects]);
    const peerOf = (p: ContractPeer): Peer => (p.pod ? cluster.pods.find((x) => x.namespace === p.pod!.namespace && x.name === p.pod!.name)!
      : p.node ? cluster.nodes!.find((x) => x.name === p.node!.name)! : p.address);
    let compared = 0;
    const differ: string[] = [];
    for (const reading of READINGS) {
      const fast = contractConnections(documentsOf(manifests), values, NO_ISTIO_API, reading);
      for (const s of topology.peers) for (const d of topology.peers) {
        const key = `${s.key} → ${d.key}`;
        if (!fast.has(key)) continue;
        compared++;
        const slow = allowedConnections(cluster, peerOf(s), peerOf(d), { reading }).toString();
        if (slow !== fast.get(key)) differ.push(`${reading} ${key}: ${slow} != ${fast.get(key)}`);
      }
    }
    t.same(differ.slice(0, 5), [], `${name}: ${compared} pairs agree`);
  }
});

t.test('cached and uncached verdicts agree; a second helm version\'s identical render is a cache hit', async (t) => {
  const files = landscape('gardener-zero-trust');
  const values = valuesFor(files);
  const wrong = mutate(await render(files), 'otlp-gateway', (s) => { s.ingress[0].from = [{ namespaceSelector: {}, podSelector: {} }]; });
  // the cached answers first (caches warmed by the other tests), then the same evaluated from cold caches
  const cached = checkContract(wrong, values, NO_ISTIO_API);
  t.same(checkContractDocuments(documentsOf(wrong), values, NO_ISTIO_API), cached);
  resetContractCaches();
  const uncached = evaluateContract(wrong, values, NO_ISTIO_API).failures;
  t.ok(uncached.length > 0);
  t.same(cached, uncached);
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) checkContractDocuments(documentsOf(wrong), values, NO_ISTIO_API);
  t.ok((performance.now() - t0) / 100 < 5, 'warm: a lookup');
});

t.test('the caches key on every value the contract reads: values that differ late are told apart', async (t) => {
  // the same render checked for two values trees that differ only in a key read by one flow's condition
  const files = landscape('gardener');
  const manifests = await render(files);
  t.same(checkContract(manifests, valuesFor(files), NO_ISTIO_API), []);
  const narrowed = [...files, tempFile('rma: {namespaces: [rma]}\n')];
  t.ok(checkContract(manifests, valuesFor(narrowed), NO_ISTIO_API).some((f) => f.startsWith('forbidden flow rma-outside-namespace-denied ')),
    'rma.namespaces set: the render that ignores it fails');
  t.same(checkContract(manifests, valuesFor(files), NO_ISTIO_API), [], 'and the first values still hold');
  t.ok(checkContract(manifests, valuesFor(files), ISTIO_API).length > 0, 'the facts are part of the key');
});

t.test('the condition language', async (t) => {
  const fail = (d: string): never => { throw new Error(d); };
  const holds = (when: unknown, values: object, facts = NO_ISTIO_API) => compileConditions(when, fail)(new ValuesReader(values, facts));
  const v = { platform: 'gardener', istio: { enabled: 'auto' }, rma: { namespaces: ['rma'] }, backends: { logs: { ports: [443] } } };
  t.ok(holds({ platform: 'gardener' }, v));
  t.notOk(holds({ platform: 'kubernetes' }, v));
  t.ok(holds({ 'rma.namespaces': 'nonEmpty', 'backends.logs.ports': ['contains 443', 'lacks 22'] }, v));
  t.ok(holds({ 'backends.traces.cidrs': 'empty' }, v), 'an absent key is empty');
  t.ok(holds({ anyOf: [{ platform: 'kubernetes' }, { 'rma.namespaces': 'nonEmpty' }] }, v));
  t.notOk(holds({ allOf: [{ platform: 'gardener' }, { not: { platform: 'gardener' } }] }, v));
  t.ok(holds({ 'capabilities.istioApi': true }, v, ISTIO_API), 'capabilities.* reads the facts');
  t.notOk(holds({ istio: true }, v), 'auto without the API: no Istio');
  t.ok(holds({ istio: true }, v, ISTIO_API), 'auto with the API: Istio');
  t.ok(holds({ istio: true }, { istio: { enabled: true } }), 'true: Istio whatever the cluster serves');
  t.notOk(holds({ istio: true }, { istio: { enabled: false } }, ISTIO_API), 'false: no Istio whatever the cluster serves');
  t.notOk(istioRuns(new ValuesReader({ istio: { enabled: 'true' } }, ISTIO_API)), 'the string "true" is no switch');
  t.throws(() => compileConditions({ istio: 'yes' }, fail), /unknown condition/);
  t.throws(() => compileConditions({ platform: { a: 1 } }, fail), /unknown condition/);
  const reader = new ValuesReader(v, NO_ISTIO_API);
  const { keys } = reader.track(() => compileConditions({ istio: true }, fail)(reader));
  t.same([...keys].sort(), ['capabilities.istioApi', 'istio.enabled'], 'the reader records what a condition read');
});

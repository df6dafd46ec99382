// The defaults, every landscape of values/ and a spread of permutations hold the contract under both readings
// (the `check` command's own tests are in check-command.test.ts); the contract data obeys its own rules and is
// never derived from the model.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { valuesFor } from '../../tools/render/values.ts';
import { contractVerdicts, evaluateContract, loadContract } from '../../tools/contract/index.ts';
import { contractBenchmark } from '../../tools/contract/bench.ts';
import { ISTIO_API, NO_ISTIO_API, landscape, landscapes, render, restricted, root } from './helpers.ts';

for (const name of landscapes()) {
  t.test(`the contract holds: ${name}`, async (t) => {
    const files = landscape(name);
    const result = evaluateContract(await render(files), valuesFor(files), NO_ISTIO_API);
    t.same(result.failures, [], name);
    t.ok(result.stats.required > 20 && result.stats.forbidden > 8, `${result.stats.flows} flows in force`, result.stats);
  });
}

t.test('the contract holds: every address named (plain Kubernetes, zero trust, restricted backends)', async (t) => {
  const files = restricted();
  t.same(evaluateContract(await render(files), valuesFor(files), NO_ISTIO_API).failures, []);
});

t.test('istio.enabled auto: the sidecar flows follow the cluster facts', async (t) => {
  const files = landscape('gardener');
  const withApi = await render(files, ISTIO_API);
  t.same(evaluateContract(withApi, valuesFor(files), ISTIO_API).failures, [], 'auto with an *.istio.io API: Istio flows rendered and required');
  t.ok(contractVerdicts(withApi, valuesFor(files), ISTIO_API, 'sidecars-to-istiod').length > 0, 'sidecars-to-istiod in force');
  t.same(contractVerdicts(await render(files), valuesFor(files), NO_ISTIO_API, 'sidecars-to-istiod'), [], 'not in force without the API');
});

t.test('the contract data: every flow cites its source, peers are known, kinds are stated', async (t) => {
  const spec = loadContract();
  t.ok(spec.flows.length > 60);
  t.ok(spec.flows.every((f) => f.source.length > 20), 'every flow cites its source');
  t.ok(spec.topology.peers.every((p) => ['pod', 'host', 'outside'].includes(p.kind)), 'every peer says what it is');
  for (const kind of ['pod', 'host', 'outside']) t.ok(spec.topology.peers.some((p) => p.kind === kind), `a ${kind} peer`);
  for (const expect of ['required', 'forbidden', 'allowed']) t.ok(spec.flows.some((f) => f.expect === expect), `${expect} flows`);

  const copy = (flows: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-data-'));
    copyFileSync(join(root, 'test', 'contract', 'topology.yaml'), join(dir, 'topology.yaml'));
    writeFileSync(join(dir, 'flows.yaml'), flows);
    return dir;
  };
  t.throws(() => loadContract(copy('flows:\n  - {id: x, source: "tm somewhere", from: managr, to: selfMonitor, ports: [9090], expect: required}\n')),
    { name: 'UserError', message: /flows\[0\] x: unknown peer or group 'managr'/ });
  t.throws(() => loadContract(copy('flows:\n  - {id: y, source: "tm somewhere", from: manager, to: selfMonitor, ports: [9090], expect: required, when: {istio: sometimes}}\n')),
    { name: 'UserError', message: /flows\[0\] y: unknown condition 'istio: "sometimes"'/ });
  t.throws(() => loadContract(copy('flows:\n  - {id: z, source: "tm somewhere", from: manager, to: selfMonitor, ports: [9090], expect: required, readings: [kubernetes]}\n')),
    { name: 'UserError', message: /unknown reading 'kubernetes' \(expected calico or cilium\)/ });
  t.throws(() => loadContract(copy('flows:\n  - {id: w, source: "tm somewhere", from: manager, to: selfMonitor, ports: any, expect: required}\n')),
    { name: 'UserError', message: /needs `probe` ports/ });
  t.doesNotThrow(() => loadContract(copy('flows:\n  - {id: v, source: "tm somewhere", from: manager, to: selfMonitor, ports: [9090], expect: required, when: {platform: sometimes maybe}}\n')),
    'a plain value is an equality condition');
});

t.test('the contract never reads the model; no machine paths in its files', async (t) => {
  const code = join(root, 'tools', 'contract');
  for (const f of readdirSync(code).filter((f) => f.endsWith('.ts') && f !== 'bench.ts')) {
    t.notMatch(readFileSync(join(code, f), 'utf8'), /from '[./]*\/?model\//, `${f} does not import tools/model`);
  }
  const data = join(root, 'test', 'contract');
  for (const f of readdirSync(data).filter((f) => /\.(ya?ml|md)$/.test(f))) {
    t.notMatch(readFileSync(join(data, f), 'utf8'), /(^|[\s'"(`])\/(work|home|tmp|Users)\//m, `${f} names no absolute path`);
  }
});

// the contract over a sample of the space is the permutation run's (test/report/permutations.test.ts); here the
// benchmark's own path, on a few permutations
t.test('the contract benchmark checks a spread of permutations (rendered with their cluster facts)', async (t) => {
  const r = await contractBenchmark({ count: 24, rounds: 1 });
  t.ok(r.permutations > 5, `${r.permutations} permutations checked`);
  t.same(r.failed.map((f) => ({ index: f.index, first: f.failures[0] })), []);
  t.comment(`contract: ${r.coldMs} ms per permutation cold, ${r.warmMs} ms warm`);
});

// connlist on 1,000 workloads and 500 policies must finish in seconds (the bound here is generous
// for slow CI machines; `npx tsx tools/analyze/bench/run.ts` prints the figures).
import t from 'tap';
import { connlist } from '../../tools/analyze/connlist.ts';
import { syntheticCluster, syntheticManifests } from '../../tools/analyze/bench/synthetic.ts';

t.test('the generator is deterministic per seed', async (t) => {
  t.same(syntheticManifests(50, 20, 7), syntheticManifests(50, 20, 7));
  t.notSame(syntheticManifests(50, 20, 7), syntheticManifests(50, 20, 8));
});

t.test('1,000 workloads and 500 policies', async (t) => {
  const started = performance.now();
  const cluster = syntheticCluster(1000, 500, 1);
  const { connections } = connlist(cluster);
  const seconds = (performance.now() - started) / 1000;
  t.comment(`${connections.length} connections in ${seconds.toFixed(1)} s`);
  t.equal(new Set(cluster.pods.map((p) => p.workload)).size, 1000);
  t.ok(connections.length > 0);
  t.ok(seconds < 30, `finished in ${seconds.toFixed(1)} s (bound 30 s)`);
});

// Measures connlist on a synthetic cluster: `npx tsx tools/analyze/bench/run.ts [workloads] [policies] [seed]`.
import { connlist } from '../connlist.ts';
import { formatTxt } from '../format/txt.ts';
import { syntheticCluster } from './synthetic.ts';

const [workloads = 1000, policies = 500, seed = 1] = process.argv.slice(2).map(Number);
const started = performance.now();
const cluster = syntheticCluster(workloads, policies, seed);
const built = performance.now();
const { connections } = connlist(cluster);
const listed = performance.now();
const text = formatTxt(connections);
const formatted = performance.now();
console.log(
  `${workloads} workloads, ${policies} policies: build ${(built - started).toFixed(0)} ms, connlist ${(listed - built).toFixed(0)} ms, ` +
    `txt ${(formatted - listed).toFixed(0)} ms; ${connections.length} connections, ${(text.length / 1e6).toFixed(1)} MB`,
);

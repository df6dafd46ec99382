// Every rule, port and peer of a render matters to the contract: dropping any one of them fails `check`,
// except where the render holds the same connection twice (the equivalent mutants listed here).
import t from 'tap';
import { dump, loadAll } from 'js-yaml';
import { failures, landscape, render } from './helpers.ts';

/** Labels of the single-element removals (rule, port, peer) whose render the contract does not fail. */
async function survivors(name: string): Promise<string[]> {
  const files = landscape(name);
  const docs = loadAll(await render(files)).filter(Boolean) as any[];
  const out: string[] = [];
  const check = (label: string, mutated: any[]) => {
    if (!failures(mutated.map((d) => dump(d)).join('---\n'), files).length) out.push(label);
  };
  for (const [di, d] of docs.entries()) {
    const policy = d.metadata.name.replace('kyma-project.io--telemetry-', '');
    for (const dir of ['ingress', 'egress'] as const) {
      for (const [ri, r] of (d.spec[dir] ?? []).entries()) {
        const c = structuredClone(docs);
        c[di].spec[dir].splice(ri, 1);
        check(`${policy} ${dir}[${ri}]`, c);
        for (const [pi, p] of (r.ports ?? []).entries()) {
          const c2 = structuredClone(docs);
          c2[di].spec[dir][ri].ports.splice(pi, 1);
          if (c2[di].spec[dir][ri].ports.length) check(`${policy} ${dir}[${ri}] port ${p.port}/${p.protocol}`, c2);
        }
        for (const pi of (r.to ?? r.from ?? []).keys()) {
          const c3 = structuredClone(docs);
          const peers = c3[di].spec[dir][ri].to ?? c3[di].spec[dir][ri].from;
          peers.splice(pi, 1);
          if (peers.length) check(`${policy} ${dir}[${ri}] peer ${pi}`, c3);
        }
      }
    }
  }
  return out;
}

t.test('zero trust: every removal is caught', async (t) => {
  t.same(await survivors('zero-trust'), []);
});

t.test('phase 1: only the redundant rules survive', async (t) => {
  t.same(await survivors('defaults'), [
    // the self-monitor carries the scraping label, so with rma.namespaces empty the RMA rule admits it too
    'fluent-bit ingress[0]', 'log-agent ingress[0]', 'log-gateway ingress[1]', 'metric-agent ingress[0]',
    // the metric backends rule (any address, any port) already reaches the kubelet
    'metric-agent egress[1]', 'metric-agent egress[1] peer 0', 'metric-agent egress[1] peer 1',
    'metric-gateway ingress[1]', 'trace-gateway ingress[1]',
  ]);
});

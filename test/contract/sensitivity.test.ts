// Every rule, port and peer of a landscape's render matters to the contract: removing any one of them fails it,
// except where the render holds the same connection twice. Each such survivor is shown equivalent (the same
// connections between every pair of topology peers under both readings) and listed here with its reason.
import t from 'tap';
import { dump, loadAll } from 'js-yaml';
import { READINGS } from '../../tools/analyze/index.ts';
import { valuesFor } from '../../tools/render/values.ts';
import { contractConnections, documentsOf } from '../../tools/contract/index.ts';
import { NO_ISTIO_API, failures, landscape, render } from './helpers.ts';

const tap = t;

/** The single-element removals (rule, port, peer) the contract does not fail, each checked for equivalence. */
async function survivors(t: { ok: typeof tap.ok }, name: string): Promise<string[]> {
  const files = landscape(name);
  const values = valuesFor(files);
  const docs = loadAll(await render(files)).filter(Boolean) as any[];
  const text = (d: any[]) => d.map((x) => dump(x)).join('---\n');
  const original = READINGS.map((r) => contractConnections(documentsOf(text(docs)), values, NO_ISTIO_API, r));
  const out: string[] = [];
  const check = (label: string, mutated: any[]) => {
    if (failures(text(mutated), files).length) return;
    out.push(label);
    const same = READINGS.every((r, i) => {
      const mutant = contractConnections(documentsOf(text(mutated)), values, NO_ISTIO_API, r);
      return [...original[i]].every(([pair, conns]) => mutant.get(pair) === conns);
    });
    t.ok(same, `${name}: ${label} survives and changes no connection between topology peers`);
  };
  for (const [di, d] of docs.entries()) {
    const policy = d.metadata.name.replace('kyma-project.io--telemetry-netpol-', '');
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

// Phase 1 with rma.namespaces empty: the self-monitor carries the scraping label, so the RMA rule admits it
// to the agents' and gateways' metrics too; the metric backends rule (every address, every port) already
// reaches the kubelet and the workloads; each of the OTLP gateway's three backend rules admits everything.
const phase1 = [
  'fluent-bit ingress[0]', 'log-agent ingress[0]', 'metric-agent ingress[0]', 'metric-agent egress[1]', 'metric-agent egress[2]',
  'otlp-gateway ingress[1]', 'otlp-gateway egress[0]', 'otlp-gateway egress[1]', 'otlp-gateway egress[2]',
];
const expected: Record<string, string[]> = {
  defaults: phase1,
  // the log and metric backends on 443: the API server rule admits 443 to every peer on Gardener (the
  // landscape's own comment says so)
  'gardener-zero-trust': ['fluent-bit egress[0]', 'log-agent egress[0]', 'metric-agent egress[0]', 'otlp-gateway egress[0]', 'otlp-gateway egress[1]'],
  gardener: phase1,
  // no webhook caller on plain Kubernetes: 9443 from every peer covers the self-monitor's alerts
  kubernetes: ['fluent-bit ingress[0]', 'log-agent ingress[0]', 'manager ingress[1]', 'metric-agent ingress[0]', 'metric-agent egress[1]',
    'metric-agent egress[2]', 'otlp-gateway ingress[1]', 'otlp-gateway egress[0]', 'otlp-gateway egress[1]', 'otlp-gateway egress[2]'],
  // RMA from its own namespace; the exporters' every-port backend rules reach istiod, the kubelet and the workloads
  istio: ['fluent-bit egress[1]', 'log-agent egress[1]', 'metric-agent egress[1]', 'metric-agent egress[2]', 'metric-agent egress[3]',
    'otlp-gateway egress[0]', 'otlp-gateway egress[1]', 'otlp-gateway egress[2]', 'otlp-gateway egress[3]'],
  // the log backend on 443 is open by the API server rule; the rest as in phase 1
  'fluent-bit-only': ['fluent-bit ingress[0]', 'fluent-bit egress[0]', 'metric-agent ingress[0]', 'metric-agent egress[1]', 'metric-agent egress[2]',
    'otlp-gateway ingress[1]', 'otlp-gateway egress[0]', 'otlp-gateway egress[1]', 'otlp-gateway egress[2]'],
  // one backend rule per gateway: no redundancy there
  'per-signal-gateways': ['fluent-bit ingress[0]', 'log-agent ingress[0]', 'log-gateway ingress[1]', 'metric-agent ingress[0]', 'metric-agent egress[1]',
    'metric-agent egress[2]', 'metric-gateway ingress[1]', 'trace-gateway ingress[1]'],
};

for (const [name, list] of Object.entries(expected)) {
  t.test(`${name}: every removal is caught but the redundant ones`, async (t) => {
    t.same(await survivors(t, name), list);
  });
}

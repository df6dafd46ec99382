// Shared by the contract tests: render a landscape once, hand-edit its policies, check the result.
import { join } from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { resolveHelm } from '../../tools/render/helm.ts';
import { renderChart } from '../../tools/render/render.ts';
import { valuesFor } from '../../tools/render/values.ts';
import { evaluateContract, type Facts } from '../../tools/contract/index.ts';
import { tempFile } from '../helpers/files.ts';

export const root = join(import.meta.dirname, '..', '..');
export const NO_ISTIO_API: Facts = { istioApi: false };
export const ISTIO_API: Facts = { istioApi: true };

export { landscape, landscapes } from '../helpers/landscapes.ts';
export { tempFile };

const renders = new Map<string, string>();
/** `helm template` (Helm 4) of the values files, for a cluster with the facts; cached. */
export async function render(files: string[], facts: Facts = NO_ISTIO_API): Promise<string> {
  const key = `${files.join('\0')}\0${facts.istioApi}`;
  if (!renders.has(key)) renders.set(key, await renderChart(await resolveHelm(4), { valuesFiles: files, facts }));
  return renders.get(key)!;
}


export const policyName = (suffix: string) => `kyma-project.io--telemetry-netpol-${suffix}`;
type Policy = { metadata: { name: string }; spec: any };

/** The rendered documents with `edit` applied to the policy named kyma-project.io--telemetry-netpol-<suffix>. */
export function mutate(manifests: string, suffix: string, edit: (spec: any) => void): string {
  const docs = loadAll(manifests).filter(Boolean) as Policy[];
  const policy = docs.find((d) => d.metadata.name === policyName(suffix));
  if (!policy) throw new Error(`no policy ${suffix}`);
  edit(policy.spec);
  return docs.map((d) => dump(d, { lineWidth: -1 })).join('---\n');
}

/** Removes the policy named kyma-project.io--telemetry-netpol-<suffix>. */
export function drop(manifests: string, suffix: string): string {
  const docs = (loadAll(manifests).filter(Boolean) as Policy[]).filter((d) => d.metadata.name !== policyName(suffix));
  return docs.map((d) => dump(d, { lineWidth: -1 })).join('---\n');
}

/** The contract's failures (uncached) for manifests checked against the values of `files` and the facts. */
export function failures(manifests: string, files: string[], facts: Facts = NO_ISTIO_API): string[] {
  return evaluateContract(manifests, valuesFor(files), facts).failures;
}

/** Whether a failure of the flow is among them (a required flow denied or a forbidden flow allowed). */
export const names = (found: string[], id: string) => found.some((f) => f.startsWith(`required flow ${id} `) || f.startsWith(`forbidden flow ${id} `));

/** Index of the rule whose peers, ports or comment mention `text` (by JSON of the rule). */
export function ruleWith(rules: any[], text: string): number {
  const i = rules.findIndex((r) => JSON.stringify(r).includes(text));
  if (i < 0) throw new Error(`no rule with ${text}`);
  return i;
}

/**
 * A landscape that names every address: plain Kubernetes with a managed API server and webhook callers outside
 * the cluster, and every backend by CIDR, port and in-cluster entry (the permutations' `restricted` backends).
 */
const restrictedFile = tempFile(`platform: kubernetes
dns: { nodeLocal: false }
apiServer: { cidrs: [203.0.113.16/28, "2001:db8:ffff::/64"], ports: [443] }
webhooks: { callers: { pods: [], cidrs: [203.0.113.32/28] } }
zeroTrust: { enabled: true }
rma: { namespaces: [rma] }
otlp: { namespaces: [shop] }
scrapeTargets: { namespaces: [shop] }
backends:
  logs: { cidrs: [198.51.100.0/24, "2001:db8:100::/48"], ports: [4317, 9200], inCluster: [{ namespace: logs-backend, podLabels: { app.kubernetes.io/name: logs-store }, ports: [4317] }] }
  metrics: { cidrs: [198.51.100.0/24, "2001:db8:100::/48"], ports: [4317, 9200], inCluster: [{ namespace: metrics-backend, podLabels: { app.kubernetes.io/name: metrics-store }, ports: [4317] }] }
  traces: { cidrs: [198.51.100.0/24, "2001:db8:100::/48"], ports: [4317, 9200], inCluster: [{ namespace: traces-backend, podLabels: { app.kubernetes.io/name: traces-store }, ports: [4317] }] }
`);
/** written once: renders are cached by file path */
export const restricted = () => [restrictedFile];

// Renders the chart with the real helm. Arguments go to helm as an array: nothing is quoted by hand.
import { $ } from 'zx';
import { defaultReleaseName, istioApiVersion, type ClusterFacts } from '../model/index.ts';
import { chartDir } from '../paths.ts';
import type { Helm } from './helm.ts';

export const releaseName = defaultReleaseName;

/** Helm's split of a template's output into documents (releaseutil.SplitManifests): trimmed, empty ones dropped. */
export function splitHelmDocuments(text: string): string[] {
  return text.trim().split(/(?:^|\s*\n)---\s*/).map((d) => d.trim()).filter(Boolean);
}

/**
 * A key path in one spelling, `backends.logs.cidrs.0`: Helm 3 prints `backends.logs.cidrs.0`, Helm 4 a JSON
 * pointer `/backends/logs/cidrs/0` (`~1` for a `/` in a key), the chart's own messages `backends.logs.cidrs[0]`.
 */
export function normalizeKeyPaths(text: string): string {
  return text.replace(/~1/g, '/').replace(/~0/g, '~').replace(/\[(\d+)\]/g, '.$1').replace(/\//g, '.').replace(/^\./, '');
}
export const defaultNamespace = 'kyma-system';

export class RenderFailed extends Error {
  constructor(readonly helm: Helm, readonly valuesFiles: string[], readonly stderr: string) {
    super(`helm ${helm.version} rejected ${valuesFiles.join(', ') || 'the defaults'}:\n${stderr.trim()}`);
  }
}

export interface RenderOptions {
  valuesFiles?: string[];
  namespace?: string;
  chart?: string;
  /** what the cluster serves (`--api-versions`); none by default, as `helm template` without a cluster */
  facts?: ClusterFacts;
  /** the release name (default: telemetry-netpol) */
  release?: string;
}

/** helm's flags for what the cluster serves (`--api-versions`). */
export const capabilityArgs = (facts?: ClusterFacts) => (facts?.istioApi ? ['--api-versions', istioApiVersion] : []);

const quiet = $({ quiet: true, nothrow: true });

/** `helm template` output for the given values files; throws RenderFailed with helm's message. */
export async function renderChart(helm: Helm, opts: RenderOptions = {}): Promise<string> {
  const files = opts.valuesFiles ?? [];
  const args = ['template', opts.release ?? releaseName, opts.chart ?? chartDir, '--namespace', opts.namespace ?? defaultNamespace,
    ...files.flatMap((f) => ['--values', f]), ...capabilityArgs(opts.facts)];
  const out = await quiet`${helm.bin} ${args}`;
  if (out.exitCode !== 0) throw new RenderFailed(helm, files, out.stderr);
  return out.stdout;
}

/** `helm lint --strict` (which takes no --api-versions); returns helm's output, throws RenderFailed when lint fails. */
export async function lintChart(helm: Helm, opts: RenderOptions = {}): Promise<string> {
  const files = opts.valuesFiles ?? [];
  const args = ['lint', '--strict', opts.chart ?? chartDir, '--namespace', opts.namespace ?? defaultNamespace,
    ...files.flatMap((f) => ['--values', f])];
  const out = await quiet`${helm.bin} ${args}`;
  if (out.exitCode !== 0) throw new RenderFailed(helm, files, out.stdout + out.stderr);
  return out.stdout;
}

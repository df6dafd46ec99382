// Renders the chart with the real helm. Arguments go to helm as an array: nothing is quoted by hand.
import { $ } from 'zx';
import { chartDir } from '../paths.ts';
import type { Helm } from './helm.ts';

export const releaseName = 'telemetry-netpol';

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
}

const quiet = $({ quiet: true, nothrow: true });

/** `helm template` output for the given values files; throws RenderFailed with helm's message. */
export async function renderChart(helm: Helm, opts: RenderOptions = {}): Promise<string> {
  const files = opts.valuesFiles ?? [];
  const args = ['template', releaseName, opts.chart ?? chartDir, '--namespace', opts.namespace ?? defaultNamespace,
    ...files.flatMap((f) => ['--values', f])];
  const out = await quiet`${helm.bin} ${args}`;
  if (out.exitCode !== 0) throw new RenderFailed(helm, files, out.stderr);
  return out.stdout;
}

/** `helm lint --strict`; returns helm's output, throws RenderFailed when lint fails. */
export async function lintChart(helm: Helm, opts: RenderOptions = {}): Promise<string> {
  const files = opts.valuesFiles ?? [];
  const args = ['lint', '--strict', opts.chart ?? chartDir, '--namespace', opts.namespace ?? defaultNamespace,
    ...files.flatMap((f) => ['--values', f])];
  const out = await quiet`${helm.bin} ${args}`;
  if (out.exitCode !== 0) throw new RenderFailed(helm, files, out.stdout + out.stderr);
  return out.stdout;
}

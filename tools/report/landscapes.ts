// The landscape check of `make verify`: the defaults and every file in values/ must pass `helm lint --strict`
// on Helm 3 and Helm 4, render identically on both, and pass every check on the rendered output and the
// flow contract.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import { resolveHelm } from '../render/helm.ts';
import { lintChart, renderChart, RenderFailed } from '../render/render.ts';
import { checkContract } from '../contract/index.ts';
import { noClusterFacts } from '../model/index.ts';
import { valuesFor } from '../render/values.ts';
import { RenderedChecker } from '../validate/rendered.ts';

export interface Landscape { name: string; files: string[] }

export function landscapes(): Landscape[] {
  const dir = join(projectRoot, 'values');
  return [
    { name: 'defaults', files: [] },
    ...readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({ name: `values/${f}`, files: [join(dir, f)] })),
  ];
}

const checker = new RenderedChecker();

export interface LandscapeResult { name: string; problems: string[]; exceptionsUsed: string[] }

export async function checkLandscape(l: Landscape): Promise<LandscapeResult> {
  const helms = [await resolveHelm(4), await resolveHelm(3)];
  const problems: string[] = [];
  const renders: string[] = [];
  for (const helm of helms) {
    try {
      await lintChart(helm, { valuesFiles: l.files });
      renders.push(await renderChart(helm, { valuesFiles: l.files }));
    } catch (err) {
      if (!(err instanceof RenderFailed)) throw err;
      problems.push(err.message);
    }
  }
  if (renders.length === 2 && renders[0] !== renders[1]) problems.push('Helm 3 and Helm 4 render different output');
  if (renders.length === 0) return { name: l.name, problems, exceptionsUsed: [] };
  // rendered as `helm template` does, without a cluster: no Istio API (istio.yaml states istio.enabled true)
  const values = valuesFor(l.files);
  const checked = checker.check(renders[0], values, noClusterFacts);
  const contract = checkContract(renders[0], values, noClusterFacts);
  return { name: l.name, problems: [...problems, ...checked.problems, ...contract], exceptionsUsed: checked.exceptionsUsed };
}

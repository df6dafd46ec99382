// Shared by the chart tests: both helm majors, resolved once.
import { resolveHelm, type Helm } from '../../tools/render/helm.ts';

export async function bothHelms(): Promise<Helm[]> {
  return [await resolveHelm(4), await resolveHelm(3)];
}

export { normalizeKeyPaths } from '../../tools/render/render.ts';

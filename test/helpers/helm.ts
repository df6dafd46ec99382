// Shared by the chart tests: both helm majors, resolved once.
import { resolveHelm, type Helm } from '../../tools/render/helm.ts';

export async function bothHelms(): Promise<Helm[]> {
  return [await resolveHelm(4), await resolveHelm(3)];
}

/** Helm 3 names a value `a.b.0`, Helm 4 `/a/b/0`, our fail messages `a.b[0]`: one spelling for asserts. */
export function normalizeKeyPaths(message: string): string {
  return message.replace(/\//g, '.').replace(/\[(\d+)\]/g, '.$1');
}

import t from 'tap';
import { resolveHelm } from '../../tools/render/helm.ts';

t.test('both helm majors resolve to the matching binary', async (t) => {
  for (const major of [3, 4] as const) {
    const helm = await resolveHelm(major);
    t.match(helm.version, new RegExp(`^v${major}\\.`), `helm ${major} reports ${helm.version}`);
  }
});

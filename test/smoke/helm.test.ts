import t from 'tap';
import { resolveHelm } from '../../tools/render/helm.ts';

// first in this file: the process has resolved no helm yet
t.test('concurrent first uses share one resolution (parallel extractions of one binary hit ETXTBSY)', async (t) => {
  const [a, ...rest] = await Promise.all([3, 3, 3, 4, 4, 4].map((m) => resolveHelm(m as 3 | 4)));
  t.ok(rest.slice(0, 2).every((h) => h === a), 'one Helm 3 for every caller');
  t.ok(rest.slice(3).every((h) => h === rest[2]), 'one Helm 4 for every caller');
});

t.test('both helm majors resolve to the matching binary', async (t) => {
  for (const major of [3, 4] as const) {
    const helm = await resolveHelm(major);
    t.match(helm.version, new RegExp(`^v${major}\\.`), `helm ${major} reports ${helm.version}`);
  }
});

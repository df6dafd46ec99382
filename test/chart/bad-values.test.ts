// Every file in bad-values/ must be rejected by Helm 3 and Helm 4 before anything renders, with a message
// naming the offending key. Each file's first line lists the words the message must contain.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart, RenderFailed } from '../../tools/render/render.ts';
import { bothHelms, normalizeKeyPaths } from '../helpers/helm.ts';

const dir = join(import.meta.dirname, 'bad-values');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

t.ok(files.length >= 25, `at least 25 bad values files (${files.length})`);

const helms = await bothHelms();

for (const file of files) {
  const path = join(dir, file);
  const expected = /^# expect: (.+)$/m.exec(readFileSync(path, 'utf8'))?.[1].split(' ');
  t.test(file.replace(/\.yaml$/, ''), async (t) => {
    t.ok(expected, 'the file says which key the message must name');
    for (const helm of helms) {
      const error = await renderChart(helm, { valuesFiles: [path] }).then(() => null, (e: unknown) => e);
      t.type(error, RenderFailed, `helm ${helm.version} rejects it`);
      const message = normalizeKeyPaths((error as RenderFailed).stderr);
      for (const word of expected ?? []) t.match(message, word, `helm ${helm.version} names ${word}`);
      t.notMatch(message, /panic|goroutine|nil pointer/, 'no Go template crash');
    }
  });
}

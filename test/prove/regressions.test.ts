// Shrunk fuzz counterexamples and hand-picked hostile values files (test/prove/regressions/*.yaml), each
// through the whole fuzz property with the real helm, Helm 3 and Helm 4. A file whose first line reads
// `# open: ...` is a known, unfixed finding: its test is a todo until the chart is fixed (then the todo
// passes and the line becomes `# holds`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { FuzzWorkspace, checkValuesText } from '../../tools/prove/fuzz/run.ts';
import { resolveHelm } from '../../tools/render/helm.ts';

const dir = join(import.meta.dirname, 'regressions');
const ws = new FuzzWorkspace();
t.teardown(() => ws.close());
const helms = [await resolveHelm(3), await resolveHelm(4)];

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const text = readFileSync(join(dir, file), 'utf8');
  const open = /^# open: (.*)$/m.exec(text.split('\n')[0])?.[1];
  t.test(file, open ? { todo: open } : {}, async (t) => {
    t.same(await checkValuesText(text, ws, helms), [], 'rejected naming the key by both versions, or rendered and proven');
  });
}

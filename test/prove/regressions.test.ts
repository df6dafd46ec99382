// Shrunk fuzz counterexamples and hand-picked hostile values files (test/prove/regressions/*.yaml), each
// through the whole fuzz property with the real helm, Helm 3 and Helm 4 (with the cluster facts of its
// `# facts:` line). A file whose first line reads `# open: ...` is a known, unfixed finding: its test is a
// todo until the chart, model or contract is fixed (then the todo passes and the line becomes `# holds`);
// while it fails, its failure must be an instance of its own `# cause:` line, which is what `fuzz --known`
// counts it by.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { knownFindingOf, knownFindings } from '../../tools/prove/commands.ts';
import { FuzzSession, checkValuesText } from '../../tools/prove/fuzz/run.ts';

const dir = join(import.meta.dirname, 'regressions');
const session = await FuzzSession.open();
t.teardown(() => session.close());

const known = knownFindings(dir);

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const text = readFileSync(join(dir, file), 'utf8');
  t.ok(/^# (open|holds)/.test(text), `${file} says in its first line whether it holds`);
  const open = /^# open: (.*)$/m.exec(text.split('\n')[0])?.[1];
  // one file at a time: a harness renderer renders one batch at a time
  let problems: Promise<string[]> | undefined;
  const check = () => (problems ??= checkValuesText(text, session));
  t.test(file, open ? { todo: open } : {}, async (t) => {
    t.same(await check(), [], 'rejected naming the key by both versions, or rendered and proven');
  });
  if (open) {
    t.test(`${file}: an instance of its own cause while open`, async (t) => {
      t.ok(known.some((k) => k.file === file), 'it has a # cause: line');
      const found = await check();
      if (found.length) t.equal(knownFindingOf(found, known.filter((k) => k.file === file), text), file, found.slice(0, 2).join('\n'));
    });
  }
}

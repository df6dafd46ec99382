// Fills the generated section of the hand-written chart/README.md.
import { generatedHeader } from './output-file.ts';
import { valuesTable } from './values-files.ts';

export const readmePath = 'chart/README.md';
const begin = '<!-- BEGIN generated values table -->';
const end = '<!-- END generated values table -->';

/** `current` with the text from `begin` to `end` (both included) replaced by `section`; undefined without both markers. */
export function replaceBetween(current: string, begin: string, end: string, section: string): string | undefined {
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  if (start < 0 || stop < start) return undefined;
  return current.slice(0, start) + section + current.slice(stop + end.length);
}

export function readmeWithValues(current: string): string {
  const section = [begin, generatedHeader('markdown', 'tools/model/values.ts'), '', valuesTable(), '', end].join('\n');
  const replaced = replaceBetween(current, begin, end, section);
  if (replaced === undefined) throw new Error(`${readmePath} must hold the markers "${begin}" and "${end}" around the values table`);
  return replaced;
}

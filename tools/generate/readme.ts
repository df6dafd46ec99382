// Fills the generated section of the hand-written chart/README.md.
import { generatedHeader } from './output-file.ts';
import { valuesTable } from './values-files.ts';

export const readmePath = 'chart/README.md';
const begin = '<!-- BEGIN generated values table -->';
const end = '<!-- END generated values table -->';

export function readmeWithValues(current: string): string {
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  if (start < 0 || stop < start) {
    throw new Error(`${readmePath} must hold the markers "${begin}" and "${end}" around the values table`);
  }
  const section = [begin, generatedHeader('markdown', 'tools/model/values.ts'), '', valuesTable(), '', end].join('\n');
  return current.slice(0, start) + section + current.slice(stop + end.length);
}

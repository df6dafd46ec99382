// The chart's generated files, from the model: pure generators composed into one list (two generators may not
// write one path). tools/generated.ts is the one writer, and the one check, of every generated file.
import { chartTemplates } from './chart-templates.ts';
import { compose, type OutputFile } from './output-file.ts';
import { valuesSchema, valuesYaml } from './values-files.ts';

export { readmePath, readmeWithValues } from './readme.ts';

export function chartOutputs(): OutputFile[] {
  return compose(chartTemplates(), [valuesYaml(), valuesSchema()]);
}

// The connlist output formats by name.
import type { Connection } from '../connlist.ts';
import { formatDot } from './dot.ts';
import { formatJson } from './json.ts';
import { formatMd } from './md.ts';
import { formatSvg } from './svg.ts';
import { formatTxt } from './txt.ts';

export const FORMATS = {
  txt: formatTxt,
  json: formatJson,
  md: formatMd,
  dot: formatDot,
  svg: formatSvg,
} satisfies Record<string, (connections: readonly Connection[]) => string | Promise<string>>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(FORMATS, name);
}

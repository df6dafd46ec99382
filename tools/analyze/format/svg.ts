// SVG: the dot graph laid out by Graphviz compiled to WebAssembly (@viz-js/viz), in process.
import { instance } from '@viz-js/viz';
import type { Connection } from '../connlist.ts';
import { formatDot } from './dot.ts';

export async function formatSvg(connections: readonly Connection[]): Promise<string> {
  const viz = await instance();
  return viz.renderString(formatDot(connections), { format: 'svg' });
}

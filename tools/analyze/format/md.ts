// A Markdown table, as netpol-analyzer's md format.
import type { Connection } from '../connlist.ts';

export function formatMd(connections: readonly Connection[]): string {
  const rows = connections.map((c) => `| ${c.src.name} | ${c.dst.name} | ${c.connections} |\n`);
  return `| src | dst | conn |\n|-----|-----|------|\n${rows.join('')}`;
}

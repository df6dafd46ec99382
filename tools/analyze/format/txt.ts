// netpol-analyzer's text format: `SRC => DST : CONNS`, one line per connection.
import type { Connection } from '../connlist.ts';

export function formatTxt(connections: readonly Connection[]): string {
  return connections.map((c) => `${c.src.name} => ${c.dst.name} : ${c.connections}\n`).join('');
}

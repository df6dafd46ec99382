// JSON: netpol-analyzer's `src`, `dst`, `conn` fields, plus the exact ports per protocol.
import type { Connection } from '../connlist.ts';

export function formatJson(connections: readonly Connection[]): string {
  const rows = connections.map((c) => ({
    src: c.src.name,
    dst: c.dst.name,
    conn: c.connections.toString(),
    ports: c.connections.toJSON(),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

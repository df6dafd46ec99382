// Port-level mutations: drop a port, change a port number, change a protocol.
import { type Doc, type Mutant, clone, nameOf, rules } from '../types.ts';

function* portSites(docs: Doc[]) {
  for (const site of rules(docs)) {
    const ports = site.rule?.ports;
    if (Array.isArray(ports)) for (const [i, port] of ports.entries()) yield { ...site, i, port: port as Doc };
  }
}

const at = (docs: Doc[], s: { p: number; direction: string; r: number; i: number }) => `${nameOf(docs[s.p])} ${s.direction}[${s.r}].ports[${s.i}]`;

export function dropPort(docs: Doc[]): Mutant[] {
  return [...portSites(docs)].map((s) => {
    const out = clone(docs);
    const ports = out[s.p].spec[s.direction][s.r].ports as Doc[];
    ports.splice(s.i, 1);
    // an emptied list would read as every port: drop the key as the rule would then be written
    if (!ports.length) delete out[s.p].spec[s.direction][s.r].ports;
    return { kind: 'drop-port' as const, site: at(docs, s), docs: out };
  });
}

export function changePort(docs: Doc[]): Mutant[] {
  return [...portSites(docs)].filter((s) => typeof s.port.port === 'number').map((s) => {
    const out = clone(docs);
    const port = out[s.p].spec[s.direction][s.r].ports[s.i];
    port.port = port.port === 65535 ? 1 : port.port + 1;
    return { kind: 'change-port' as const, site: `${at(docs, s)} ${s.port.port}->${port.port}`, docs: out };
  });
}

export function changeProtocol(docs: Doc[]): Mutant[] {
  return [...portSites(docs)].map((s) => {
    const out = clone(docs);
    const port = out[s.p].spec[s.direction][s.r].ports[s.i];
    const from = port.protocol ?? 'TCP';
    port.protocol = from === 'TCP' ? 'UDP' : 'TCP';
    return { kind: 'change-protocol' as const, site: `${at(docs, s)} ${from}->${port.protocol}`, docs: out };
  });
}

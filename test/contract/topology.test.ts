// The outside address of the contract topology: outside every CIDR the values name, found even when those
// CIDRs hold every candidate, and absent only when they cover a whole address family.
import t from 'tap';
import { parseCidr } from '../../tools/analyze/index.ts';
import { loadContract } from '../../tools/report/contract/spec.ts';
import { instantiate, outsideAddress } from '../../tools/report/contract/topology.ts';
import { valuesFor } from '../../tools/report/rendered-checks.ts';
import { tempFile } from './helpers.ts';

const blocks = (...cidrs: string[]) => cidrs.map((c) => parseCidr(c)!);
const v4 = ['192.0.2.77', '192.0.2.177', '198.19.255.77'];

t.test('the first candidate no block holds', async (t) => {
  t.equal(outsideAddress('IPv4', v4, []), '192.0.2.77');
  t.equal(outsideAddress('IPv4', v4, blocks('192.0.2.0/25')), '192.0.2.177');
});

t.test('every candidate held: the nearest free address, upward first, then downward', async (t) => {
  t.equal(outsideAddress('IPv4', v4, blocks('192.0.2.0/24', '198.19.0.0/16', '192.0.3.0/24')), '192.0.4.0', 'steps past adjacent blocks');
  t.equal(outsideAddress('IPv4', v4, blocks('128.0.0.0/1')), '127.255.255.255', 'the block reaches the top: below it');
  t.equal(outsideAddress('IPv6', ['2001:db8:dead::77'], blocks('2000::/3')), '4000::');
});

t.test('blocks that cover the family: no outside address', async (t) => {
  t.equal(outsideAddress('IPv4', v4, blocks('0.0.0.0/1', '128.0.0.0/1')), undefined);
  t.equal(outsideAddress('IPv4', v4, blocks('128.0.0.0/2', '0.0.0.0/1', '192.0.0.0/2')), undefined, 'in any order');
});

t.test('the topology has an outside peer per family the values leave room in', async (t) => {
  const outside = (override: string) => instantiate(loadContract(), valuesFor([tempFile(override)])).peers
    .filter((p) => p.names.has('outside')).map((p) => p.address);
  t.same(outside('# defaults\n'), ['192.0.2.77', '2001:db8:dead::77']);
  t.same(outside('backends: {traces: {cidrs: [0.0.0.0/1, 128.0.0.0/1], ports: [4317]}}\napiServer: {cidrs: [10.250.0.1/32]}\n'),
    ['2001:db8:dead::77'], 'IPv4 covered: only the IPv6 outside');
  t.same(outside('nodes: {cidrs: [192.0.2.0/24, 198.19.0.0/16]}\n'), ['192.0.3.0', '2001:db8:dead::77']);
});

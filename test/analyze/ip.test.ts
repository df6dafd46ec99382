// Addresses, CIDRs and the cutting of the address space into pieces.
import fc from 'fast-check';
import t from 'tap';
import { cutAddressSpace, formatRange, ipSetContains, ipSetMinus, ipSetOfRanges, parseAddress, parseCidr } from '../../tools/analyze/ip.ts';

t.test('parseCidr masks host bits and gives inclusive bounds', async (t) => {
  const r = parseCidr('10.1.2.3/8')!;
  t.equal(formatRange(r), '10.0.0.0-10.255.255.255');
  t.equal(formatRange(parseCidr('0.0.0.0/0')!), '0.0.0.0-255.255.255.255');
  t.equal(formatRange(parseCidr('1.2.3.4/32')!), '1.2.3.4-1.2.3.4');
  t.equal(formatRange(parseCidr('2001:db8::/32')!), '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
  t.equal(formatRange(parseCidr('::/0')!), '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
  t.equal(parseCidr('10.0.0.0/33'), undefined);
  t.equal(parseCidr('nonsense'), undefined);
});

t.test('parseAddress knows both families', async (t) => {
  t.same(parseAddress('10.0.0.1'), { family: 'IPv4', value: 167772161n });
  t.same(parseAddress('::1'), { family: 'IPv6', value: 1n });
  t.equal(parseAddress('10.0.0'), undefined);
});

t.test('an ipBlock with except', async (t) => {
  const block = ipSetMinus(ipSetOfRanges([parseCidr('10.0.0.0/8')!]), ipSetOfRanges([parseCidr('10.11.0.0/16')!, parseCidr('fd00::/8')!]));
  t.ok(ipSetContains(block, 'IPv4', parseAddress('10.10.255.255')!.value));
  t.notOk(ipSetContains(block, 'IPv4', parseAddress('10.11.0.1')!.value));
  t.ok(ipSetContains(block, 'IPv4', parseAddress('10.12.0.0')!.value));
  t.notOk(ipSetContains(block, 'IPv6', parseAddress('::a00:1')!.value), 'families never mix');
  t.same(
    cutAddressSpace('IPv4', [block]).map(formatRange),
    ['0.0.0.0-9.255.255.255', '10.0.0.0-10.10.255.255', '10.11.0.0-10.11.255.255', '10.12.0.0-10.255.255.255', '11.0.0.0-255.255.255.255'],
  );
  t.same(cutAddressSpace('IPv6', [block]).map(formatRange), ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']);
});

t.test('pieces partition the space and each lies wholly inside or outside every block', async () => {
  const cidrArb = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([addr, prefix]) => {
    const parts = [24, 16, 8, 0].map((s) => (addr >>> s) & 255);
    return parseCidr(`${parts.join('.')}/${prefix}`)!;
  });
  const blockArb = fc.tuple(cidrArb, fc.array(cidrArb, { maxLength: 3 })).map(([cidr, except]) => ipSetMinus(ipSetOfRanges([cidr]), ipSetOfRanges(except)));
  fc.assert(
    fc.property(fc.array(blockArb, { maxLength: 4 }), (blocks) => {
      const pieces = cutAddressSpace('IPv4', blocks);
      const contiguous = pieces.every((p, i) => p.first <= p.last && (i === 0 ? p.first === 0n : pieces[i - 1].last + 1n === p.first));
      const uniform = pieces.every((p) => blocks.every((b) => ipSetContains(b, 'IPv4', p.first) === ipSetContains(b, 'IPv4', p.last)));
      return contiguous && pieces[pieces.length - 1].last === 2n ** 32n - 1n && uniform;
    }),
  );
});

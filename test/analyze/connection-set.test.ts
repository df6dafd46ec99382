// Connection sets: exact per-protocol port intervals and netpol-analyzer's notation.
import fc from 'fast-check';
import t from 'tap';
import { ConnectionSet, PROTOCOLS, type Protocol } from '../../tools/analyze/connection-set.ts';

t.test('notation', async (t) => {
  t.equal(ConnectionSet.ALL.toString(), 'All Connections');
  t.equal(ConnectionSet.NONE.toString(), 'No Connections');
  t.equal(ConnectionSet.of('TCP').toString(), 'TCP 1-65535');
  const mixed = [ConnectionSet.of('UDP', 9090), ConnectionSet.of('TCP', 8081), ConnectionSet.of('SCTP', 7070), ConnectionSet.of('TCP', 8080)]
    .reduce((a, b) => a.union(b));
  t.equal(mixed.toString(), 'SCTP 7070,TCP 8080-8081,UDP 9090');
  t.equal(ConnectionSet.of('TCP', 80).union(ConnectionSet.of('TCP', 8080, 8090)).toString(), 'TCP 80,8080-8090');
  t.ok(PROTOCOLS.map((p) => ConnectionSet.of(p)).reduce((a, b) => a.union(b)).isAll(), 'all ports of all protocols is All');
});

t.test('algebra', async (t) => {
  const a = ConnectionSet.of('TCP', 80, 90);
  const b = ConnectionSet.of('TCP', 85, 100).union(ConnectionSet.of('UDP', 53));
  t.equal(a.intersect(b).toString(), 'TCP 85-90');
  t.equal(b.minus(a).toString(), 'TCP 91-100,UDP 53');
  t.equal(ConnectionSet.ALL.minus(ConnectionSet.of('UDP', 53)).toString(), 'SCTP 1-65535,TCP 1-65535,UDP 1-52,54-65535');
  t.ok(a.allows('TCP', 85));
  t.notOk(a.allows('UDP', 85));
  t.ok(a.intersect(b).isSubsetOf(a));
  t.same(b.toJSON(), { TCP: [[85, 100]], UDP: [[53, 53]] });
  t.ok(ConnectionSet.fromJSON(b.toJSON()).equals(b));
});

t.test('union and intersection agree with membership', async () => {
  const protocolArb = fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP');
  const rangeArb = fc.tuple(protocolArb, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 20 }));
  const setArb = fc.array(rangeArb, { maxLength: 5 }).map((rs) => rs.reduce((s, [p, first, len]) => s.union(ConnectionSet.of(p, first, first + len)), ConnectionSet.NONE));
  fc.assert(
    fc.property(setArb, setArb, protocolArb, fc.integer({ min: 1, max: 230 }), (a, b, p, port) => {
      return (
        a.union(b).allows(p, port) === (a.allows(p, port) || b.allows(p, port)) &&
        a.intersect(b).allows(p, port) === (a.allows(p, port) && b.allows(p, port)) &&
        a.minus(b).allows(p, port) === (a.allows(p, port) && !b.allows(p, port))
      );
    }),
  );
});

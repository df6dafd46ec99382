// Interval arithmetic checked against a naive model (sets of small integers), for numbers and bigints.
import fc from 'fast-check';
import t from 'tap';
import { type Interval, contains, equal, intersect, isSubset, normalize, subtract, union } from '../../tools/analyze/intervals.ts';

const DOMAIN = 40;
const intervalArb = fc.tuple(fc.integer({ min: 0, max: DOMAIN }), fc.integer({ min: 0, max: DOMAIN })).map(([a, b]): Interval<number> => [Math.min(a, b), Math.max(a, b)]);
const listArb = fc.array(intervalArb, { maxLength: 6 }).map((l) => normalize(l));

function members(list: readonly Interval<number>[]): Set<number> {
  const set = new Set<number>();
  for (const [s, e] of list) for (let i = s; i < e; i++) set.add(i);
  return set;
}
function fromMembers(set: Set<number>): readonly Interval<number>[] {
  return normalize([...set].map((v): Interval<number> => [v, v + 1]));
}
function isCanonical(list: readonly Interval<number>[]): boolean {
  return list.every(([s, e], i) => s < e && (i === 0 || list[i - 1][1] < s));
}

t.test('normalize merges overlapping and touching intervals, drops empty ones', async (t) => {
  t.same(normalize([[5, 7], [1, 3], [3, 4], [6, 9], [10, 10]]), [[1, 4], [5, 9]]);
  t.same(normalize<bigint>([[10n, 20n], [0n, 10n]]), [[0n, 20n]]);
});

t.test('subtract and intersect examples', async (t) => {
  t.same(subtract<number>([[0, 100]], [[10, 20], [30, 40]]), [[0, 10], [20, 30], [40, 100]]);
  t.same(subtract<number>([[0, 10], [20, 30]], [[5, 25]]), [[0, 5], [25, 30]]);
  t.same(intersect<number>([[0, 10], [20, 30]], [[5, 25]]), [[5, 10], [20, 25]]);
  t.same(subtract<bigint>([[0n, 1n << 32n]], [[167772160n, 184549376n]]), [[0n, 167772160n], [184549376n, 1n << 32n]]);
});

t.test('operations agree with the set model', async () => {
  fc.assert(
    fc.property(listArb, listArb, fc.integer({ min: -1, max: DOMAIN + 1 }), (a, b, v) => {
      const [ma, mb] = [members(a), members(b)];
      const expectUnion = fromMembers(new Set([...ma, ...mb]));
      const expectIntersect = fromMembers(new Set([...ma].filter((x) => mb.has(x))));
      const expectSubtract = fromMembers(new Set([...ma].filter((x) => !mb.has(x))));
      const results = [union(a, b), intersect(a, b), subtract(a, b)];
      return (
        results.every(isCanonical) &&
        equal(results[0], expectUnion) &&
        equal(results[1], expectIntersect) &&
        equal(results[2], expectSubtract) &&
        contains(a, v) === ma.has(v) &&
        isSubset(a, b) === [...ma].every((x) => mb.has(x))
      );
    }),
    { numRuns: 2000 },
  );
});

t.test('union is commutative and subtract then union restores', async () => {
  fc.assert(
    fc.property(listArb, listArb, (a, b) => equal(union(a, b), union(b, a)) && equal(union(subtract(a, b), intersect(a, b)), a)),
  );
});

// Sets of integers as sorted, disjoint, non-adjacent half-open intervals [start, end).
// Half-open bounds need no "+1", so one implementation serves port numbers (number) and
// IP addresses (bigint, for IPv6's 128 bits).

export type Bound = number | bigint;
/** [start, end): start included, end excluded. */
export type Interval<T extends Bound> = readonly [start: T, end: T];
/** Sorted, disjoint and non-adjacent: the canonical form every function here returns. */
export type IntervalList<T extends Bound> = readonly Interval<T>[];

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function normalize<T extends Bound>(list: readonly Interval<T>[]): IntervalList<T> {
  const sorted = list.filter(([s, e]) => s < e).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [T, T][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

export function union<T extends Bound>(a: IntervalList<T>, b: IntervalList<T>): IntervalList<T> {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normalize([...a, ...b]);
}

export function intersect<T extends Bound>(a: IntervalList<T>, b: IntervalList<T>): IntervalList<T> {
  const out: Interval<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = a[i][0] > b[j][0] ? a[i][0] : b[j][0];
    const end = a[i][1] < b[j][1] ? a[i][1] : b[j][1];
    if (start < end) out.push([start, end]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

export function subtract<T extends Bound>(a: IntervalList<T>, b: IntervalList<T>): IntervalList<T> {
  const out: Interval<T>[] = [];
  let j = 0;
  for (const [s, e] of a) {
    let start = s;
    while (j < b.length && b[j][1] <= start) j++;
    let k = j;
    while (k < b.length && b[k][0] < e) {
      if (b[k][0] > start) out.push([start, b[k][0]]);
      if (b[k][1] > start) start = b[k][1];
      k++;
    }
    if (start < e) out.push([start, e]);
  }
  return out;
}

export function contains<T extends Bound>(list: IntervalList<T>, value: T): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (value < list[mid][0]) hi = mid - 1;
    else if (value >= list[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export function equal<T extends Bound>(a: IntervalList<T>, b: IntervalList<T>): boolean {
  return a.length === b.length && a.every(([s, e], i) => s === b[i][0] && e === b[i][1]);
}

/** True when every value of `a` is in `b`. */
export function isSubset<T extends Bound>(a: IntervalList<T>, b: IntervalList<T>): boolean {
  return subtract(a, b).length === 0;
}

// What the contract shares across permutations, by interned integer ids: connection sets (and their unions,
// intersections and differences), rendered documents (parsed once), sets of documents that select a pod, and
// the verdict of one direction for a (documents selecting the subject, subject's identity, other endpoint's
// identity, reading, direction) key. Permutations share most documents and most peers, so after a few hundred
// permutations nearly every verdict is a lookup.
import { ConnectionSet, buildCluster, parseManifests, type Manifest, type Policy, type Protocol } from '../analyze/index.ts';
import { selectorMatches } from '../analyze/selectors.ts';

const unionOf = (x: ConnectionSet, y: ConnectionSet) => x.union(y);
const intersectionOf = (x: ConnectionSet, y: ConnectionSet) => x.intersect(y);

/** Ids below this have their operations in dense tables. */
const DENSE = 512;

/** Interned connection sets: equal sets have one id; the operations are memoized by id pair. */
export class SetTable {
  readonly sets: ConnectionSet[] = [];
  private readonly ids = new Map<string, number>();
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();
  private readonly differences = new Map<number, number>();
  readonly NONE: number;
  readonly ALL: number;

  constructor() {
    this.NONE = this.id(ConnectionSet.NONE);
    this.ALL = this.id(ConnectionSet.ALL);
  }

  id(set: ConnectionSet): number {
    const key = set.toString();
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.ids.set(key, id);
      this.sets.push(set);
    }
    return id;
  }

  private readonly ports = new Map<string, number>();
  /** The id of one protocol's one port. */
  port(protocol: Protocol, port: number): number {
    const key = `${protocol}${port}`;
    let id = this.ports.get(key);
    if (id === undefined) this.ports.set(key, (id = this.id(ConnectionSet.of(protocol, port))));
    return id;
  }

  // the operations of the first DENSE ids in dense tables (an array read), beyond them in maps
  private readonly denseUnion = new Int32Array(DENSE * DENSE).fill(-1);
  private readonly denseIntersect = new Int32Array(DENSE * DENSE).fill(-1);
  private readonly denseMinus = new Int32Array(DENSE * DENSE).fill(-1);

  union(a: number, b: number): number {
    if (a === b || b === this.NONE || a === this.ALL) return a;
    if (a === this.NONE || b === this.ALL) return b;
    return this.commutative(a, b, this.denseUnion, this.unions, unionOf);
  }

  intersect(a: number, b: number): number {
    if (a === b || b === this.ALL || a === this.NONE) return a;
    if (a === this.ALL || b === this.NONE) return b;
    return this.commutative(a, b, this.denseIntersect, this.intersections, intersectionOf);
  }

  /** A memoized operation whose result does not depend on the order of a and b: one entry serves both orders. */
  private commutative(a: number, b: number, dense: Int32Array, sparse: Map<number, number>, op: (x: ConnectionSet, y: ConnectionSet) => ConnectionSet): number {
    if (a < DENSE && b < DENSE) {
      const k = a * DENSE + b;
      const known = dense[k];
      if (known >= 0) return known;
      return (dense[k] = dense[b * DENSE + a] = this.id(op(this.sets[a], this.sets[b])));
    }
    const key = a < b ? a * 0x100000 + b : b * 0x100000 + a;
    let id = sparse.get(key);
    if (id === undefined) sparse.set(key, (id = this.id(op(this.sets[a], this.sets[b]))));
    return id;
  }

  minus(a: number, b: number): number {
    if (a === this.NONE || b === this.NONE) return a;
    if (a === b || b === this.ALL) return this.NONE;
    if (a < DENSE && b < DENSE) {
      const k = a * DENSE + b;
      const known = this.denseMinus[k];
      if (known >= 0) return known;
      return (this.denseMinus[k] = this.id(this.sets[a].minus(this.sets[b])));
    }
    const key = a * 0x100000 + b;
    let id = this.differences.get(key);
    if (id === undefined) this.differences.set(key, (id = this.id(this.sets[a].minus(this.sets[b]))));
    return id;
  }

  get size(): number {
    return this.sets.length;
  }
}

/** A rendered document, parsed once: its NetworkPolicies (none for any other kind). */
export interface Doc { id: number; text: string; policies: readonly Policy[] }

export const INGRESS = 1;
export const EGRESS = 2;

/** Everything shared between permutations; one per process (`shared`), cleared when it grows too big. */
export class Memo {
  sets = new SetTable();
  private docs = new Map<string, Doc>();
  private selection = new Map<number, number>();
  private policySets = new Map<string, number>();
  private verdicts = new Map<number, Map<number, number>>();
  private entries = 0;
  /** verdicts computed, and looked up: for tuning */
  misses = 0;
  hits = 0;

  /** What it holds: documents, selections, verdicts (and sets). */
  get size(): number {
    return this.entries + this.sets.size;
  }

  constructor(private readonly limit = 1_500_000) {}

  doc(text: string): Doc {
    let doc = this.docs.get(text);
    if (!doc) {
      const objects: Manifest[] = parseManifests(text, 'rendered').objects.filter((o) => o.kind === 'NetworkPolicy');
      doc = { id: this.docs.size, text, policies: objects.length ? buildCluster(objects).policies : [] };
      this.docs.set(text, doc);
      this.entries++;
    }
    return doc;
  }

  /**
   * Which directions the document's policies select a pod in (INGRESS | EGRESS bits), as the analyzer selects:
   * the policy's namespace and pod selector, and its policyTypes.
   */
  selects(doc: Doc, identity: number, namespace: string, labels: Record<string, string>): number {
    const key = doc.id * 0x200000 + identity;
    let bits = this.selection.get(key);
    if (bits === undefined) {
      bits = 0;
      for (const p of doc.policies) {
        if (p.namespace !== namespace || !selectorMatches(p.podSelector, labels)) continue;
        if (p.affectsIngress) bits |= INGRESS;
        if (p.affectsEgress) bits |= EGRESS;
      }
      this.selection.set(key, bits);
      this.entries++;
    }
    return bits;
  }

  /** The id of a set of documents (ascending doc ids); 0 is the empty set: no policy selects. */
  policySet(docIds: number[]): number {
    if (docIds.length === 0) return 0;
    const key = docIds.join(',');
    let id = this.policySets.get(key);
    if (id === undefined) this.policySets.set(key, (id = this.policySets.size + 1));
    return id;
  }

  /** A direction's verdict from the memo, or `compute()`d and remembered. */
  verdict(policySet: number, subject: number, other: number, reading: number, direction: number, compute: () => number): number {
    const outer = policySet * 8 + reading * 4 + direction;
    let inner = this.verdicts.get(outer);
    if (!inner) this.verdicts.set(outer, (inner = new Map()));
    const key = subject * 0x200000 + other;
    let id = inner.get(key);
    if (id === undefined) {
      this.misses++;
      inner.set(key, (id = compute()));
      this.entries++;
    } else this.hits++;
    return id;
  }

  /**
   * Forgets everything when it has grown past its limit (long fuzz runs keep making new peers). Called between
   * evaluations only: ids handed out before stay valid until then.
   */
  trim(): void {
    if (this.entries + this.sets.size > this.limit) this.clear();
  }

  /** Forgets everything (ids restart). */
  clear(): void {
    this.sets = new SetTable();
    this.docs = new Map();
    this.selection = new Map();
    this.policySets = new Map();
    this.verdicts = new Map();
    this.entries = 0;
    this.generation++;
  }

  /** Bumped by clear(): whoever keeps ids of this memo must drop them. */
  generation = 0;
}

export const shared = new Memo();

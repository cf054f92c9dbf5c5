/**
 * Interval decision diagrams: a canonical, hash-consed partition of the flow space.
 *
 * A node tests one level, that is one dimension in the analysis's order (see order.ts): its children cover
 * consecutive rank intervals and adjacent children always differ; a node with one child is replaced by the
 * child, so levels may be skipped. Leaves carry a label (the decision, or the deciding rules). Because the
 * form is canonical within a Store (store.ts), two policies built in one Store allow the same flows exactly
 * when their roots are the same node.
 *
 * Building merges the diagrams of single boxes, halves first (divide and conquer): the first-match merge of
 * two diagrams keeps the first one's decided cells and fills its undecided ones from the second. Rules that
 * cover much of the space but take few distinct values below (any port from one peer, one port from
 * anywhere) thus collapse into small diagrams before they meet the rest, and the cost follows the size of
 * the diagrams rather than the number of boxes each cell sees.
 */
import { DIMS } from './space.js';
import type { DimOrder } from './order.js';
import type { RankedBoxes, Ranks } from './ranks.js';
import { grown, type Store } from './store.js';

/** Turns the rules covering a cell, in priority order and distinct, into a leaf label. */
export interface Labeler {
  /** How many leading distinct rules the label needs. */
  readonly depth: number;
  label(rules: readonly number[]): string;
}

/**
 * A map from pairs of node ids to a node id, emptied in O(1) by starting a new generation: the memo of one
 * merge.
 */
class PairMemo {
  private keys = new Int32Array(2 * 1024);
  private values = new Int32Array(1024);
  private gens = new Int32Array(1024);
  private gen = 1;
  private filled = 0;

  clear(): void {
    this.gen++;
    this.filled = 0;
  }

  private slotOf(x: number, y: number, gens: Int32Array, keys: Int32Array): number {
    const mask = gens.length - 1;
    let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b)) & mask;
    while (gens[slot] === this.gen && (keys[2 * slot] !== x || keys[2 * slot + 1] !== y)) slot = (slot + 1) & mask;
    return slot;
  }

  get(x: number, y: number): number {
    const slot = this.slotOf(x, y, this.gens, this.keys);
    return this.gens[slot] === this.gen ? this.values[slot]! : -1;
  }

  set(x: number, y: number, value: number): void {
    if ((this.filled + 1) * 2 > this.gens.length) this.grow();
    const slot = this.slotOf(x, y, this.gens, this.keys);
    if (this.gens[slot] !== this.gen) this.filled++;
    this.gens[slot] = this.gen;
    this.keys[2 * slot] = x;
    this.keys[2 * slot + 1] = y;
    this.values[slot] = value;
  }

  private grow(): void {
    const { keys, values, gens } = this;
    const size = gens.length * 2;
    this.keys = new Int32Array(2 * size);
    this.values = new Int32Array(size);
    this.gens = new Int32Array(size);
    for (let s = 0; s < gens.length; s++) {
      if (gens[s] !== this.gen) continue;
      const slot = this.slotOf(keys[2 * s]!, keys[2 * s + 1]!, this.gens, this.keys);
      this.gens[slot] = this.gen;
      this.keys[2 * slot] = keys[2 * s]!;
      this.keys[2 * slot + 1] = keys[2 * s + 1]!;
      this.values[slot] = values[s]!;
    }
  }
}

/** How many new children a build may leave behind before the store drops the unreachable nodes. */
const COMPACT_EVERY = 1 << 22;

/** Boxes to build: ranked boxes in priority order and the labeler of their policy. */
export interface BoxList {
  readonly boxes: RankedBoxes;
  readonly labeler: Labeler;
}

/**
 * Builds diagrams into a store, testing dimensions in `order`: the merge, the diagram of one box, and the
 * divide and conquer over a run of boxes. Every diagram it hands out stays valid; the intermediate ones
 * are dropped from the store as it grows.
 */
class Builder {
  private readonly size: number[];
  private readonly none: number;
  private readonly memo = new PairMemo();
  private readonly base: number;
  /** Diagrams finished or in progress, that compaction must keep. */
  private readonly roots: number[] = [];
  private compactAt: number;
  private depth = 1;
  // Children under construction, as a stack shared by every level of the recursion.
  private scratchStarts = new Int32Array(1024);
  private scratchKids = new Int32Array(1024);
  private top = 0;

  constructor(
    private readonly store: Store,
    ranks: Ranks,
    private readonly order: DimOrder,
  ) {
    this.size = order.map((d) => ranks.size(d));
    this.none = store.void;
    this.base = store.size;
    this.compactAt = store.kidCount + COMPACT_EVERY;
  }

  /**
   * The diagram of boxes `from` .. `to` - 1 of a list. With depth 1 a cell is decided by its first rule:
   * leaves take their final label at once, and adjacent cells with equal labels merge while building.
   * Deeper labels collect rules in partial leaves, labelled by `finish`.
   */
  build(list: BoxList, from: number, to: number): number {
    this.depth = list.labeler.depth;
    // A binary counter over the boxes: the stack holds diagrams of 1, 2, 4… boxes in priority order, and
    // two of equal size merge as soon as they meet.
    const stack = this.roots.length;
    const sizes: number[] = [];
    for (let b = from; b < to; b++) {
      this.roots.push(this.single(list, b));
      sizes.push(1);
      while (sizes.length >= 2 && sizes[sizes.length - 1] === sizes[sizes.length - 2]) {
        sizes.push(sizes.pop()! + sizes.pop()!);
        this.mergeTop();
      }
    }
    while (this.roots.length - stack >= 2) this.mergeTop();
    return this.roots.length > stack ? this.roots.pop()! : this.none;
  }

  /** Keeps a diagram through later builds. */
  keep(id: number): number {
    this.roots.push(id);
    return this.roots.length - 1;
  }

  /** A kept diagram, under its current id. */
  kept(slot: number): number {
    return this.roots[slot]!;
  }

  /** The first-match merge of two diagrams: `x` decides where it can, `y` fills in. */
  merge(x: number, y: number): number {
    this.memo.clear();
    return this.mergeRec(x, y);
  }

  /** Labels partial leaves, drops every intermediate node, and returns the final ids of `results`. */
  finish(results: readonly number[], labeler: Labeler): number[] {
    const labelled = labeler.depth === 1 ? results : results.map((r) => relabel(this.store, r, labeler));
    const out = this.store.compact(this.base, labelled);
    this.store.trim();
    return out;
  }

  private mergeTop(): void {
    const right = this.roots.pop()!;
    const left = this.roots.pop()!;
    this.roots.push(this.merge(left, right));
    if (this.store.kidCount > this.compactAt) {
      const moved = this.store.compact(this.base, this.roots);
      for (let i = 0; i < moved.length; i++) this.roots[i] = moved[i]!;
      this.compactAt = this.store.kidCount + Math.max(COMPACT_EVERY, this.store.kidCount);
    }
  }

  private push(start: number, kid: number): void {
    if (this.top === this.scratchKids.length) {
      this.scratchStarts = grown(this.scratchStarts, this.top + 1);
      this.scratchKids = grown(this.scratchKids, this.top + 1);
    }
    this.scratchStarts[this.top] = start;
    this.scratchKids[this.top] = kid;
    this.top++;
  }

  private mergeRec(x: number, y: number): number {
    const { store, none } = this;
    if (x === none) return y;
    if (y === none) return x;
    const dx = store.levelOf(x);
    if (dx === DIMS && !store.isOpen(x)) return x;
    const dy = store.levelOf(y);
    // Pairs over the last level (children are leaves) are cheaper to redo than to remember.
    const remember = dx < DIMS - 1 || dy < DIMS - 1;
    const cached = remember ? this.memo.get(x, y) : -1;
    if (cached >= 0) return cached;
    let result: number;
    if (dx === DIMS && dy === DIMS) {
      result = this.combine(x, y);
    } else {
      const base = this.top;
      if (dx > dy) {
        const w = store.widthOf(y);
        for (let j = 0; j < w; j++) this.push(store.startAt(y, j), this.mergeRec(x, store.kidAt(y, j)));
      } else if (dy > dx) {
        const w = store.widthOf(x);
        for (let i = 0; i < w; i++) this.push(store.startAt(x, i), this.mergeRec(store.kidAt(x, i), y));
      } else {
        const wx = store.widthOf(x);
        const wy = store.widthOf(y);
        let i = 0;
        let j = 0;
        let at = 0;
        for (;;) {
          this.push(at, this.mergeRec(store.kidAt(x, i), store.kidAt(y, j)));
          const nx = i + 1 < wx ? store.startAt(x, i + 1) : Infinity;
          const ny = j + 1 < wy ? store.startAt(y, j + 1) : Infinity;
          at = Math.min(nx, ny);
          if (at === Infinity) break;
          if (nx === at) i++;
          if (ny === at) j++;
        }
      }
      result = store.node(Math.min(dx, dy), this.scratchStarts, this.scratchKids, base, this.top);
      this.top = base;
    }
    if (remember) this.memo.set(x, y, result);
    return result;
  }

  private combine(x: number, y: number): number {
    const rules = [...this.store.rulesOf(x)!];
    for (const r of this.store.rulesOf(y)!) {
      if (rules.length >= this.depth) break;
      if (!rules.includes(r)) rules.push(r);
    }
    return this.store.partialLeaf(rules, this.depth);
  }

  /** The diagram of one box: a chain of nodes over the levels it does not cover entirely. */
  private single({ boxes, labeler }: BoxList, b: number): number {
    const { store, size, order, none } = this;
    const r = boxes.rule[b]!;
    let id = labeler.depth === 1 ? store.leaf(labeler.label([r])) : store.partialLeaf([r], labeler.depth);
    for (let d = DIMS - 1; d >= 0; d--) {
      const lo = boxes.lo[b * DIMS + order[d]!]!;
      const hi = boxes.hi[b * DIMS + order[d]!]!;
      if (lo === 0 && hi === size[d]! - 1) continue;
      const base = this.top;
      if (lo > 0) this.push(0, none);
      this.push(lo, id);
      if (hi < size[d]! - 1) this.push(hi + 1, none);
      id = store.node(d, this.scratchStarts, this.scratchKids, base, this.top);
      this.top = base;
    }
    return id;
  }
}

/** Builds the diagram of ranked boxes (in priority order) into a store, testing dimensions in `order`. */
export function buildDiagram(store: Store, ranks: Ranks, order: DimOrder, boxes: RankedBoxes, labeler: Labeler): number {
  const builder = new Builder(store, ranks, order);
  return builder.finish([builder.build({ boxes, labeler }, 0, boxes.count)], labeler)[0]!;
}

/**
 * Builds two depth-1 diagrams whose box lists share a prefix and a suffix (two versions of one policy):
 * the shared runs are built once, so comparing two versions costs about one build, not two.
 */
export function buildPair(store: Store, ranks: Ranks, order: DimOrder, a: BoxList, b: BoxList): [number, number] {
  if (a.labeler.depth !== 1 || b.labeler.depth !== 1) throw new Error('internal: buildPair needs depth-1 labelers');
  const same = (i: number, j: number): boolean => {
    for (let d = 0; d < DIMS; d++) {
      if (a.boxes.lo[i * DIMS + d] !== b.boxes.lo[j * DIMS + d] || a.boxes.hi[i * DIMS + d] !== b.boxes.hi[j * DIMS + d]) return false;
    }
    return a.labeler.label([a.boxes.rule[i]!]) === b.labeler.label([b.boxes.rule[j]!]);
  };
  const na = a.boxes.count;
  const nb = b.boxes.count;
  let prefix = 0;
  while (prefix < na && prefix < nb && same(prefix, prefix)) prefix++;
  let suffix = 0;
  while (suffix < na - prefix && suffix < nb - prefix && same(na - 1 - suffix, nb - 1 - suffix)) suffix++;
  const builder = new Builder(store, ranks, order);
  const head = builder.keep(builder.build(a, 0, prefix));
  const tail = builder.keep(builder.build(a, na - suffix, na));
  const midA = builder.keep(builder.build(a, prefix, na - suffix));
  const midB = builder.build(b, prefix, nb - suffix);
  const rootB = builder.keep(builder.merge(builder.kept(head), builder.merge(midB, builder.kept(tail))));
  const rootA = builder.merge(builder.kept(head), builder.merge(builder.kept(midA), builder.kept(tail)));
  const [finalA, finalB] = builder.finish([rootA, builder.kept(rootB)], a.labeler);
  return [finalA!, finalB!];
}

/** Gives the partial leaves of a diagram their final labels. */
function relabel(store: Store, root: number, labeler: Labeler): number {
  if (store.isLeaf(root)) return leafLabel(store, root, labeler);
  // Node ids are dense and every node below the root is older: a typed array is the memo (0 = not yet).
  const done = new Int32Array(root + 1);
  const rec = (id: number): number => {
    if (store.isLeaf(id)) return leafLabel(store, id, labeler);
    const known = done[id]!;
    if (known !== 0) return known - 1 + LEAF_SHIFT;
    const starts = Array.from(store.startsOf(id));
    const kids = Array.from(store.kidsOf(id), rec);
    const result = store.node(store.levelOf(id), starts, kids);
    done[id] = result + 1 - LEAF_SHIFT;
    return result;
  };
  return rec(root);
}

/** Shifts ids in the relabel memo so that leaf results (negative ids) are stored as positive numbers. */
const LEAF_SHIFT = -(2 ** 30);

function leafLabel(store: Store, id: number, labeler: Labeler): number {
  const rules = store.rulesOf(id);
  return rules === undefined ? id : store.leaf(labeler.label(rules));
}

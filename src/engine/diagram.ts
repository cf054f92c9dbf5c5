/**
 * Interval decision diagrams: a canonical, hash-consed partition of the flow space.
 *
 * A node tests one level, that is one dimension in the analysis's order (see order.ts): its children cover
 * consecutive rank intervals and adjacent children always differ; a node with one child is replaced by the
 * child, so levels may be skipped. Leaves carry a label
 * (the decision, or the deciding rules). Because the form is canonical within a Store, two policies built
 * in one Store allow the same flows exactly when their roots are the same node.
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

/** Turns the rules covering a cell, in priority order and distinct, into a leaf label. */
export interface Labeler {
  /** How many leading distinct rules the label needs. */
  readonly depth: number;
  label(rules: readonly number[]): string;
}

/** Grows a typed array to hold at least `need` entries. */
function grown(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Nodes and leaves. Node ids count up from 0; leaf ids count down from -1, so that dropping intermediate
 * nodes (compaction) never moves a leaf.
 */
export class Store {
  /** Per node: the level tested. */
  private dims = new Int32Array(1024);
  /** Per node: where its starts and kids begin in the pools, and how many. */
  private offs = new Int32Array(1024);
  private lens = new Int32Array(1024);
  /** Per node: its structural hash. */
  private hashes = new Int32Array(1024);
  private startPool = new Int32Array(4096);
  private kidPool = new Int32Array(4096);
  private used = 0;
  private count = 0;
  /** Open-addressing table of node ids + 1, by structural hash. */
  private table = new Int32Array(4096);
  /** Per leaf (index -1 - id): its label, or the rules collected so far while a deeper labeler builds. */
  private readonly labels: Array<string | undefined> = [];
  private readonly partial: Array<readonly number[] | undefined> = [];
  /** Per leaf: true when a merge may still add rules (fewer than the labeler's depth). */
  private readonly open: boolean[] = [];
  private readonly leafIds = new Map<string, number>();
  private readonly partialIds = new Map<number | string, number>();
  /** The leaf of cells no box reaches (outside every governed direction). */
  readonly void: number;

  constructor() {
    this.void = this.leaf('');
  }

  /** The number of nodes (leaves not counted). */
  get size(): number {
    return this.count;
  }

  private allocate(dim: number, len: number): number {
    const id = this.count++;
    if (id >= this.dims.length) {
      this.dims = grown(this.dims, id + 1);
      this.offs = grown(this.offs, id + 1);
      this.lens = grown(this.lens, id + 1);
      this.hashes = grown(this.hashes, id + 1);
    }
    this.dims[id] = dim;
    this.offs[id] = this.used;
    this.lens[id] = len;
    this.used += len;
    this.startPool = grown(this.startPool, this.used);
    this.kidPool = grown(this.kidPool, this.used);
    return id;
  }

  private newLeaf(label: string | undefined, rules: readonly number[] | undefined, open: boolean): number {
    this.labels.push(label);
    this.partial.push(rules);
    this.open.push(open);
    return -this.labels.length;
  }

  leaf(label: string): number {
    let id = this.leafIds.get(label);
    if (id === undefined) {
      id = this.newLeaf(label, undefined, false);
      this.leafIds.set(label, id);
    }
    return id;
  }

  /** A leaf holding the first rules of a cell; `depth` is how many the labeler needs in the end. */
  partialLeaf(rules: readonly number[], depth: number): number {
    // Numbers key the usual one or two rules (rule indices stay far below 2^24); text keys the rest.
    const key =
      rules.length === 1 && depth === 2
        ? rules[0]! + 1
        : rules.length === 2 && depth === 2
          ? (rules[0]! + 1) * 0x1000000 + rules[1]! + 1
          : `${depth}:${rules.join(',')}`;
    let id = this.partialIds.get(key);
    if (id === undefined) {
      id = this.newLeaf(undefined, rules, rules.length < depth);
      this.partialIds.set(key, id);
    }
    return id;
  }

  /** True for a leaf whose rules a merge may still extend; false for nodes and finished leaves. */
  isOpen(id: number): boolean {
    return id < 0 && this.open[-1 - id]!;
  }

  /** The rules of a partial leaf, undefined for a labelled one. */
  rulesOf(id: number): readonly number[] | undefined {
    return id < 0 ? this.partial[-1 - id] : undefined;
  }

  /**
   * A node over level `dim`, reduced and shared: children `from` .. `to` - 1 of the arrays, with
   * `starts[from]` = 0. The arrays are the caller's scratch: that part is compacted in place.
   */
  node(dim: number, starts: ArrayLike<number> & { [i: number]: number }, kids: ArrayLike<number> & { [i: number]: number }, from = 0, to = kids.length): number {
    let end = from;
    for (let i = from; i < to; i++) {
      if (end > from && kids[end - 1] === kids[i]) continue;
      starts[end] = starts[i]!;
      kids[end] = kids[i]!;
      end++;
    }
    if (end - from === 1) return kids[from]!;
    const n = end - from;
    let h = Math.imul(dim + 1, 0x9e3779b1);
    for (let i = from; i < end; i++) {
      h = Math.imul(h ^ starts[i]!, 0x85ebca6b);
      h = Math.imul(h ^ kids[i]!, 0xc2b2ae35);
      h ^= h >>> 15;
    }
    const mask = this.table.length - 1;
    let slot = h & mask;
    for (;;) {
      const entry = this.table[slot]!;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.dims[id] === dim && this.lens[id] === n && this.sameAs(id, starts, kids, from, n)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.allocate(dim, n);
    const off = this.offs[id]!;
    for (let i = 0; i < n; i++) {
      this.startPool[off + i] = starts[from + i]!;
      this.kidPool[off + i] = kids[from + i]!;
    }
    this.hashes[id] = h;
    this.table[slot] = id + 1;
    if (this.count * 2 > this.table.length) this.rehash();
    return id;
  }

  private sameAs(id: number, starts: ArrayLike<number>, kids: ArrayLike<number>, from: number, n: number): boolean {
    const off = this.offs[id]!;
    for (let i = 0; i < n; i++) {
      if (this.startPool[off + i] !== starts[from + i] || this.kidPool[off + i] !== kids[from + i]) return false;
    }
    return true;
  }

  private rehash(size = this.table.length * 2): void {
    const table = new Int32Array(size);
    const mask = table.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.hashes[id]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.table = table;
  }

  /** The number of children stored, over every node. */
  get kidCount(): number {
    return this.used;
  }

  /** Gives back the spare capacity of the arrays (after a build, before the diagram is kept for long). */
  trim(): void {
    const fit = (a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> => a.slice(0, Math.max(n, 1));
    this.dims = fit(this.dims, this.count);
    this.offs = fit(this.offs, this.count);
    this.lens = fit(this.lens, this.count);
    this.hashes = fit(this.hashes, this.count);
    this.startPool = fit(this.startPool, this.used);
    this.kidPool = fit(this.kidPool, this.used);
  }

  /**
   * Drops the nodes made since node id `base` that no root reaches (intermediate diagrams of a build),
   * moving the rest down. Nodes below `base` and leaves never move. Returns the roots' new ids.
   */
  compact(base: number, roots: readonly number[]): number[] {
    const live = new Uint8Array(this.count);
    for (const r of roots) if (r >= 0) live[r] = 1;
    // Children are always older than their parent: one pass from the newest id marks everything reachable.
    for (let id = this.count - 1; id >= base; id--) {
      if (live[id] === 0) continue;
      const off = this.offs[id]!;
      for (let i = 0; i < this.lens[id]!; i++) {
        const kid = this.kidPool[off + i]!;
        if (kid >= 0) live[kid] = 1;
      }
    }
    const moved = new Int32Array(this.count);
    for (let id = 0; id < base; id++) moved[id] = id;
    let next = base;
    let used = base < this.count ? this.offs[base]! : this.used;
    for (let id = base; id < this.count; id++) {
      if (live[id] === 0) continue;
      const off = this.offs[id]!;
      const len = this.lens[id]!;
      for (let i = 0; i < len; i++) {
        const kid = this.kidPool[off + i]!;
        this.startPool[used + i] = this.startPool[off + i]!;
        this.kidPool[used + i] = kid >= 0 ? moved[kid]! : kid;
      }
      this.dims[next] = this.dims[id]!;
      this.offs[next] = used;
      this.lens[next] = len;
      moved[id] = next;
      used += len;
      next++;
    }
    // Moving changes kid ids, hence hashes: recompute them for the moved part.
    for (let id = base; id < next; id++) {
      const off = this.offs[id]!;
      let h = Math.imul(this.dims[id]! + 1, 0x9e3779b1);
      for (let i = 0; i < this.lens[id]!; i++) {
        h = Math.imul(h ^ this.startPool[off + i]!, 0x85ebca6b);
        h = Math.imul(h ^ this.kidPool[off + i]!, 0xc2b2ae35);
        h ^= h >>> 15;
      }
      this.hashes[id] = h;
    }
    this.count = next;
    this.used = used;
    let size = 4096;
    while (size < this.count * 2) size *= 2;
    this.rehash(size);
    return roots.map((r) => (r >= 0 ? moved[r]! : r));
  }

  isLeaf(id: number): boolean {
    return id < 0;
  }
  /** The level a node tests; DIMS for a leaf. */
  levelOf(id: number): number {
    return id < 0 ? DIMS : this.dims[id]!;
  }
  labelOf(id: number): string {
    return id < 0 ? (this.labels[-1 - id] ?? '') : '';
  }
  /** Number of children of a node (0 for a leaf). */
  widthOf(id: number): number {
    return id < 0 ? 0 : this.lens[id]!;
  }
  startAt(id: number, i: number): number {
    return this.startPool[this.offs[id]! + i]!;
  }
  kidAt(id: number, i: number): number {
    return this.kidPool[this.offs[id]! + i]!;
  }
  startsOf(id: number): Int32Array {
    return id < 0 ? new Int32Array(0) : this.startPool.subarray(this.offs[id]!, this.offs[id]! + this.lens[id]!);
  }
  kidsOf(id: number): Int32Array {
    return id < 0 ? new Int32Array(0) : this.kidPool.subarray(this.offs[id]!, this.offs[id]! + this.lens[id]!);
  }

  /** The child of `id` holding rank `r` at level `level` (itself when `id` skips that level). */
  step(id: number, level: number, r: number): number {
    if (id < 0 || this.dims[id] !== level) return id;
    const off = this.offs[id]!;
    let lo = 0;
    let hi = this.lens[id]! - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.startPool[off + mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    return this.kidPool[off + lo]!;
  }

  /** Every leaf label reachable from a root. */
  leaves(root: number): Set<string> {
    const seen = new Set<number>();
    const out = new Set<string>();
    const stack = [root];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (this.isLeaf(id)) out.add(this.labelOf(id));
      else for (const k of this.kidsOf(id)) stack.push(k);
    }
    return out;
  }
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

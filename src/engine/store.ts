/**
 * The node store of interval decision diagrams: hash-consed nodes in flat typed arrays (a node is its
 * level, then its children's start ranks and ids), leaves by label. See diagram.ts for what they mean.
 */
import { DIMS } from './space.js';

/** Grows a typed array to hold at least `need` entries. */
export function grown(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
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


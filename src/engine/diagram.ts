/**
 * Interval decision diagrams: a canonical, hash-consed partition of the flow space.
 *
 * A node tests one dimension: its children cover consecutive rank intervals and adjacent children always
 * differ; a node with one child is replaced by the child, so dimensions may be skipped. Leaves carry a label
 * (the decision, or the deciding rules). Because the form is canonical within a Store, two policies built
 * in one Store allow the same flows exactly when their roots are the same node.
 *
 * Building is a sweep per dimension over the boxes in priority order (first-match). Boxes that cover the
 * rest of the space entirely end the list early: nothing below them can decide.
 */
import { DIMS } from './space.js';
import type { RankedBoxes, Ranks } from './ranks.js';

/** Turns the rules covering a cell, in priority order and distinct, into a leaf label. */
export interface Labeler {
  /** How many leading distinct rules the label needs. */
  readonly depth: number;
  label(rules: readonly number[]): string;
}

export class Store {
  private readonly dims: number[] = [];
  private readonly starts: Int32Array[] = [];
  private readonly kids: Int32Array[] = [];
  private readonly labels: string[] = [];
  private readonly table = new Map<string, number>();
  /** The leaf of cells no box reaches (outside every governed direction). */
  readonly void: number;

  constructor() {
    this.void = this.leaf('');
  }

  get size(): number {
    return this.dims.length;
  }

  leaf(label: string): number {
    const key = `L${label}`;
    let id = this.table.get(key);
    if (id === undefined) {
      id = this.dims.length;
      this.dims.push(DIMS);
      this.starts.push(new Int32Array(0));
      this.kids.push(new Int32Array(0));
      this.labels.push(label);
      this.table.set(key, id);
    }
    return id;
  }

  /** A node over `dim`, reduced and shared. `starts[0]` must be 0. */
  node(dim: number, starts: number[], kids: number[]): number {
    const s: number[] = [];
    const k: number[] = [];
    for (let i = 0; i < kids.length; i++) {
      if (k.length > 0 && k[k.length - 1] === kids[i]) continue;
      s.push(starts[i]!);
      k.push(kids[i]!);
    }
    if (k.length === 1) return k[0]!;
    const key = `${dim}|${s.join(',')}|${k.join(',')}`;
    let id = this.table.get(key);
    if (id === undefined) {
      id = this.dims.length;
      this.dims.push(dim);
      this.starts.push(Int32Array.from(s));
      this.kids.push(Int32Array.from(k));
      this.labels.push('');
      this.table.set(key, id);
    }
    return id;
  }

  isLeaf(id: number): boolean {
    return this.dims[id] === DIMS;
  }
  dimOf(id: number): number {
    return this.dims[id]!;
  }
  labelOf(id: number): string {
    return this.labels[id]!;
  }
  startsOf(id: number): Int32Array {
    return this.starts[id]!;
  }
  kidsOf(id: number): Int32Array {
    return this.kids[id]!;
  }

  /** The child of `id` holding rank `r` of dimension `dim` (itself when `id` skips that dimension). */
  step(id: number, dim: number, r: number): number {
    if (this.dims[id] !== dim) return id;
    const s = this.starts[id]!;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    return this.kids[id]![lo]!;
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
      if (this.isLeaf(id)) out.add(this.labels[id]!);
      else for (const k of this.kids[id]!) stack.push(k);
    }
    return out;
  }
}

/** Builds the diagram of ranked boxes (in priority order) into a store. */
export function buildDiagram(store: Store, ranks: Ranks, boxes: RankedBoxes, labeler: Labeler): number {
  const size = Array.from({ length: DIMS }, (_, d) => ranks.size(d));
  // fullFrom[i]: the first dimension from which box i covers everything below.
  const fullFrom = new Int32Array(boxes.count);
  for (let i = 0; i < boxes.count; i++) {
    let d = DIMS;
    while (d > 0 && boxes.lo[i * DIMS + d - 1] === 0 && boxes.hi[i * DIMS + d - 1] === size[d - 1]! - 1) d--;
    fullFrom[i] = d;
  }
  const memo: Array<Map<string, number>> = Array.from({ length: DIMS + 1 }, () => new Map());
  const depth = labeler.depth;
  const gone = new Uint8Array(boxes.count);

  const leafFor = (ids: readonly number[]): number => {
    const rules: number[] = [];
    for (const id of ids) {
      const r = boxes.rule[id]!;
      if (!rules.includes(r)) {
        rules.push(r);
        if (rules.length === depth) break;
      }
    }
    return store.leaf(labeler.label(rules));
  };

  const build = (input: readonly number[], d: number): number => {
    if (input.length === 0) return store.void;
    // Truncate after the box that completes `depth` distinct rules among boxes covering all that is left.
    let ids = input;
    let allFull = true;
    const fullRules: number[] = [];
    for (let j = 0; j < input.length; j++) {
      const id = input[j]!;
      if (fullFrom[id]! <= d) {
        const r = boxes.rule[id]!;
        if (!fullRules.includes(r)) fullRules.push(r);
        if (fullRules.length === depth) {
          ids = input.slice(0, j + 1);
          break;
        }
      } else {
        allFull = false;
      }
    }
    if (d === DIMS || allFull) return leafFor(ids);
    const key = ids.join(',');
    const cached = memo[d]!.get(key);
    if (cached !== undefined) return cached;

    // Sweep dimension d in rank order; `active` stays in priority order.
    const lo = (id: number): number => boxes.lo[id * DIMS + d]!;
    const hi = (id: number): number => boxes.hi[id * DIMS + d]!;
    const byLo = [...ids].sort((a, b) => lo(a) - lo(b) || a - b);
    const byHi = [...ids].sort((a, b) => hi(a) - hi(b));
    const starts: number[] = [];
    const kids: number[] = [];
    let active: number[] = [];
    let i = 0;
    let j = 0;
    let at = 0;
    while (at < size[d]!) {
      const removed: number[] = [];
      while (j < byHi.length && hi(byHi[j]!) < at) removed.push(byHi[j++]!);
      if (removed.length > 0) {
        for (const id of removed) gone[id] = 1;
        active = active.filter((id) => gone[id] === 0);
        for (const id of removed) gone[id] = 0;
      }
      const added: number[] = [];
      while (i < byLo.length && lo(byLo[i]!) === at) added.push(byLo[i++]!);
      if (added.length > 0) active = mergeSorted(active, added.sort((a, b) => a - b));
      starts.push(at);
      kids.push(active.length === 0 ? store.void : build(active, d + 1));
      const nextStart = i < byLo.length ? lo(byLo[i]!) : Infinity;
      const nextEnd = j < byHi.length ? hi(byHi[j]!) + 1 : Infinity;
      at = Math.min(nextStart, nextEnd);
    }
    const result = store.node(d, starts, kids);
    memo[d]!.set(key, result);
    return result;
  };

  return build(Array.from({ length: boxes.count }, (_, i) => i), 0);
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

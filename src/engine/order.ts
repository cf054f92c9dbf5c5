/**
 * The order in which a diagram tests the dimensions. The size of a diagram depends on it by orders of
 * magnitude: a rule spanning a dimension entirely (any port, any peer) is repeated under every cell of the
 * dimensions tested before it. Direction, family and protocol come first (few values), the local side
 * last (most rules name few local values, or all of them). Port and peer are chosen per analysis: many
 * "any port from this peer" rules want the peer first; many "this port from a wide range" rules want
 * the port first.
 *
 * The estimate: within each (direction, family, protocol) cell, sweep dimension A and count, per cell of A,
 * the distinct boundaries in dimension B of the boxes covering it: roughly the width of the nodes over B if
 * B came right after A. The cheaper way round wins. Any order is exact; the choice only costs time, so
 * large analyses estimate on an even sample of their boxes.
 */
import { DIM, DIMS } from './space.js';
import type { RankedBoxes, Ranks } from './ranks.js';

/** Levels → dimensions: `order[level]` is the dimension a node of that level tests. */
export type DimOrder = readonly number[];

/** Picks the dimension order for boxes ranked in `ranks` (every policy of one analysis). */
export function chooseOrder(ranks: Ranks, boxSets: readonly RankedBoxes[]): DimOrder {
  const all = concat(boxSets);
  const contexts = contextsOf(ranks, all);
  const cost = (a: number, b: number): number => contexts.reduce((sum, ids) => sum + pairCost(ranks, all, ids, a, b), 0);
  const portFirst = cost(DIM.port, DIM.peer) <= cost(DIM.peer, DIM.port);
  return [DIM.direction, DIM.family, DIM.protocol, ...(portFirst ? [DIM.port, DIM.peer] : [DIM.peer, DIM.port]), DIM.local];
}

function concat(sets: readonly RankedBoxes[]): RankedBoxes {
  const count = sets.reduce((n, s) => n + s.count, 0);
  const lo = new Int32Array(count * DIMS);
  const hi = new Int32Array(count * DIMS);
  const rule = new Int32Array(count);
  let at = 0;
  for (const s of sets) {
    lo.set(s.lo, at * DIMS);
    hi.set(s.hi, at * DIMS);
    rule.set(s.rule, at);
    at += s.count;
  }
  return { count, lo, hi, rule };
}

/** How many boxes the estimate looks at, at most. */
const SAMPLE = 20_000;

/** The boxes of each (direction, family, protocol) cell; a box spanning several cells is in each. */
function contextsOf(ranks: Ranks, boxes: RankedBoxes): Int32Array[] {
  const protocols = ranks.size(DIM.protocol);
  const lists: number[][] = Array.from({ length: 4 * protocols }, () => []);
  const stride = Math.max(1, Math.ceil(boxes.count / SAMPLE));
  for (let i = 0; i < boxes.count; i += stride) {
    const at = i * DIMS;
    for (let dir = boxes.lo[at + DIM.direction]!; dir <= boxes.hi[at + DIM.direction]!; dir++) {
      for (let fam = boxes.lo[at + DIM.family]!; fam <= boxes.hi[at + DIM.family]!; fam++) {
        for (let p = boxes.lo[at + DIM.protocol]!; p <= boxes.hi[at + DIM.protocol]!; p++) {
          lists[(dir * 2 + fam) * protocols + p]!.push(i);
        }
      }
    }
  }
  return lists.filter((l) => l.length > 0).map((l) => Int32Array.from(l));
}

/** Σ over the cells of dimension `a` of the distinct boundaries in dimension `b` of the boxes covering it. */
function pairCost(ranks: Ranks, boxes: RankedBoxes, ids: Int32Array, a: number, b: number): number {
  const { lo, hi } = boxes;
  const byLo = Int32Array.from(ids).sort((x, y) => lo[x * DIMS + a]! - lo[y * DIMS + a]!);
  const byEnd = Int32Array.from(ids).sort((x, y) => hi[x * DIMS + a]! - hi[y * DIMS + a]!);
  const counts = new Map<number, number>();
  const bump = (value: number, delta: number): void => {
    const c = (counts.get(value) ?? 0) + delta;
    if (c === 0) counts.delete(value);
    else counts.set(value, c);
  };
  const cells = ranks.size(a);
  let total = 0;
  let i = 0;
  let j = 0;
  let at = 0;
  while (at < cells) {
    while (j < byEnd.length && hi[byEnd[j]! * DIMS + a]! < at) {
      const box = byEnd[j++]! * DIMS;
      bump(lo[box + b]!, -1);
      bump(hi[box + b]! + 1, -1);
    }
    while (i < byLo.length && lo[byLo[i]! * DIMS + a]! <= at) {
      const box = byLo[i++]! * DIMS;
      bump(lo[box + b]!, 1);
      bump(hi[box + b]! + 1, 1);
    }
    const nextStart = i < byLo.length ? lo[byLo[i]! * DIMS + a]! : cells;
    const nextEnd = j < byEnd.length ? hi[byEnd[j]! * DIMS + a]! + 1 : cells;
    const next = Math.min(nextStart, nextEnd, cells);
    total += counts.size * (next - at);
    at = next;
  }
  return total;
}

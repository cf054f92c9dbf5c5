/**
 * Coordinate compression: every box boundary of an analysis, per dimension, sorted. The diagram works on
 * the ranks of elementary intervals (small integers) instead of bigint coordinates.
 */
import { DIMS, type RawBox } from './space.js';

/** Boxes in rank coordinates, flat: box i spans lo[i*DIMS+d] .. hi[i*DIMS+d]. */
export interface RankedBoxes {
  readonly count: number;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly rule: Int32Array;
}

export class Ranks {
  /** Per dimension, the sorted distinct starts of elementary intervals, plus one past the last end. */
  readonly bounds: bigint[][];

  /** `extra` adds cut points of a dimension that no box needs but a reader does. */
  constructor(boxSets: ReadonlyArray<readonly RawBox[]>, extra: Readonly<Record<number, readonly bigint[]>> = {}) {
    const sets: Array<Set<bigint>> = Array.from({ length: DIMS }, (_, d) => new Set<bigint>(extra[d] ?? []));
    for (const boxes of boxSets) {
      for (const b of boxes) {
        for (let d = 0; d < DIMS; d++) {
          sets[d]!.add(b.lo[d]!);
          sets[d]!.add(b.hi[d]! + 1n);
        }
      }
    }
    this.bounds = sets.map((s) => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Number of elementary intervals in a dimension. */
  size(d: number): number {
    return Math.max(0, this.bounds[d]!.length - 1);
  }

  /** The rank of the elementary interval holding a coordinate, or -1 when no box reaches it. */
  rankOf(d: number, value: bigint): number {
    const b = this.bounds[d]!;
    let lo = 0;
    let hi = b.length - 1;
    if (hi < 0 || value < b[0]! || value >= b[hi]!) return -1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (b[mid]! <= value) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Raw inclusive interval of a rank interval. */
  span(d: number, fromRank: number, toRank: number): [bigint, bigint] {
    const b = this.bounds[d]!;
    return [b[fromRank]!, b[toRank + 1]! - 1n];
  }

  /** The index of a value that is one of the bounds of dimension `d`. */
  private boundIndex(d: number, value: bigint): number {
    const b = this.bounds[d]!;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  rank(boxes: readonly RawBox[]): RankedBoxes {
    const n = boxes.length;
    const lo = new Int32Array(n * DIMS);
    const hi = new Int32Array(n * DIMS);
    const rule = new Int32Array(n);
    boxes.forEach((b, i) => {
      rule[i] = b.rule;
      for (let d = 0; d < DIMS; d++) {
        lo[i * DIMS + d] = this.boundIndex(d, b.lo[d]!);
        hi[i * DIMS + d] = this.boundIndex(d, b.hi[d]! + 1n) - 1;
      }
    });
    return { count: n, lo, hi, rule };
  }
}

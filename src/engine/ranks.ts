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
  /** The bounds as doubles (rounded, but in the same order): most of a lookup's search runs on these. */
  private readonly approx: Float64Array[];

  /** `extra` adds cut points of a dimension that no box needs but a reader does. */
  constructor(boxSets: ReadonlyArray<readonly RawBox[]>, extra: Readonly<Record<number, readonly bigint[]>> = {}) {
    const all: bigint[][] = Array.from({ length: DIMS }, (_, d) => [...(extra[d] ?? [])]);
    for (const boxes of boxSets) {
      for (const b of boxes) {
        for (let d = 0; d < DIMS; d++) {
          all[d]!.push(b.lo[d]!, b.hi[d]! + 1n);
        }
      }
    }
    this.bounds = all.map(sortedDistinct);
    this.approx = this.bounds.map((b) => Float64Array.from(b, Number));
  }

  /** Number of elementary intervals in a dimension. */
  size(d: number): number {
    return Math.max(0, this.bounds[d]!.length - 1);
  }

  /** The rank of the elementary interval holding a coordinate, or -1 when no box reaches it. */
  rankOf(d: number, value: bigint): number {
    const b = this.bounds[d]!;
    const a = this.approx[d]!;
    const last = b.length - 1;
    if (last < 0 || value < b[0]! || value >= b[last]!) return -1;
    // Rounding to a double keeps order but may tie: the answer is the last bound <= value, which lies
    // between the first bound whose double reaches x and the last whose double does not pass it.
    const x = Number(value);
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    const firstTie = lo;
    hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    // Exact search among [firstTie - 1, lo]: b[firstTie - 1] <= value holds since its double is below x.
    let from = firstTie - 1;
    let to = lo;
    while (from < to) {
      const mid = (from + to + 1) >> 1;
      if (b[mid]! <= value) from = mid;
      else to = mid - 1;
    }
    return from;
  }

  /** Raw inclusive interval of a rank interval. */
  span(d: number, fromRank: number, toRank: number): [bigint, bigint] {
    const b = this.bounds[d]!;
    return [b[fromRank]!, b[toRank + 1]! - 1n];
  }

  /** The index of a value that is one of the bounds of dimension `d`. */
  private boundIndex(d: number, value: bigint): number {
    const b = this.bounds[d]!;
    return value === b[b.length - 1] ? b.length - 1 : this.rankOf(d, value);
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

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Sorted distinct values. Not a Set: bigints hash by their low digits, on which IPv6 prefixes all agree.
 * Values that fit a double (ports, protocols, IPv4) sort natively as doubles; only the rest compare as
 * bigints.
 */
function sortedDistinct(values: readonly bigint[]): bigint[] {
  const small = new Float64Array(values.length);
  const big: bigint[] = [];
  let n = 0;
  for (const v of values) {
    if (v <= SAFE) small[n++] = Number(v);
    else big.push(v);
  }
  const sorted = small.subarray(0, n).sort();
  big.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(BigInt(sorted[i]!));
  for (let i = 0; i < big.length; i++) if (i === 0 || big[i] !== big[i - 1]) out.push(big[i]!);
  return out;
}

import type { Direction, Policy } from '../model/index.js';
import { Analysis } from './analysis.js';
import { diffRegion, type DiffRegion } from './regions.js';
import type { EncodeOptions } from './space.js';

export type { DiffRegion };

export interface Comparison {
  readonly equivalent: boolean;
  /** Directions both policies govern: the ones compared. */
  readonly directions: readonly Direction[];
  /** Directions only one side governs: not compared, reported. */
  readonly skipped: readonly Direction[];
  /** Flows the first policy allows and the second denies. */
  readonly onlyA: readonly DiffRegion[];
  /** Flows the second policy allows and the first denies. */
  readonly onlyB: readonly DiffRegion[];
  /** True when more regions differ than `limit` allowed listing. */
  readonly truncated: boolean;
}

export interface CompareOptions extends EncodeOptions {
  /** Most regions listed per side (default 200). The verdict is exact regardless. */
  readonly limit?: number;
}

/**
 * Compares what two policies allow, exactly. Group references are equal only to themselves or to what
 * `mapRef` says. Directions only one side governs are skipped and named in the result.
 */
export function compare(a: Policy, b: Policy, options: CompareOptions = {}): Comparison {
  const directions = a.directions.filter((d) => b.directions.includes(d));
  const skipped = [...new Set([...a.directions, ...b.directions])].filter((d) => !directions.includes(d));
  const analysis = new Analysis([a, b], options, directions);
  const [rootA, rootB] = analysis.decisionPair();
  if (rootA === rootB) return { equivalent: true, directions, skipped, onlyA: [], onlyB: [], truncated: false };
  const limit = options.limit ?? 200;
  const onlyA: DiffRegion[] = [];
  const onlyB: DiffRegion[] = [];
  let truncated = false;
  for (const [side, want] of [[onlyA, 'allow'], [onlyB, 'deny']] as const) {
    truncated =
      analysis.walk(
        rootA,
        rootB,
        (_la, _lb, region) => side.push(diffRegion(region, analysis.atoms)),
        { limit, skip: (la, lb) => la === lb || la !== want, skipIdentical: true },
      ) || truncated;
  }
  const equivalent = onlyA.length === 0 && onlyB.length === 0;
  return { equivalent, directions, skipped, onlyA, onlyB, truncated };
}

/**
 * One analysis: policies encoded into a shared flow space (same atoms, same ranks, same node store), so
 * that their diagrams can be compared node for node.
 */
import type { Action, Direction, IpVersion, Policy } from '../model/index.js';
import { buildDiagram, buildPair, type Labeler } from './diagram.js';
import { Store } from './store.js';
import { chooseOrder, type DimOrder } from './order.js';
import { Ranks, type RankedBoxes } from './ranks.js';
import type { Region } from './regions.js';
import { AtomTable, DIM, DIMS, atomBase, directionOf, familyOf, policyBoxes, type EncodeOptions, type RawBox } from './space.js';

/** The action of a rule index, defaults included. */
export function actionOf(policy: Policy, ruleIndex: number): Action {
  const n = policy.rules.length;
  if (ruleIndex < n) return policy.rules[ruleIndex]!.action;
  return ruleIndex === n ? policy.defaults.ingress : policy.defaults.egress;
}

/** Labels a cell with the decision of its first rule: `allow` or `deny`. */
export function decisionLabeler(policy: Policy): Labeler {
  return { depth: 1, label: (rules) => actionOf(policy, rules[0]!) };
}

/** Labels a cell with its first `depth` rule indices, comma-joined. */
export function indexLabeler(depth: number): Labeler {
  return { depth, label: (rules) => rules.join(',') };
}

export interface WalkOptions {
  /** Stop after this many visits. */
  readonly limit: number;
  /** Pairs of leaf labels not to visit. */
  readonly skip: (labelA: string, labelB: string) => boolean;
  /** Prune shared subtrees: true when every pair (l, l) is skipped. */
  readonly skipIdentical: boolean;
}

export class Analysis {
  readonly atoms = new AtomTable();
  readonly store = new Store();
  readonly ranks: Ranks;
  /** The dimension each diagram level tests. */
  readonly order: DimOrder;
  private readonly boxes: RankedBoxes[];
  /**
   * Per dimension, the rank where each family's unnamed atom slots begin (address dimensions only). A cut
   * applies only inside its own family: the IPv4 one falls inside the IPv6 address range, where it means nothing.
   */
  private readonly cuts: ReadonlyArray<ReadonlyArray<readonly [IpVersion, number]>>;

  /**
   * Encodes the policies; `directions` restricts every policy to those directions. `order` overrides the
   * dimension order (any order starting with direction and family is exact; see order.ts).
   */
  constructor(
    readonly policies: readonly Policy[],
    readonly options: EncodeOptions = {},
    directions?: readonly Direction[],
    order?: DimOrder,
  ) {
    const raw: RawBox[][] = policies.map((p) => policyBoxes(p, this.atoms, options, directions ?? p.directions));
    const named = [this.namedEnd(4), this.namedEnd(6)];
    this.ranks = new Ranks(raw, { [DIM.peer]: named, [DIM.local]: named });
    this.boxes = raw.map((b) => this.ranks.rank(b));
    this.order = order ?? chooseOrder(this.ranks, this.boxes);
    this.cuts = Array.from({ length: DIMS }, (_, d) =>
      d === DIM.peer || d === DIM.local
        ? ([4, 6] as const).map((v, i) => [v, this.ranks.rankOf(d, named[i]!)] as const).filter(([, r]) => r >= 0)
        : [],
    );
  }

  /** One past the last atom a reference of this analysis names. */
  namedEnd(v: IpVersion): bigint {
    return atomBase(v) + BigInt(this.atoms.keys.length);
  }

  /** The diagram of policy `i` under a labeler. */
  diagram(i: number, labeler: Labeler): number {
    return buildDiagram(this.store, this.ranks, this.order, this.boxes[i]!, labeler);
  }

  /** The decision diagrams of policies 0 and 1, their common rules built once. */
  decisionPair(): [number, number] {
    const [a, b] = this.policies as [Policy, Policy];
    return buildPair(this.store, this.ranks, this.order, { boxes: this.boxes[0]!, labeler: decisionLabeler(a) }, { boxes: this.boxes[1]!, labeler: decisionLabeler(b) });
  }

  /**
   * Walks two diagrams side by side and visits every maximal box where the pair of leaves is not skipped.
   * Cells no box reaches, and atom slots no reference names, are never visited. Returns true when it
   * stopped at the limit.
   */
  walk(a: number, b: number, visit: (labelA: string, labelB: string, region: Region) => void, options: WalkOptions): boolean {
    const { store, ranks, order } = this;
    const lo = new Array<number>(DIMS).fill(0);
    const hi = Array.from({ length: DIMS }, (_, d) => ranks.size(d) - 1);
    let count = 0;
    const rec = (x: number, y: number): boolean => {
      if (count >= options.limit) return true;
      if (x === y && options.skipIdentical) return false;
      if (store.isLeaf(x) && store.isLeaf(y)) {
        const la = store.labelOf(x);
        const lb = store.labelOf(y);
        if (la === '' || lb === '' || options.skip(la, lb) || this.unnamed(lo)) return false;
        count++;
        visit(la, lb, this.region(lo, hi));
        return false;
      }
      // The next level either node tests; dimensions both skip keep their current span. Direction and
      // family (levels 0 and 1) are always split first: a region names one of each.
      let level = Math.min(store.levelOf(x), store.levelOf(y));
      for (const forced of [0, 1]) {
        if (forced < level && lo[order[forced]!] !== hi[order[forced]!]) {
          level = forced;
          break;
        }
      }
      const dim = order[level]!;
      const cuts = new Set<number>([lo[dim]!]);
      if (dim === DIM.direction || dim === DIM.family) for (let r = lo[dim]! + 1; r <= hi[dim]!; r++) cuts.add(r);
      for (const n of [x, y]) {
        if (store.levelOf(n) === level) for (const s of store.startsOf(n)) if (s > lo[dim]! && s <= hi[dim]!) cuts.add(s);
      }
      if (this.cuts[dim]!.length > 0) {
        const family = familyOf(this.ranks.span(DIM.family, lo[DIM.family]!, lo[DIM.family]!)[0]);
        for (const [v, c] of this.cuts[dim]!) if (v === family && c > lo[dim]! && c <= hi[dim]!) cuts.add(c);
      }
      const sorted = [...cuts].sort((p, q) => p - q);
      const saveLo = lo[dim]!;
      const saveHi = hi[dim]!;
      let stopped = false;
      for (let i = 0; i < sorted.length && !stopped; i++) {
        lo[dim] = sorted[i]!;
        hi[dim] = i + 1 < sorted.length ? sorted[i + 1]! - 1 : saveHi;
        stopped = rec(store.step(x, level, lo[dim]!), store.step(y, level, lo[dim]!));
      }
      lo[dim] = saveLo;
      hi[dim] = saveHi;
      return stopped;
    };
    return rec(a, b);
  }

  /** True when a cell's source or destination starts in the unnamed atom slots of its family. */
  private unnamed(lo: number[]): boolean {
    const v = familyOf(this.ranks.span(DIM.family, lo[DIM.family]!, lo[DIM.family]!)[0]);
    const end = this.namedEnd(v);
    const at = (d: number): bigint => this.ranks.span(d, lo[d]!, lo[d]!)[0];
    return at(DIM.peer) >= end || at(DIM.local) >= end;
  }

  private region(lo: number[], hi: number[]): Region {
    const s = (d: number): [bigint, bigint] => this.ranks.span(d, lo[d]!, hi[d]!);
    const direction = directionOf(s(DIM.direction)[0]);
    const [src, dst] = direction === 'ingress' ? [DIM.peer, DIM.local] : [DIM.local, DIM.peer];
    return {
      direction,
      version: familyOf(s(DIM.family)[0]),
      protocol: [Number(s(DIM.protocol)[0]), Number(s(DIM.protocol)[1])],
      port: [Number(s(DIM.port)[0]), Number(s(DIM.port)[1])],
      src: s(src),
      dst: s(dst),
    };
  }
}

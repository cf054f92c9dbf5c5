/**
 * Which of ruleport's copies of one source NACL a migration converges on, and whether it may be edited. Pure.
 *
 * A NACL evaluates its entries in rule-number order, first match wins, and the API changes one entry per call. So
 * editing a NACL that subnets use passes through rule sets that are neither the old one nor the new one: replacing
 * #90 before #100 can let through, for a while, what both deny; with --prune, creates before deletes can exceed the
 * entry quota. A serial order that never allows more than old ∪ new exists only through states that allow less
 * than both (dropping traffic both rule sets accept) and must fit the quota at every step — entries keep their
 * source's rule numbers, so there is no free number to stage through. Blue/green has neither problem: a copy in
 * use is never edited. A new copy is built with every entry, read back and proven equivalent to the source, each
 * subnet moves onto it in one ReplaceNetworkAclAssociation (one atomic switch from the old rule set to the new),
 * and the old copy is deleted. A copy that no subnet uses is edited in place.
 *
 * Several copies of one source are what a run stopped midway through such a replacement leaves (or a duplicate
 * made by hand): one is kept — a copy that already holds the wanted entries, else one no subnet uses — and the
 * others are retired (their subnets move onto the kept one, then they are deleted), so none is left behind.
 */
import type { NaclEntry } from '../platforms/aws-nacl/index.js';

/** One of ruleport's copies of a source NACL, as the destination holds it now. */
export interface OwnedCopy {
  readonly aclId: string;
  /** Entries of both directions by `entryKey`, without the `*` entries. */
  readonly entries: ReadonlyMap<string, NaclEntry>;
  /** The subnets on it, each with the association that binds it. */
  readonly subnets: readonly { readonly subnetId: string; readonly associationId: string }[];
}

export type NaclTarget =
  /** `copy` holds the wanted entries already (in use or not): nothing to edit. */
  | { readonly how: 'ready'; readonly copy: OwnedCopy; readonly retire: readonly OwnedCopy[] }
  /** `copy` is used by no subnet: its entries are edited in place. */
  | { readonly how: 'in-place'; readonly copy: OwnedCopy; readonly retire: readonly OwnedCopy[] }
  /** Every copy is in use and differs: a new copy is built (blue/green). */
  | { readonly how: 'new'; readonly retire: readonly OwnedCopy[] };

/** `ingress #100`: an entry's direction and rule number, unique within a NACL. */
export function entryKey(e: Pick<NaclEntry, 'Egress' | 'RuleNumber'>): string {
  return `${e.Egress ? 'egress' : 'ingress'} #${e.RuleNumber}`;
}

/** True when two entries say the same (entries come from `renderNetworkAcl`, so their fields are in one order). */
export function sameEntry(a: NaclEntry, b: NaclEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function holds(copy: OwnedCopy, want: ReadonlyMap<string, NaclEntry>): boolean {
  if (copy.entries.size !== want.size) return false;
  for (const [k, e] of want) {
    const have = copy.entries.get(k);
    if (!have || !sameEntry(have, e)) return false;
  }
  return true;
}

/**
 * Picks the copy to keep: one holding `want` (the one with the most subnets: fewest moves), else one no subnet
 * uses (lowest id), else none (build a new one). Every other copy is retired.
 * @param copies ruleport's copies of one source, in id order.
 */
export function chooseNaclTarget(copies: readonly OwnedCopy[], want: ReadonlyMap<string, NaclEntry>): NaclTarget {
  const others = (keep: OwnedCopy) => copies.filter((c) => c !== keep);
  const ready = copies.filter((c) => holds(c, want)).sort((a, b) => b.subnets.length - a.subnets.length)[0];
  if (ready) return { how: 'ready', copy: ready, retire: others(ready) };
  const idle = copies.find((c) => c.subnets.length === 0);
  if (idle) return { how: 'in-place', copy: idle, retire: others(idle) };
  return { how: 'new', retire: copies };
}

/**
 * Proof that a security group migration arrived: each copy, read back from the destination, allows exactly what its
 * source allows, with source group and prefix-list references standing for their destination counterparts.
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { compare, type Comparison } from '../engine/index.js';
import type { Policy } from '../model/index.js';
import type { PrefixListEntry } from './migrate-prefix-lists.js';
import { groupPolicy } from './migrate-sg-atoms.js';
import type { SlotIds } from './migrate-slots.js';
import type { SgMigrationPlan } from './migrate-sg-plan.js';
import type { SourceScope } from './migrate-source.js';

export interface GroupVerdict {
  readonly sourceId: string;
  readonly sourceName: string;
  readonly copyId: string;
  readonly name: string;
  readonly source: Policy;
  readonly copy: Policy;
  /** The copy against the source without the rules `--drop-unresolved` skipped: must be equivalent. */
  readonly comparison: Comparison;
  /** The copy against the whole source, when rules were skipped: what the migration lost, exactly. */
  readonly lost?: Comparison;
  /** References the copy makes to source objects instead of their copies (possible within one account and region). */
  readonly leaks: readonly string[];
}

export interface PrefixListVerdict {
  readonly sourceId: string;
  readonly copyId: string;
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

/**
 * The mapping `compare` applies to reference keys: a source group (`group:sg-src@srcAccount`) or prefix list
 * becomes its destination counterpart; every other key is left alone.
 */
export function referenceMapping(m: SgMigrationPlan, ids: SlotIds, src: SourceScope, dst: SourceScope): (key: string) => string {
  return (key: string): string => {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const ref = key.slice(colon + 1);
    if (kind === 'group') {
      const [id, account] = ref.split('@') as [string, string | undefined];
      const slot = m.slots.get(id);
      const to = slot === undefined ? undefined : ids.peek(slot);
      if (to !== undefined && (account === undefined || account === src.account)) return `group:${to}@${dst.account}`;
      return key;
    }
    if (kind === 'prefix-list') {
      const slot = m.slots.get(ref);
      const to = slot === undefined ? undefined : ids.peek(slot);
      return to === undefined ? key : `prefix-list:${to}`;
    }
    return key;
  };
}

/** Compares every copy (read back after apply) with its source. */
export function verifyGroups(m: SgMigrationPlan, ids: SlotIds, readBack: readonly SecurityGroup[], src: SourceScope, dst: SourceScope): GroupVerdict[] {
  const mapRef = referenceMapping(m, ids, src, dst);
  const byId = new Map(readBack.map((g) => [g.GroupId!, g]));
  const sourceIds = new Map<string, string>();
  for (const [from, slot] of m.slots) {
    const to = ids.peek(slot);
    if (to !== undefined && to !== from) sourceIds.set(from, to);
  }
  return m.copies.map((c) => {
    const copyId = ids.resolve(c.slot);
    const group = byId.get(copyId);
    if (!group) throw new Error(`copy ${copyId} of ${c.sourceId} was not read back`);
    const copy = groupPolicy(group, `aws:${dst.region}/${copyId}`);
    const { source, intended } = m.policies.get(c.sourceId)!;
    const comparison = compare(intended, copy, { mapRef, limit: 20 });
    const lost = intended.rules.length < source.rules.length ? compare(source, copy, { mapRef, limit: 20 }) : undefined;
    const leaks = [...new Set(copy.rules.flatMap((r) => (r.peer.kind === 'list' ? r.peer.items : [])).flatMap((item) => {
      const id = item.kind === 'group' ? item.ref.split('@')[0]! : item.kind === 'prefix-list' ? item.id : undefined;
      return id !== undefined && sourceIds.has(id) ? [`${id} (instead of ${sourceIds.get(id)})`] : [];
    }))];
    return { sourceId: c.sourceId, sourceName: c.sourceName, copyId, name: c.name, source, copy, comparison, ...(lost ? { lost } : {}), leaks };
  });
}

/** Compares the CIDRs of a copied prefix list with its source's. */
export function verifyPrefixList(sourceId: string, copyId: string, want: readonly PrefixListEntry[], have: readonly PrefixListEntry[]): PrefixListVerdict {
  const w = new Set(want.map((e) => e.cidr));
  const h = new Set(have.map((e) => e.cidr));
  return { sourceId, copyId, missing: [...w].filter((c) => !h.has(c)), extra: [...h].filter((c) => !w.has(c)) };
}

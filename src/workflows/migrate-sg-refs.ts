/**
 * Reference remapping for security group migration: which groups the selected groups reference, and what each
 * reference becomes in the destination — a migrated copy (cycles and self-references included), the destination
 * VPC's `default` group, or nothing (an error naming it, or rules dropped with `--drop-unresolved`).
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';

/** A group reference as a permission holds it. */
export interface GroupRef {
  readonly groupId: string;
  readonly userId?: string;
}

/** Every group a group's rules reference (both directions), each once. */
export function groupReferences(group: SecurityGroup): GroupRef[] {
  const out = new Map<string, GroupRef>();
  for (const perm of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
    for (const pair of perm.UserIdGroupPairs ?? []) {
      if (pair.GroupId && !out.has(pair.GroupId)) out.set(pair.GroupId, { groupId: pair.GroupId, ...(pair.UserId ? { userId: pair.UserId } : {}) });
    }
  }
  return [...out.values()];
}

/** A referenced group that has no counterpart in the destination. */
export interface UnresolvedGroup {
  readonly groupId: string;
  readonly name?: string;
  /** Why it cannot be migrated: `not selected`, `in account 999999999999`, `does not exist`, another VPC's default. */
  readonly reason: string;
  /** Ids of the migrated groups whose rules reference it. */
  readonly referencedBy: readonly string[];
}

export interface ReferenceClosure {
  /** The groups to migrate: the selection, plus what `--include-referenced` added. */
  readonly groups: readonly SecurityGroup[];
  /** Ids added by `--include-referenced`. */
  readonly added: readonly string[];
  /** Source `default` groups (selected or referenced): they map to the destination VPC's `default`. */
  readonly defaults: ReadonlySet<string>;
  readonly unresolved: ReadonlyMap<string, UnresolvedGroup>;
}

/**
 * Follows the references of the selected groups. Referenced groups of the source account are looked up (one call
 * per layer of the closure); `default` groups are mapped, never copied; with `includeReferenced` the others join
 * the migration and their own references are followed in turn, else they stay unresolved.
 * @param lookup finds the groups among some ids in the source region (unknown ids are simply absent).
 */
export async function closeReferences(
  selected: readonly SecurityGroup[],
  account: string,
  lookup: (ids: readonly string[]) => Promise<SecurityGroup[]>,
  includeReferenced: boolean,
): Promise<ReferenceClosure> {
  const groups = new Map<string, SecurityGroup>(selected.map((g) => [g.GroupId!, g]));
  const defaults = new Set(selected.filter((g) => g.GroupName === 'default').map((g) => g.GroupId!));
  // Only the default group of a VPC the migration copies from stands for the destination's default; another
  // VPC's (a peer's) is a different group, and a group named `default` cannot be created.
  const vpcs = new Set(selected.map((g) => g.VpcId));
  const added: string[] = [];
  const unresolved = new Map<string, { groupId: string; name?: string; reason: string; referencedBy: string[] }>();
  const referencedBy = new Map<string, string[]>();
  const seen = new Set<string>(groups.keys());
  let layer = [...groups.values()];
  while (layer.length > 0) {
    const pending = new Map<string, GroupRef>();
    for (const g of layer) {
      for (const ref of groupReferences(g)) {
        const by = referencedBy.get(ref.groupId) ?? [];
        by.push(g.GroupId!);
        referencedBy.set(ref.groupId, by);
        if (!seen.has(ref.groupId)) pending.set(ref.groupId, ref);
      }
    }
    for (const id of pending.keys()) seen.add(id);
    const local = [...pending.values()].filter((r) => r.userId === undefined || r.userId === account);
    for (const r of pending.values()) {
      if (r.userId !== undefined && r.userId !== account) unresolved.set(r.groupId, { groupId: r.groupId, reason: `in account ${r.userId}`, referencedBy: [] });
    }
    const found = local.length > 0 ? await lookup(local.map((r) => r.groupId)) : [];
    const byId = new Map(found.filter((g) => g.GroupId).map((g) => [g.GroupId!, g]));
    layer = [];
    for (const r of local) {
      const g = byId.get(r.groupId);
      if (!g) unresolved.set(r.groupId, { groupId: r.groupId, reason: 'does not exist in the source region', referencedBy: [] });
      else if (g.GroupName === 'default' && vpcs.has(g.VpcId)) defaults.add(r.groupId);
      else if (g.GroupName === 'default') unresolved.set(r.groupId, { groupId: r.groupId, name: 'default', reason: `the default group of another VPC (${g.VpcId})`, referencedBy: [] });
      else if (includeReferenced) {
        groups.set(r.groupId, g);
        added.push(r.groupId);
        layer.push(g);
      } else unresolved.set(r.groupId, { groupId: r.groupId, name: g.GroupName ?? '', reason: 'not selected', referencedBy: [] });
    }
  }
  for (const u of unresolved.values()) u.referencedBy.push(...new Set(referencedBy.get(u.groupId) ?? []));
  return { groups: [...groups.values()], added, defaults, unresolved };
}

/** One line naming the unresolved references and what to do about them. */
export function unresolvedMessage(unresolved: ReadonlyMap<string, UnresolvedGroup>, includeReferenced: boolean): string {
  const items = [...unresolved.values()].map(
    (u) => `${u.groupId}${u.name ? ` (${u.name})` : ''} ${u.reason}, referenced by ${u.referencedBy.join(', ')}`,
  );
  const fix = includeReferenced
    ? 'pass --drop-unresolved to skip the rules that use them (reported as lossy)'
    : 'pass --include-referenced to migrate them too, or --drop-unresolved to skip the rules that use them (reported as lossy)';
  return `references to groups outside the migration: ${items.join('; ')}: ${fix}`;
}

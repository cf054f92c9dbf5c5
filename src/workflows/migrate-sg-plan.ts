/**
 * The plan of a security group migration, computed from what the source and the destination hold. Pure.
 *
 * Groups are created first (each with its tags, one call), then the automatic allow-all egress rule of a copy whose
 * source has none is revoked (it counts toward the rule quota, so it goes before anything is added), then rules
 * (one authorize per group and direction, all references resolved to destination ids), and last, with `--prune`,
 * the rules a copy has that its source lost (after the additions: a copy in use keeps every flow its source allows
 * throughout). The quota is checked on the largest state a copy passes through. A copy found by its ownership tag is adopted
 * and only what it lacks is added, so a re-run after a crash converges and a converged migration plans nothing.
 */
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { InputError, UnsupportedError, type Direction, type Policy, type Rule } from '../model/index.js';
import type { Change, Plan } from '../plan/index.js';
import { sgQuotaProblems } from '../platforms/aws-sg/index.js';
import { renderSecurityGroup } from '../platforms/aws-sg/render.js';
import { OWNER_TAG } from '../platforms/aws/tags.js';
import type { PrefixListDecision, PrefixListEntry } from './migrate-prefix-lists.js';
import {
  AUTOMATIC_EGRESS,
  atomKey,
  atomPermissions,
  canonicalPermissions,
  groupAtoms,
  groupPolicy,
  type PermissionAtom,
} from './migrate-sg-atoms.js';
import { unresolvedMessage, type UnresolvedGroup } from './migrate-sg-refs.js';
import { pendingSlot, type Slot } from './migrate-slots.js';
import { MAX_TAGS_PER_RESOURCE, copyTags, isCopyOf, missingTags, sourceTagValue, type SourceScope } from './migrate-source.js';

/** The objects a security group migration plan creates, updates and deletes. */
export type SgPayload =
  | {
      readonly kind: 'prefix-list';
      readonly slot: Slot;
      readonly source: string;
      readonly name: string;
      readonly addressFamily: 'IPv4' | 'IPv6';
      readonly maxEntries: number;
      readonly entries: readonly PrefixListEntry[];
      readonly tags: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'prefix-list-entries'; readonly prefixListId: string; readonly version: number; readonly entries: readonly PrefixListEntry[] }
  | {
      readonly kind: 'security-group';
      readonly slot: Slot;
      readonly source: string;
      readonly name: string;
      readonly description: string;
      readonly vpcId: string;
      readonly tags: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'tags'; readonly groupId: string; readonly tags: Readonly<Record<string, string>> }
  /**
   * Rules of one direction of a group: authorized (create), revoked (delete) or re-described (update). `automatic`
   * marks the revoke of the allow-all egress rule AWS adds to every new group.
   */
  | { readonly kind: 'rules'; readonly group: Slot; readonly direction: Direction; readonly permissions: readonly IpPermission[]; readonly automatic?: true };

export type SgChange = Change<SgPayload>;

/** How a source group is represented in the destination. */
export interface GroupCopy {
  readonly sourceId: string;
  readonly sourceName: string;
  readonly slot: Slot;
  readonly name: string;
  /** `new`: created by this plan; `adopted`: ruleport's copy from an earlier run; `default`: the destination VPC's default group. */
  readonly state: 'new' | 'adopted' | 'default';
}

export interface SgPlanInput {
  readonly src: SourceScope;
  readonly dst: SourceScope & { readonly vpcId: string };
  /** The groups to migrate (selection and closure). */
  readonly groups: readonly SecurityGroup[];
  /** Source `default` groups, selected or only referenced: they map to the destination VPC's default group. */
  readonly defaults: ReadonlySet<string>;
  readonly unresolved: ReadonlyMap<string, UnresolvedGroup>;
  readonly prefixLists: ReadonlyMap<string, PrefixListDecision>;
  /** Every group of the destination VPC. */
  readonly destinationGroups: readonly SecurityGroup[];
  readonly nameSuffix?: string;
  readonly prune: boolean;
  readonly dropUnresolved: boolean;
  /** Only changes the advice of the unresolved-reference error. */
  readonly includeReferenced: boolean;
}

export interface SgMigrationPlan {
  readonly plan: Plan<SgPayload>;
  readonly copies: readonly GroupCopy[];
  /** Source group and prefix-list ids → destination slots. */
  readonly slots: ReadonlyMap<string, Slot>;
  /** Display names of destination slots (groups and prefix lists). */
  readonly names: ReadonlyMap<Slot, string>;
  /** Per source group id: the source policy, and the same without the rules `--drop-unresolved` skips. */
  readonly policies: ReadonlyMap<string, { readonly source: Policy; readonly intended: Policy }>;
  /** Copies that hold rules their source lacks and that this plan leaves (no `--prune`, or the default group). */
  readonly extras: ReadonlyMap<string, number>;
}

/**
 * Plans a migration.
 * @throws InputError for references that cannot be resolved (unless dropped), name clashes, several copies of one
 *   source, or a destination VPC without a default group; UnsupportedError for quota overflows. Both come before
 *   any write.
 */
export function planSgMigration(input: SgPlanInput): SgMigrationPlan {
  const { src, dst } = input;
  const target = `aws:${dst.region}/${dst.vpcId}`;
  const unresolvedLists = [...input.prefixLists.values()].filter((d): d is Extract<PrefixListDecision, { kind: 'unresolved' }> => d.kind === 'unresolved');
  if (!input.dropUnresolved) {
    if (input.unresolved.size > 0) throw new InputError({ object: 'security group references' }, unresolvedMessage(input.unresolved, input.includeReferenced));
    if (unresolvedLists.length > 0) {
      const items = unresolvedLists.map((d) => `${d.srcId}${d.name ? ` (${d.name})` : ''} ${d.reason}`).join('; ');
      throw new InputError({ object: 'prefix list references' }, `${items}: pass --map-prefix-list SOURCE=DESTINATION, or --drop-unresolved to skip the rules that use them (reported as lossy)`);
    }
  }
  const dstDefault = input.destinationGroups.find((g) => g.GroupName === 'default');
  if (!dstDefault?.GroupId) throw new InputError({ field: '--dst-vpc' }, `${dst.vpcId} has no default security group`);

  const names = new Map<Slot, string>();
  const slots = new Map<string, Slot>();
  for (const id of input.defaults) slots.set(id, dstDefault.GroupId);
  names.set(dstDefault.GroupId, 'default');
  const copies = assignCopies(input, dstDefault);
  for (const c of copies) {
    slots.set(c.sourceId, c.slot);
    names.set(c.slot, c.name);
  }
  const changes: { lists: SgChange[]; creates: SgChange[]; revokes: SgChange[]; tags: SgChange[]; adds: SgChange[]; describe: SgChange[]; removes: SgChange[]; keeps: SgChange[] } = {
    lists: [],
    creates: [],
    revokes: [],
    tags: [],
    adds: [],
    describe: [],
    removes: [],
    keeps: [],
  };
  const maxEntries: Record<string, number> = {};
  for (const d of input.prefixLists.values()) planPrefixList(d, input, target, slots, names, maxEntries, changes.lists);

  const lossy: string[] = [];
  const policies = new Map<string, { source: Policy; intended: Policy }>();
  const extras = new Map<string, number>();
  const quota: string[] = [];
  const dstById = new Map(input.destinationGroups.map((g) => [g.GroupId!, g]));
  const byId = new Map(input.groups.map((g) => [g.GroupId!, g]));
  for (const copy of copies) {
    const group = byId.get(copy.sourceId)!;
    const where = `aws:${src.region}/${copy.sourceId}`;
    const source = groupPolicy(group, where);
    const kept = source.rules.filter((r) => resolvable(r, input));
    const intended: Policy = { ...source, rules: kept };
    policies.set(copy.sourceId, { source, intended });
    for (const r of source.rules) if (!kept.includes(r)) lossy.push(`${copy.sourceName} (${copy.sourceId}): ${dropReason(r, input)}`);
    const want = groupAtoms(renderSecurityGroup(intended)).map((a) => mapAtom(a, slots, dst.account));
    const have = copy.state === 'new' ? [AUTOMATIC_EGRESS] : groupAtoms(canonicalPermissions(dstById.get(copy.slot)!, `aws:${dst.region}/${copy.slot}`));
    const wantBy = new Map(want.map((a) => [atomKey(a), a]));
    const haveBy = new Map(have.map((a) => [atomKey(a), a]));
    const add = want.filter((a) => !haveBy.has(atomKey(a)));
    const redescribe = want.filter((a) => haveBy.has(atomKey(a)) && (haveBy.get(atomKey(a))!.description ?? '') !== (a.description ?? ''));
    const surplus = have.filter((a) => !wantBy.has(atomKey(a)));
    const automatic = surplus.filter((a) => copy.state !== 'default' && atomKey(a) === atomKey(AUTOMATIC_EGRESS) && !a.description);
    const prunable = surplus.filter((a) => !automatic.includes(a));
    const pruned = input.prune && copy.state !== 'default' ? prunable : [];
    const remove = [...automatic, ...pruned];
    if (remove.length < surplus.length) extras.set(copy.sourceId, surplus.length - remove.length);

    // The largest state: the automatic rule is gone before the additions, pruned rules go after them.
    const resulting = [...have.filter((a) => !automatic.includes(a)), ...add];
    const rendered = { ingress: atomPermissions(resulting.filter((a) => a.direction === 'ingress')), egress: atomPermissions(resulting.filter((a) => a.direction === 'egress')) };
    quota.push(...sgQuotaProblems(`${copy.name} (copy of ${copy.sourceId})`, rendered, undefined, maxEntries));

    const label = `${copy.name}${copy.state === 'new' ? ` (new copy of ${copy.sourceId})` : ` (${copy.slot})`}`;
    let changed = false;
    if (copy.state === 'new') {
      const tags = copyTags(group.Tags, src, copy.sourceId);
      if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
        throw new UnsupportedError('aws-sg', `${copy.sourceName} (${copy.sourceId})`, `has ${Object.keys(tags).length - 1} tags: no room for the ${OWNER_TAG} tag (at most ${MAX_TAGS_PER_RESOURCE})`);
      }
      changes.creates.push({
        kind: 'create',
        target,
        object: `security group ${label}`,
        after: { kind: 'security-group', slot: copy.slot, source: sourceTagValue(src, copy.sourceId), name: copy.name, description: group.Description || copy.sourceName, vpcId: dst.vpcId, tags },
      });
      changed = true;
    } else if (copy.state === 'adopted') {
      const current = dstById.get(copy.slot)!;
      const tags = missingTags(copyTags(group.Tags, src, copy.sourceId), current.Tags);
      if (Object.keys(tags).length > 0) {
        const before = Object.fromEntries(Object.keys(tags).map((k) => [k, (current.Tags ?? []).find((t) => t.Key === k)?.Value ?? '']));
        changes.tags.push({ kind: 'update', target, object: `tags of ${label}`, before: { kind: 'tags', groupId: copy.slot, tags: before }, after: { kind: 'tags', groupId: copy.slot, tags } });
        changed = true;
      }
    }
    for (const direction of ['ingress', 'egress'] as const) {
      const mine = (list: readonly PermissionAtom[]) => atomPermissions(list.filter((a) => a.direction === direction));
      const adds = mine(add);
      if (adds.length > 0) {
        changes.adds.push({ kind: 'create', target, object: `${direction} rules of ${label}`, after: { kind: 'rules', group: copy.slot, direction, permissions: adds } });
        changed = true;
      }
      const described = mine(redescribe);
      if (described.length > 0) {
        const old = mine(redescribe.map((a) => haveBy.get(atomKey(a))!));
        changes.describe.push({
          kind: 'update',
          target,
          object: `${direction} rule descriptions of ${label}`,
          before: { kind: 'rules', group: copy.slot, direction, permissions: old },
          after: { kind: 'rules', group: copy.slot, direction, permissions: described },
        });
        changed = true;
      }
      const revokes = mine(automatic);
      if (revokes.length > 0) {
        changes.revokes.push({ kind: 'delete', target, object: `automatic allow-all egress rule of ${label}`, before: { kind: 'rules', group: copy.slot, direction, permissions: revokes, automatic: true } });
        changed = true;
      }
      const removes = mine(pruned);
      if (removes.length > 0) {
        changes.removes.push({ kind: 'delete', target, object: `${direction} rules the source lacks (--prune) of ${label}`, before: { kind: 'rules', group: copy.slot, direction, permissions: removes } });
        changed = true;
      }
    }
    if (!changed) changes.keeps.push({ kind: 'keep', target, object: `security group ${label}` });
  }
  if (quota.length > 0) {
    throw new UnsupportedError('aws-sg', 'quota', `${quota[0]}${quota.length > 1 ? ` (and ${quota.length - 1} more)` : ''}`);
  }

  const notes: string[] = [];
  const created = copies.filter((c) => c.state === 'new').length;
  const adopted = copies.filter((c) => c.state === 'adopted').length;
  if (adopted > 0) notes.push(`${adopted} group${adopted > 1 ? 's' : ''} already copied by an earlier run: adopted (tag ${OWNER_TAG})`);
  for (const id of input.defaults) notes.push(`source default group ${id} maps to the destination default group ${dstDefault.GroupId}`);
  for (const d of input.prefixLists.values()) {
    if (d.kind === 'use' && d.how !== 'same') notes.push(`prefix list ${d.srcId} maps ${d.how} to ${d.dstId} (${d.name})`);
  }
  for (const [id, n] of extras) {
    const c = copies.find((x) => x.sourceId === id)!;
    notes.push(
      c.state === 'default'
        ? `the destination default group has ${n} rule${n > 1 ? 's' : ''} the source default group lacks; ruleport does not remove rules from groups it does not own`
        : `${c.name} (${c.slot}) has ${n} rule${n > 1 ? 's' : ''} the source lacks: pass --prune to remove ${n > 1 ? 'them' : 'it'}`,
    );
  }
  const title = `migrate ${copies.length} security group${copies.length === 1 ? '' : 's'} ${src.account}/${src.region} → ${dst.account}/${dst.region} ${dst.vpcId} (${created} to create)`;
  return {
    plan: {
      title,
      changes: [...changes.lists, ...changes.creates, ...changes.revokes, ...changes.tags, ...changes.adds, ...changes.describe, ...changes.removes, ...changes.keeps],
      notes,
      lossy,
    },
    copies,
    slots,
    names,
    policies,
    extras,
  };
}

/** Decides, per migrated group, whether it is created, adopted or the default group; checks name clashes. */
function assignCopies(input: SgPlanInput, dstDefault: SecurityGroup): GroupCopy[] {
  const { src, dst } = input;
  const taken = new Set(input.destinationGroups.map((g) => g.GroupName ?? ''));
  const clashes: string[] = [];
  const out: GroupCopy[] = [];
  for (const g of input.groups) {
    const sourceId = g.GroupId!;
    const sourceName = g.GroupName ?? sourceId;
    if (input.defaults.has(sourceId)) {
      out.push({ sourceId, sourceName, slot: dstDefault.GroupId!, name: 'default', state: 'default' });
      continue;
    }
    const owned = input.destinationGroups.filter((d) => isCopyOf(d.Tags, src, sourceId));
    if (owned.length > 1) {
      throw new InputError({ object: `security group ${sourceId}` }, `several copies in ${dst.vpcId}: ${owned.map((d) => d.GroupId).join(', ')}; delete all but one`);
    }
    if (owned[0]) {
      out.push({ sourceId, sourceName, slot: owned[0].GroupId!, name: owned[0].GroupName ?? sourceName, state: 'adopted' });
      continue;
    }
    let name = sourceName;
    if (taken.has(name) && input.nameSuffix) name = `${name}${input.nameSuffix}`;
    if (taken.has(name)) {
      clashes.push(name);
      continue;
    }
    taken.add(name);
    out.push({ sourceId, sourceName, slot: pendingSlot(sourceId), name, state: 'new' });
  }
  if (clashes.length > 0) {
    throw new InputError(
      { field: input.nameSuffix ? '--name-suffix' : '--dst-vpc' },
      `${dst.vpcId} already has group${clashes.length > 1 ? 's' : ''} named ${clashes.join(', ')} that ruleport did not copy from these sources${input.nameSuffix ? '' : ': pass --name-suffix SUFFIX to create the copies under other names'}`,
    );
  }
  return out;
}

function planPrefixList(
  d: PrefixListDecision,
  input: SgPlanInput,
  target: string,
  slots: Map<string, Slot>,
  names: Map<Slot, string>,
  maxEntries: Record<string, number>,
  out: SgChange[],
): void {
  switch (d.kind) {
    case 'use':
      slots.set(d.srcId, d.dstId);
      names.set(d.dstId, d.name);
      if (d.maxEntries !== undefined) maxEntries[d.dstId] = d.maxEntries;
      return;
    case 'copy': {
      const slot = d.existing?.id ?? pendingSlot(d.srcId);
      slots.set(d.srcId, slot);
      names.set(slot, d.name);
      maxEntries[slot] = d.existing?.maxEntries ?? d.maxEntries;
      if (!d.existing) {
        out.push({
          kind: 'create',
          target,
          object: `prefix list ${d.name} (new copy of ${d.srcId}, ${d.entries.length} entries)`,
          after: { kind: 'prefix-list', slot, source: sourceTagValue(input.src, d.srcId), name: d.name, addressFamily: d.addressFamily, maxEntries: d.maxEntries, entries: d.entries, tags: d.tags },
        });
        return;
      }
      const have = new Set(d.existing.entries.map((e) => e.cidr));
      const want = new Set(d.entries.map((e) => e.cidr));
      const same = have.size === want.size && [...want].every((c) => have.has(c));
      if (same) return;
      if (want.size > d.existing.maxEntries) {
        throw new UnsupportedError('aws-sg', `prefix list ${d.existing.id}`, `${want.size} entries exceed its MaxEntries ${d.existing.maxEntries}; raise it first`);
      }
      out.push({
        kind: 'update',
        target,
        object: `entries of prefix list ${d.name} (${d.existing.id})`,
        before: { kind: 'prefix-list-entries', prefixListId: d.existing.id, version: d.existing.version, entries: d.existing.entries },
        after: { kind: 'prefix-list-entries', prefixListId: d.existing.id, version: d.existing.version, entries: d.entries },
      });
      return;
    }
    case 'unresolved':
      return;
    default: {
      const never: never = d;
      throw new Error(`unknown prefix list decision ${JSON.stringify(never)}`);
    }
  }
}

/** True when every reference of a rule has a destination counterpart. */
function resolvable(rule: Rule, input: SgPlanInput): boolean {
  return dropReason(rule, input) === undefined;
}

/** Why a rule cannot be copied (an unresolved reference), or undefined. */
function dropReason(rule: Rule, input: SgPlanInput): string | undefined {
  if (rule.peer.kind === 'any') return undefined;
  for (const item of rule.peer.items) {
    if (item.kind === 'group') {
      const id = item.ref.split('@')[0]!;
      const u = input.unresolved.get(id);
      if (u) return `${rule.direction} rule referencing ${id}${u.name ? ` (${u.name})` : ''} (${u.reason}) not copied`;
    } else if (item.kind === 'prefix-list') {
      const d = input.prefixLists.get(item.id);
      if (!d || d.kind === 'unresolved') return `${rule.direction} rule referencing prefix list ${item.id} (${d?.reason ?? 'unknown'}) not copied`;
    }
  }
  return undefined;
}

/** An atom of a source rule with its references turned into destination slots and the owner into the destination account. */
function mapAtom(a: PermissionAtom, slots: ReadonlyMap<string, Slot>, account: string): PermissionAtom {
  const t = a.target;
  switch (t.kind) {
    case 'group':
      return { ...a, target: { kind: 'group', groupId: slots.get(t.groupId)!, userId: account } };
    case 'prefix-list':
      return { ...a, target: { kind: 'prefix-list', id: slots.get(t.id)! } };
    case 'v4':
    case 'v6':
      return a;
    default: {
      const never: never = t;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

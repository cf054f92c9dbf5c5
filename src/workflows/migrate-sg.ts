/**
 * `migrate sg`: copy security groups to a VPC of another (or the same) account and region — plan, apply, verify.
 *
 * Reads: the selection and the closure of its references in the source, the prefix lists its rules use, and every
 * group of the destination VPC (one pass). Writes: per group one create (tags included) and one authorize per
 * direction, plus a revoke of the automatic egress rule (before the authorizes) where the source has none.
 * Verification reads the copies back once and compares each with its source in the flow-space engine.
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { InputError, RuleportError, VerificationError } from '../model/index.js';
import { payloadOf, type ApplyResult, type Journal } from '../plan/index.js';
import { callerIdentity } from '../platforms/aws/identity.js';
import { describeManagedPrefixLists, prefixListEntries } from '../platforms/aws/prefix-lists.js';
import type { Ec2Handle } from '../platforms/aws/session.js';
import { describeVpcs } from '../platforms/aws/vpcs.js';
import { describeSecurityGroups } from '../platforms/aws-sg/client.js';
import { findSecurityGroups } from '../platforms/aws-sg/client-lookup.js';
import { applyInPhases } from './migrate-apply-phases.js';
import { decidePrefixLists, isAwsManaged, type PrefixListEntry, type SourcePrefixList } from './migrate-prefix-lists.js';
import { progressReporter, type MigrationProgress } from './migrate-progress.js';
import { closeReferences } from './migrate-sg-refs.js';
import { sgExecutor } from './migrate-sg-apply.js';
import { SlotIds } from './migrate-slots.js';
import { planSgMigration, type SgChange, type SgMigrationPlan } from './migrate-sg-plan.js';
import { verifyGroups, verifyPrefixList, type GroupVerdict, type PrefixListVerdict } from './migrate-sg-verify.js';
import { SG_SELECTION, checkSelected, meetsSelection, type Selection } from './migrate-selection.js';
import type { MigrationSides } from './migrate-sessions.js';
import { isCopyOf, type SourceScope } from './migrate-source.js';

export interface MigrateSgRequest {
  readonly selection: Selection;
  readonly dstVpc: string;
  readonly includeReferenced: boolean;
  readonly dropUnresolved: boolean;
  readonly prune: boolean;
  readonly nameSuffix?: string;
  /** `--map-prefix-list`: source list id → destination list id. */
  readonly prefixListMap: ReadonlyMap<string, string>;
}

/** A planned migration: the plan plus what apply and verify need. */
export interface SgMigration extends SgMigrationPlan {
  readonly src: SourceScope;
  readonly dst: SourceScope & { readonly vpcId: string };
  /** The destination groups read while planning (what verification uses when nothing was changed). */
  readonly destinationGroups: readonly SecurityGroup[];
  /** Source entries of the prefix lists ruleport copies, by source id. */
  readonly copiedLists: ReadonlyMap<string, readonly PrefixListEntry[]>;
}

/** Reads both sides and plans. Writes nothing. */
export async function prepareSgMigration(req: MigrateSgRequest, sides: MigrationSides): Promise<SgMigration> {
  const srcEc2 = sides.src.ec2(sides.srcRegion);
  const dstEc2 = sides.dst.ec2(sides.dstRegion);
  const [selected, destinationGroups] = await Promise.all([
    selectGroups(srcEc2, req.selection),
    readDestination(dstEc2, req.dstVpc),
  ]);
  const src: SourceScope = { account: selected[0]?.OwnerId ?? (await callerIdentity(sides.src, sides.srcRegion)).account, region: sides.srcRegion };
  const dstDefault = destinationGroups.find((g) => g.GroupName === 'default');
  const dst = {
    account: dstDefault?.OwnerId ?? (await callerIdentity(sides.dst, sides.dstRegion)).account,
    region: sides.dstRegion,
    vpcId: req.dstVpc,
  };
  const closure = await closeReferences(selected, src.account, (ids) => findSecurityGroups(srcEc2, ids), req.includeReferenced);
  const referenced = [...new Set(closure.groups.flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])]).flatMap((p) => p.PrefixListIds ?? []).map((p) => p.PrefixListId!))];
  const lists = referenced.length > 0 ? await readPrefixListSides(srcEc2, dstEc2, referenced, src, dst) : { sourceLists: new Map(), destinationLists: [], copyEntries: new Map() };
  const prefixLists = decidePrefixLists({ src, dst, referenced, ...lists, explicit: req.prefixListMap });
  const plan = planSgMigration({
    src,
    dst,
    groups: closure.groups,
    defaults: closure.defaults,
    unresolved: closure.unresolved,
    prefixLists,
    destinationGroups,
    ...(req.nameSuffix !== undefined ? { nameSuffix: req.nameSuffix } : {}),
    prune: req.prune,
    dropUnresolved: req.dropUnresolved,
    includeReferenced: req.includeReferenced,
  });
  const copiedLists = new Map<string, readonly PrefixListEntry[]>();
  for (const d of prefixLists.values()) if (d.kind === 'copy') copiedLists.set(d.srcId, d.entries);
  const notes = closure.added.length > 0 ? [`--include-referenced adds ${closure.added.join(', ')}`, ...plan.plan.notes] : plan.plan.notes;
  return { ...plan, plan: { ...plan.plan, notes }, src, dst, destinationGroups, copiedLists };
}

async function selectGroups(ec2: Ec2Handle, sel: Selection): Promise<SecurityGroup[]> {
  if (sel.ids.length > 0) {
    const found = await findSecurityGroups(ec2, sel.ids);
    checkSelected(SG_SELECTION, sel, found.map((g) => g.GroupId!), ec2.region);
    const picked = found.filter((g) => meetsSelection(sel, { ...(g.VpcId ? { vpcId: g.VpcId } : {}), ...(g.Tags ? { tags: g.Tags } : {}) }));
    if (picked.length === 0) throw new InputError({ field: '--sg' }, `none of ${sel.ids.join(', ')} meets the --tag/--src-vpc criteria`);
    return sortById(picked);
  }
  const groups = await describeSecurityGroups(ec2, { ...(sel.vpcId ? { vpcId: sel.vpcId } : {}), tags: sel.tags });
  checkSelected(SG_SELECTION, sel, groups.map((g) => g.GroupId!), ec2.region);
  return sortById(groups.filter((g) => g.VpcId));
}

function sortById(groups: SecurityGroup[]): SecurityGroup[] {
  return groups.sort((a, b) => (a.GroupId! < b.GroupId! ? -1 : 1));
}

/** Every group of the destination VPC, after checking the VPC exists. */
async function readDestination(ec2: Ec2Handle, vpcId: string): Promise<SecurityGroup[]> {
  await checkVpc(ec2, vpcId);
  return describeSecurityGroups(ec2, { vpcId });
}

/** @throws InputError naming `--dst-vpc` when the VPC does not exist in the destination region and account. */
export async function checkVpc(ec2: Ec2Handle, vpcId: string): Promise<void> {
  try {
    const vpcs = await describeVpcs(ec2, { vpcIds: [vpcId] });
    if (vpcs.length > 0) return;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  throw new InputError({ field: '--dst-vpc' }, `${vpcId} does not exist in ${ec2.region} (destination account)`);
}

async function readPrefixListSides(src: Ec2Handle, dst: Ec2Handle, referenced: readonly string[], srcScope: SourceScope, dstScope: SourceScope) {
  const [srcAll, destinationLists] = await Promise.all([describeManagedPrefixLists(src), describeManagedPrefixLists(dst)]);
  const sourceLists = new Map<string, SourcePrefixList>();
  for (const list of srcAll) {
    if (!list.PrefixListId || !referenced.includes(list.PrefixListId)) continue;
    const entries = isAwsManaged(list) ? [] : await prefixListEntries(src, list.PrefixListId);
    sourceLists.set(list.PrefixListId, { list, entries });
  }
  const copyEntries = new Map<string, readonly PrefixListEntry[]>();
  if (srcScope.account !== dstScope.account || srcScope.region !== dstScope.region) {
    for (const l of destinationLists) {
      if (l.PrefixListId && referenced.some((id) => isCopyOf(l.Tags, srcScope, id))) copyEntries.set(l.PrefixListId, await prefixListEntries(dst, l.PrefixListId));
    }
  }
  return { sourceLists, destinationLists, copyEntries };
}

export interface SgApplyOutcome {
  readonly result: ApplyResult;
  readonly ids: SlotIds;
}

/**
 * Applies the plan on the destination, journaling each change. Stops at the first failure (a re-run resumes).
 * `concurrency`: changes of one phase in flight at once (default APPLY_CONCURRENCY).
 */
export async function applySgMigration(
  m: SgMigration,
  sides: MigrationSides,
  options: { journal?: Journal; onProgress?: (p: MigrationProgress) => void; concurrency?: number } = {},
): Promise<SgApplyOutcome> {
  const ids = new SlotIds();
  const execute = sgExecutor(sides.dst.ec2(sides.dstRegion), ids);
  const progress = progressReporter(m.plan.changes, m.dst.region, 'security groups', groupOfChange, options.onProgress);
  const result = await applyInPhases(
    m.plan,
    async (c) => {
      await execute(c);
      progress.done(c);
    },
    sgPhase,
    { ...(options.journal ? { journal: options.journal } : {}), ...(options.concurrency ? { concurrency: options.concurrency } : {}) },
  );
  return { result, ids };
}

/**
 * Prefix lists, then groups, then the automatic egress rules revoked (they count toward the quota), then rules and
 * tags, then descriptions, then what --prune removes (last: a copy in use keeps every flow its source allows).
 */
function sgPhase(c: SgChange): number {
  const o = payloadOf(c);
  if (o === undefined) return 6;
  switch (o.kind) {
    case 'prefix-list':
    case 'prefix-list-entries':
      return 0;
    case 'security-group':
      return 1;
    case 'tags':
      return 3;
    case 'rules':
      return c.kind === 'delete' ? (o.automatic ? 2 : 5) : c.kind === 'create' ? 3 : 4;
    default: {
      const never: never = o;
      throw new Error(`unknown security-group object ${JSON.stringify(never)}`);
    }
  }
}

/** The destination group a change works on (prefix lists belong to none). */
function groupOfChange(c: SgChange): string | undefined {
  const o = payloadOf(c);
  if (o === undefined) return c.kind === 'keep' ? c.object : undefined;
  switch (o.kind) {
    case 'security-group':
      return o.slot;
    case 'rules':
      return o.group;
    case 'tags':
      return o.groupId;
    case 'prefix-list':
    case 'prefix-list-entries':
      return undefined;
    default: {
      const never: never = o;
      throw new Error(`unknown security-group object ${JSON.stringify(never)}`);
    }
  }
}

export interface SgVerification {
  readonly equivalent: boolean;
  readonly groups: readonly GroupVerdict[];
  readonly prefixLists: readonly PrefixListVerdict[];
}

/**
 * Reads the copies back (or, when nothing was applied, uses what planning read) and proves each equivalent to its
 * source modulo the id mapping.
 */
export async function verifySgMigration(m: SgMigration, sides: MigrationSides, applied?: SgApplyOutcome): Promise<SgVerification> {
  const ids = applied?.ids ?? new SlotIds();
  const dstEc2 = sides.dst.ec2(sides.dstRegion);
  const copyIds = [...new Set(m.copies.map((c) => ids.resolve(c.slot)))];
  const readBack = applied && applied.result.applied > 0 ? await describeSecurityGroups(dstEc2, { groupIds: copyIds }) : m.destinationGroups;
  const groups = verifyGroups(m, ids, readBack, m.src, m.dst);
  const prefixLists: PrefixListVerdict[] = [];
  for (const [srcId, want] of m.copiedLists) {
    const copyId = ids.resolve(m.slots.get(srcId)!);
    prefixLists.push(verifyPrefixList(srcId, copyId, want, await prefixListEntries(dstEc2, copyId)));
  }
  const equivalent =
    groups.every((g) => g.comparison.equivalent && g.leaks.length === 0) && prefixLists.every((p) => p.missing.length === 0 && p.extra.length === 0);
  return { equivalent, groups, prefixLists };
}

/** The one-line error for a failed verification (the details are printed by the caller). */
export function verificationError(v: SgVerification): RuleportError {
  const bad = v.groups.filter((g) => !g.comparison.equivalent || g.leaks.length > 0).map((g) => `${g.name} (${g.copyId})`);
  const lists = v.prefixLists.filter((p) => p.missing.length || p.extra.length).map((p) => `prefix list ${p.copyId}`);
  return new VerificationError(`verification failed: ${[...bad, ...lists].join(', ')} not equivalent to the source`);
}

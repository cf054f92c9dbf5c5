/**
 * `migrate nacl`: copy network ACLs to a VPC of another (or the same) account and region, optionally moving
 * destination subnets onto the copies — plan, apply, verify.
 *
 * Reads: the selected NACLs, the destination VPC's NACLs (and subnets when associating), a copy about to be edited
 * in place (it must still have no subnet), and the copies again before subnets move onto them. Writes: one create
 * per NACL (tags included), one call per entry (the API has no batch form), one association replacement per subnet,
 * one delete per retired copy. A copy in use is replaced, never edited (blue/green: migrate-nacl-target.ts).
 */
import type { NetworkAcl, Subnet } from '@aws-sdk/client-ec2';
import { compare, type Comparison } from '../engine/index.js';
import { InputError, RuleportError, VerificationError } from '../model/index.js';
import { payloadOf, type ApplyResult, type Executor, type Journal } from '../plan/index.js';
import { callerIdentity } from '../platforms/aws/identity.js';
import type { Ec2Handle } from '../platforms/aws/session.js';
import { describeSubnets } from '../platforms/aws/vpcs.js';
import { associateSubnet, createEntry, createNetworkAcl, deleteEntry, deleteNetworkAcl, describeNetworkAcls, replaceEntry } from '../platforms/aws-nacl/client.js';
import { parseNetworkAcls } from '../platforms/aws-nacl/index.js';
import { applyInPhases } from './migrate-apply-phases.js';
import { decideAssociations, type AssociateBy } from './migrate-association.js';
import { planNaclMigration, type NaclChange, type NaclMigrationPlan, type NaclPayload } from './migrate-nacl-plan.js';
import { progressReporter, type MigrationProgress } from './migrate-progress.js';
import { NACL_SELECTION, checkSelected, meetsSelection, type Selection } from './migrate-selection.js';
import type { MigrationSides } from './migrate-sessions.js';
import { checkVpc } from './migrate-sg.js';
import { SlotIds, isPending } from './migrate-slots.js';
import type { SourceScope } from './migrate-source.js';

export type { NaclChange } from './migrate-nacl-plan.js';

export interface MigrateNaclRequest {
  readonly selection: Selection;
  readonly dstVpc: string;
  readonly prune: boolean;
  /** `--associate`: source subnet → destination subnet. */
  readonly associate: ReadonlyMap<string, string>;
  readonly associateBy?: AssociateBy;
}

export interface NaclMigration extends NaclMigrationPlan {
  readonly src: SourceScope;
  readonly dst: SourceScope & { readonly vpcId: string };
  readonly destinationAcls: readonly NetworkAcl[];
}

/** Reads both sides and plans. Writes nothing. */
export async function prepareNaclMigration(req: MigrateNaclRequest, sides: MigrationSides): Promise<NaclMigration> {
  const srcEc2 = sides.src.ec2(sides.srcRegion);
  const dstEc2 = sides.dst.ec2(sides.dstRegion);
  const associating = req.associate.size > 0 || req.associateBy !== undefined;
  const [acls, destination] = await Promise.all([
    selectAcls(srcEc2, req.selection),
    (async () => {
      await checkVpc(dstEc2, req.dstVpc);
      const [aclsInVpc, subnets] = await Promise.all([
        describeNetworkAcls(dstEc2, { vpcId: req.dstVpc }),
        associating ? describeSubnets(dstEc2, { vpcId: req.dstVpc }) : Promise.resolve([] as Subnet[]),
      ]);
      return { acls: aclsInVpc, subnets };
    })(),
  ]);
  const src: SourceScope = { account: acls[0]?.OwnerId ?? (await callerIdentity(sides.src, sides.srcRegion)).account, region: sides.srcRegion };
  const dst = {
    account: destination.acls[0]?.OwnerId ?? (await callerIdentity(sides.dst, sides.dstRegion)).account,
    region: sides.dstRegion,
    vpcId: req.dstVpc,
  };
  const sourceSubnetIds = acls.flatMap((a) => (a.Associations ?? []).map((s) => s.SubnetId).filter((s): s is string => !!s));
  const sourceSubnets: Subnet[] = associating
    ? sourceSubnetIds.length > 0
      ? await describeSubnets(srcEc2, { subnetIds: sourceSubnetIds })
      : []
    : sourceSubnetIds.map((SubnetId) => ({ SubnetId }));
  const { decisions, unmatched } = decideAssociations({
    sourceAcls: acls,
    sourceSubnets,
    destinationSubnets: destination.subnets,
    destinationAcls: destination.acls,
    explicit: req.associate,
    ...(req.associateBy ? { by: req.associateBy } : {}),
  });
  const plan = planNaclMigration({ src, dst, acls, destinationAcls: destination.acls, associations: decisions, unmatched, prune: req.prune });
  return { ...plan, src, dst, destinationAcls: destination.acls };
}

async function selectAcls(ec2: Ec2Handle, sel: Selection): Promise<NetworkAcl[]> {
  if (sel.ids.length > 0) {
    let found: NetworkAcl[];
    try {
      found = await describeNetworkAcls(ec2, { aclIds: sel.ids });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // The API names one unknown id at best: list the region's NACLs to name every one.
      found = (await describeNetworkAcls(ec2)).filter((a) => sel.ids.includes(a.NetworkAclId!));
    }
    checkSelected(NACL_SELECTION, sel, found.map((a) => a.NetworkAclId!), ec2.region);
    const picked = found.filter((a) => meetsSelection(sel, { ...(a.VpcId ? { vpcId: a.VpcId } : {}), ...(a.Tags ? { tags: a.Tags } : {}) }));
    if (picked.length === 0) throw new InputError({ field: '--nacl' }, `none of ${sel.ids.join(', ')} meets the --tag/--src-vpc criteria`);
    return picked.sort((a, b) => (a.NetworkAclId! < b.NetworkAclId! ? -1 : 1));
  }
  const acls = await describeNetworkAcls(ec2, { ...(sel.vpcId ? { vpcId: sel.vpcId } : {}), tags: sel.tags });
  checkSelected(NACL_SELECTION, sel, acls.map((a) => a.NetworkAclId!), ec2.region);
  return acls.sort((a, b) => (a.NetworkAclId! < b.NetworkAclId! ? -1 : 1));
}

/** One API call per change; a subnet moves through its current association (re-read right before). */
export function naclExecutor(ec2: Ec2Handle, ids: SlotIds): Executor<NaclPayload> {
  return async (change: NaclChange) => {
    switch (change.kind) {
      case 'create': {
        const o = change.after;
        if (o.kind === 'network-acl') return void ids.set(o.slot, await createNetworkAcl(ec2, { vpcId: o.vpcId, tags: o.tags }));
        if (o.kind === 'entry') return createEntry(ec2, ids.resolve(o.acl), o.entry);
        throw new Error(`cannot create ${o.kind}`);
      }
      case 'update': {
        const o = change.after;
        if (o.kind === 'entry') return replaceEntry(ec2, ids.resolve(o.acl), o.entry);
        if (o.kind === 'association') return void (await associateSubnet(ec2, o.subnetId, ids.resolve(o.acl)));
        throw new Error(`cannot update ${o.kind}`);
      }
      case 'delete': {
        const o = change.before;
        if (o.kind === 'entry') return deleteEntry(ec2, ids.resolve(o.acl), o.entry);
        // AWS refuses to delete a NACL a subnet still uses (DependencyViolation): nothing is left without a NACL.
        if (o.kind === 'network-acl') return deleteNetworkAcl(ec2, ids.resolve(o.slot));
        throw new Error(`cannot delete ${o.kind}`);
      }
      case 'move':
      case 'keep':
        return;
      default: {
        const never: never = change;
        throw new Error(`unknown change ${JSON.stringify(never)}`);
      }
    }
  };
}

export interface NaclApplyOutcome {
  readonly result: ApplyResult;
  readonly ids: SlotIds;
}

/**
 * Applies the plan, journaling each change; stops at the first failure (a re-run resumes). Entries are written only
 * to copies no subnet uses — new ones, or adopted ones read again right before to be sure none has gained a subnet
 * since the plan. Subnets move onto the copies only once every copy has been read back and found to allow exactly
 * what its source allows: a copy that came out different must not carry a subnet's traffic. When one does not, the
 * moves are held back, and so are the deletes of retired copies (the verification that follows reports the copy and
 * the subnets left where they were). Retired copies are deleted last, once their subnets have moved.
 * `concurrency`: changes of one phase in flight at once (default APPLY_CONCURRENCY).
 */
export async function applyNaclMigration(
  m: NaclMigration,
  sides: MigrationSides,
  options: { journal?: Journal; onProgress?: (p: MigrationProgress) => void; concurrency?: number } = {},
): Promise<NaclApplyOutcome> {
  const ids = new SlotIds();
  const dstEc2 = sides.dst.ec2(sides.dstRegion);
  const execute = naclExecutor(dstEc2, ids);
  const progress = progressReporter(m.plan.changes, m.dst.region, 'network ACLs', aclOfChange, options.onProgress);
  const apply = (changes: readonly NaclChange[]): Promise<ApplyResult> =>
    applyInPhases(
      { ...m.plan, changes },
      async (c) => {
        await execute(c);
        progress.done(c);
      },
      naclPhase,
      { ...(options.journal ? { journal: options.journal } : {}), ...(options.concurrency ? { concurrency: options.concurrency } : {}) },
    );
  const switchover = (c: NaclChange): boolean => naclPhase(c) >= ASSOCIATION_PHASE;
  const later = m.plan.changes.filter((c) => c.kind !== 'keep' && switchover(c));
  const stillIdle = await checkStillIdle(m, dstEc2);
  if (stillIdle) return { result: { applied: 0, failed: [stillIdle] }, ids };
  const copies = await apply(m.plan.changes.filter((c) => !switchover(c)));
  if (copies.failed.length > 0 || later.length === 0) return { result: copies, ids };
  const proven = aclVerdicts(m, ids, await describeNetworkAcls(dstEc2, { vpcId: m.dst.vpcId })).every((a) => a.comparison.equivalent);
  if (!proven) return { result: copies, ids };
  const switched = await apply(later);
  return { result: { applied: copies.applied + switched.applied, failed: switched.failed }, ids };
}

/**
 * The plan edits an adopted copy in place only because no subnet used it when planned (migrate-nacl-target.ts).
 * Reads those copies again: one that a subnet uses now is not edited.
 * @returns the failure to report, or undefined when every such copy is still unused.
 */
async function checkStillIdle(m: NaclMigration, ec2: Ec2Handle): Promise<ApplyResult['failed'][number] | undefined> {
  const edited = new Set<string>();
  for (const c of m.plan.changes) {
    const o = payloadOf(c);
    if (o?.kind === 'entry' && !isPending(o.acl)) edited.add(o.acl);
  }
  if (edited.size === 0) return undefined;
  for (const acl of await describeNetworkAcls(ec2, { aclIds: [...edited] })) {
    const subnets = (acl.Associations ?? []).map((a) => a.SubnetId).filter((s): s is string => !!s);
    if (subnets.length > 0) {
      return { object: `network ACL ${acl.NetworkAclId}`, error: `now used by ${subnets.join(', ')}: not edited in place; re-run to plan its replacement` };
    }
  }
  return undefined;
}

/** The phase of subnet moves: after every copy is complete (and proven, see applyNaclMigration). */
const ASSOCIATION_PHASE = 3;

/**
 * NACLs, then entry deletes (an edited copy never exceeds the quota), then entry creates and replacements, then —
 * once every copy is complete — the subnets that move onto them, and last the retired copies they left.
 */
function naclPhase(c: NaclChange): number {
  if (c.kind === 'keep' || c.kind === 'move') return ASSOCIATION_PHASE + 2;
  const o = c.kind === 'delete' ? c.before : c.after;
  switch (o.kind) {
    case 'network-acl':
      return c.kind === 'delete' ? ASSOCIATION_PHASE + 1 : 0;
    case 'entry':
      return c.kind === 'delete' ? 1 : 2;
    case 'association':
      return ASSOCIATION_PHASE;
    default: {
      const never: never = o;
      throw new Error(`unknown NACL object ${JSON.stringify(never)}`);
    }
  }
}

function aclOfChange(c: NaclChange): string | undefined {
  const o = payloadOf(c);
  if (o === undefined) return c.kind === 'keep' && !c.object.startsWith('association') ? c.object : undefined;
  switch (o.kind) {
    case 'network-acl':
      return o.slot;
    case 'entry':
    case 'association':
      return o.acl;
    default: {
      const never: never = o;
      throw new Error(`unknown NACL object ${JSON.stringify(never)}`);
    }
  }
}

export interface AclVerdict {
  readonly sourceId: string;
  readonly copyId: string;
  readonly comparison: Comparison;
}

export interface AssociationVerdict {
  readonly subnetId: string;
  readonly aclId: string;
  readonly actual?: string;
  readonly ok: boolean;
}

export interface NaclVerification {
  readonly equivalent: boolean;
  readonly acls: readonly AclVerdict[];
  /** The subnets the plan moves — by association decision, or off a retired copy — and where they are. */
  readonly associations: readonly AssociationVerdict[];
  /** Retired copies still in the destination (each should have been deleted). */
  readonly leftovers: readonly string[];
}

/** Reads the copies back (or uses what planning read when nothing was applied) and compares each with its source. */
export async function verifyNaclMigration(m: NaclMigration, sides: MigrationSides, applied?: NaclApplyOutcome): Promise<NaclVerification> {
  const ids = applied?.ids ?? new SlotIds();
  const dstEc2 = sides.dst.ec2(sides.dstRegion);
  const readBack = applied && applied.result.applied > 0 ? await describeNetworkAcls(dstEc2, { vpcId: m.dst.vpcId }) : m.destinationAcls;
  const acls = aclVerdicts(m, ids, readBack);
  const where = new Map<string, string>();
  for (const a of readBack) for (const s of a.Associations ?? []) if (s.SubnetId) where.set(s.SubnetId, a.NetworkAclId!);
  const associations = [...m.associations, ...m.drains].map((d) => {
    const aclId = ids.resolve(m.copies.find((c) => c.sourceId === d.sourceAcl)!.slot);
    const actual = where.get(d.subnetId);
    return { subnetId: d.subnetId, aclId, ...(actual ? { actual } : {}), ok: actual === aclId };
  });
  const present = new Set(readBack.map((a) => a.NetworkAclId!));
  const leftovers = m.copies.flatMap((c) => c.retires).filter((id) => present.has(id));
  return { equivalent: acls.every((a) => a.comparison.equivalent) && associations.every((a) => a.ok) && leftovers.length === 0, acls, associations, leftovers };
}

/** Compares every copy, as read back, with its source. */
function aclVerdicts(m: NaclMigration, ids: SlotIds, readBack: readonly NetworkAcl[]): AclVerdict[] {
  const byId = new Map(readBack.map((a) => [a.NetworkAclId!, a]));
  return m.copies.map((c) => {
    const copyId = ids.resolve(c.slot);
    const acl = byId.get(copyId);
    if (!acl) throw new VerificationError(`copy ${copyId} of ${c.sourceId} was not found in ${m.dst.vpcId}`);
    const copy = parseNetworkAcls([acl], `aws:${m.dst.region}/${copyId}`)[0]!;
    return { sourceId: c.sourceId, copyId, comparison: compare(m.policies.get(c.sourceId)!, copy, { limit: 20 }) };
  });
}

export function naclVerificationError(v: NaclVerification): RuleportError {
  const bad = [
    ...v.acls.filter((a) => !a.comparison.equivalent).map((a) => a.copyId),
    ...v.associations.filter((a) => !a.ok).map((a) => `association of ${a.subnetId}`),
    ...v.leftovers.map((id) => `retired copy ${id} (still there)`),
  ];
  return new VerificationError(`verification failed: ${bad.join(', ')} not as the source`);
}

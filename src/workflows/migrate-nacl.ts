/**
 * `migrate nacl`: copy network ACLs to a VPC of another (or the same) account and region, optionally moving
 * destination subnets onto the copies — plan, apply, verify.
 *
 * Reads: the selected NACLs, the destination VPC's NACLs (and subnets when associating), and the copies again before
 * subnets move onto them. Writes: one create per NACL (tags included), one call per entry (the API has no batch
 * form), one association replacement per subnet.
 */
import type { NetworkAcl, Subnet } from '@aws-sdk/client-ec2';
import { compare, type Comparison } from '../engine/index.js';
import { InputError, RuleportError, VerificationError } from '../model/index.js';
import type { ApplyResult, Executor, Journal } from '../plan/index.js';
import { callerIdentity } from '../platforms/aws/identity.js';
import type { Ec2Handle } from '../platforms/aws/session.js';
import { describeSubnets } from '../platforms/aws/vpcs.js';
import { associateSubnet, createEntry, createNetworkAcl, deleteEntry, describeNetworkAcls, replaceEntry } from '../platforms/aws-nacl/client.js';
import { parseNetworkAcls } from '../platforms/aws-nacl/index.js';
import { applyInPhases } from './migrate-apply-phases.js';
import { decideAssociations, type AssociateBy } from './migrate-association.js';
import { planNaclMigration, type NaclChange, type NaclMigrationPlan, type NaclPayload } from './migrate-nacl-plan.js';
import { progressReporter, type MigrationProgress } from './migrate-progress.js';
import { NACL_SELECTION, checkSelected, meetsSelection, type Selection } from './migrate-selection.js';
import type { MigrationSides } from './migrate-sessions.js';
import { checkVpc } from './migrate-sg.js';
import { SlotIds } from './migrate-slots.js';
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
 * Applies the plan, journaling each change; stops at the first failure (a re-run resumes). Subnets move onto the
 * copies only once every copy has been read back and found to allow exactly what its source allows: a copy that
 * came out different must not carry a subnet's traffic. When one does not, the moves are held back (the
 * verification that follows reports the copy and the subnets left where they were).
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
  const isMove = (c: NaclChange): boolean => naclPhase(c) === ASSOCIATION_PHASE;
  const moves = m.plan.changes.filter((c) => c.kind !== 'keep' && isMove(c));
  const copies = await apply(m.plan.changes.filter((c) => !isMove(c)));
  if (copies.failed.length > 0 || moves.length === 0) return { result: copies, ids };
  const proven = aclVerdicts(m, ids, await describeNetworkAcls(dstEc2, { vpcId: m.dst.vpcId })).every((a) => a.comparison.equivalent);
  if (!proven) return { result: copies, ids };
  const moved = await apply(moves);
  return { result: { applied: copies.applied + moved.applied, failed: moved.failed }, ids };
}

/** The phase of subnet moves: after every copy is complete (and proven, see applyNaclMigration). */
const ASSOCIATION_PHASE = 2;

/** NACLs, then their entries, then — once every copy is complete — the subnets that move onto them. */
function naclPhase(c: NaclChange): number {
  const o = c.kind === 'create' || c.kind === 'update' ? c.after : c.kind === 'delete' ? c.before : undefined;
  if (o === undefined) return 3;
  switch (o.kind) {
    case 'network-acl':
      return 0;
    case 'entry':
      return 1;
    case 'association':
      return ASSOCIATION_PHASE;
    default: {
      const never: never = o;
      throw new Error(`unknown NACL object ${JSON.stringify(never)}`);
    }
  }
}

function aclOfChange(c: NaclChange): string | undefined {
  const o = c.kind === 'create' || c.kind === 'update' ? c.after : c.kind === 'delete' ? c.before : undefined;
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
  readonly associations: readonly AssociationVerdict[];
}

/** Reads the copies back (or uses what planning read when nothing was applied) and compares each with its source. */
export async function verifyNaclMigration(m: NaclMigration, sides: MigrationSides, applied?: NaclApplyOutcome): Promise<NaclVerification> {
  const ids = applied?.ids ?? new SlotIds();
  const dstEc2 = sides.dst.ec2(sides.dstRegion);
  const readBack = applied && applied.result.applied > 0 ? await describeNetworkAcls(dstEc2, { vpcId: m.dst.vpcId }) : m.destinationAcls;
  const acls = aclVerdicts(m, ids, readBack);
  const where = new Map<string, string>();
  for (const a of readBack) for (const s of a.Associations ?? []) if (s.SubnetId) where.set(s.SubnetId, a.NetworkAclId!);
  const associations = m.associations.map((d) => {
    const aclId = ids.resolve(m.copies.find((c) => c.sourceId === d.sourceAcl)!.slot);
    const actual = where.get(d.subnetId);
    return { subnetId: d.subnetId, aclId, ...(actual ? { actual } : {}), ok: actual === aclId };
  });
  return { equivalent: acls.every((a) => a.comparison.equivalent) && associations.every((a) => a.ok), acls, associations };
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
  const bad = [...v.acls.filter((a) => !a.comparison.equivalent).map((a) => a.copyId), ...v.associations.filter((a) => !a.ok).map((a) => `association of ${a.subnetId}`)];
  return new VerificationError(`verification failed: ${bad.join(', ')} not as the source`);
}

/**
 * The plan of a network ACL migration. Pure.
 *
 * Each source NACL becomes a NACL in the destination VPC (created with its tags, or ruleport's tagged copy from an
 * earlier run, adopted), holding the same entries under the same rule numbers in both directions — IPv4 and IPv6,
 * ICMP type/code, port ranges — and never the `*` entries AWS adds by itself. Subnets move to the copy last, once
 * it is complete, through their current association. A copy that subnets use is never edited: a changed source gets
 * a new copy and the old one is retired (blue/green, see migrate-nacl-target.ts).
 */
import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { UnsupportedError, type Policy } from '../model/index.js';
import type { Change, Plan } from '../plan/index.js';
import { NACL_PER_VPC, naclQuotaProblems, parseNetworkAcls, renderNetworkAcl, type NaclEntry } from '../platforms/aws-nacl/index.js';
import { OWNER_TAG } from '../platforms/aws/tags.js';
import type { AssociationDecision } from './migrate-association.js';
import { chooseNaclTarget, entryKey, sameEntry, type OwnedCopy } from './migrate-nacl-target.js';
import { pendingSlot, type Slot } from './migrate-slots.js';
import { MAX_TAGS_PER_RESOURCE, copyTags, isCopyOf, sourceTagValue, type SourceScope } from './migrate-source.js';

export type NaclPayload =
  /** A NACL: created (a copy) or deleted (an earlier copy, retired once its subnets have moved off). */
  | { readonly kind: 'network-acl'; readonly slot: Slot; readonly source: string; readonly vpcId: string; readonly tags: Readonly<Record<string, string>> }
  /** One entry of a NACL: created, replaced (update) or deleted. */
  | { readonly kind: 'entry'; readonly acl: Slot; readonly entry: NaclEntry }
  /** A destination subnet's association: `acl` is where it is (before) or goes (after). */
  | { readonly kind: 'association'; readonly subnetId: string; readonly associationId: string; readonly acl: Slot };

export type NaclChange = Change<NaclPayload>;

export interface NaclCopy {
  readonly sourceId: string;
  readonly slot: Slot;
  readonly state: 'new' | 'adopted';
  /** Earlier copies of the same source this run retires: their subnets move onto `slot`, then they are deleted. */
  readonly retires: readonly string[];
}

/** A subnet on a retired copy that no association decision names: it follows its copy onto the replacement. */
export interface NaclDrain {
  readonly sourceAcl: string;
  readonly subnetId: string;
  readonly from: string;
}

export interface NaclPlanInput {
  readonly src: SourceScope;
  readonly dst: SourceScope & { readonly vpcId: string };
  readonly acls: readonly NetworkAcl[];
  /** Every NACL of the destination VPC. */
  readonly destinationAcls: readonly NetworkAcl[];
  readonly associations: readonly AssociationDecision[];
  /** Notes on source subnets left unassociated. */
  readonly unmatched: readonly string[];
  readonly prune: boolean;
}

export interface NaclMigrationPlan {
  readonly plan: Plan<NaclPayload>;
  readonly copies: readonly NaclCopy[];
  readonly policies: ReadonlyMap<string, Policy>;
  readonly associations: readonly AssociationDecision[];
  readonly drains: readonly NaclDrain[];
}

/** Entries of both directions, keyed by direction and rule number. */
function entriesOf(policy: Policy): Map<string, NaclEntry> {
  const r = renderNetworkAcl(policy);
  return new Map([...r.ingress, ...r.egress].map((e) => [entryKey(e), e]));
}

function ownedCopy(acl: NetworkAcl, region: string): OwnedCopy {
  const subnets = (acl.Associations ?? [])
    .filter((a) => a.SubnetId && a.NetworkAclAssociationId)
    .map((a) => ({ subnetId: a.SubnetId!, associationId: a.NetworkAclAssociationId! }));
  return { aclId: acl.NetworkAclId!, entries: entriesOf(parseNetworkAcls([acl], `aws:${region}/${acl.NetworkAclId}`)[0]!), subnets };
}

/**
 * Entries ruleport's copies hold that the source lacks (by number): kept unless --prune, also when a copy is
 * replaced. Where two copies hold one number differently, the first copy's entry is kept and the other reported.
 */
function extraEntries(want: ReadonlyMap<string, NaclEntry>, copies: readonly OwnedCopy[]): { entries: Map<string, { entry: NaclEntry; holder: string }>; clashes: string[] } {
  const entries = new Map<string, { entry: NaclEntry; holder: string }>();
  const clashes: string[] = [];
  for (const c of copies) {
    for (const [key, entry] of c.entries) {
      if (want.has(key)) continue;
      const first = entries.get(key);
      if (!first) entries.set(key, { entry, holder: c.aclId });
      else if (!sameEntry(first.entry, entry)) clashes.push(`${key} differs between ${first.holder} and ${c.aclId}: ${first.holder}'s is kept`);
    }
  }
  return { entries, clashes };
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/**
 * Plans a migration.
 * @throws UnsupportedError when a NACL exceeds the entry quota or its tags leave no room for the ownership tag,
 *   before any write.
 */
export function planNaclMigration(input: NaclPlanInput): NaclMigrationPlan {
  const { src, dst } = input;
  const target = `aws:${dst.region}/${dst.vpcId}`;
  const creates: NaclChange[] = [];
  const entryRemovals: NaclChange[] = [];
  const entryChanges: NaclChange[] = [];
  const moves: NaclChange[] = [];
  const retirements: NaclChange[] = [];
  const keeps: NaclChange[] = [];
  const copies: NaclCopy[] = [];
  const drains: NaclDrain[] = [];
  const policies = new Map<string, Policy>();
  const notes: string[] = [];
  const quota: string[] = [];
  const decided = new Set(input.associations.map((a) => a.subnetId));
  const byId = new Map(input.destinationAcls.map((d) => [d.NetworkAclId!, d]));
  for (const acl of input.acls) {
    const sourceId = acl.NetworkAclId!;
    const policy = parseNetworkAcls([acl], `aws:${src.region}/${sourceId}`)[0]!;
    policies.set(sourceId, policy);
    const owned = input.destinationAcls
      .filter((d) => isCopyOf(d.Tags, src, sourceId))
      .map((d) => ownedCopy(d, dst.region))
      .sort((a, b) => (a.aclId < b.aclId ? -1 : 1));
    const want = entriesOf(policy);
    const extra = extraEntries(want, owned);
    const desired = new Map([...want, ...(input.prune ? [] : [...extra.entries].map(([k, x]) => [k, x.entry] as const))]);
    quota.push(...naclQuotaProblems(sourceId, { ingress: [...desired.values()].filter((e) => !e.Egress), egress: [...desired.values()].filter((e) => e.Egress) }));
    const choice = chooseNaclTarget(owned, desired);
    const retires = choice.retire.map((r) => r.aclId);
    const copy: NaclCopy =
      choice.how === 'new' ? { sourceId, slot: pendingSlot(sourceId), state: 'new', retires } : { sourceId, slot: choice.copy.aclId, state: 'adopted', retires };
    copies.push(copy);
    const label = copy.state === 'new' ? `network ACL (new copy of ${sourceId})` : `network ACL ${copy.slot} (copy of ${sourceId})`;
    const dest = copy.state === 'new' ? `new copy of ${sourceId}` : copy.slot;
    let changed = false;
    if (copy.state === 'new') {
      const tags = copyTags(acl.Tags, src, sourceId);
      if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
        throw new UnsupportedError('aws-nacl', sourceId, `has ${Object.keys(tags).length - 1} tags: no room for the ${OWNER_TAG} tag (at most ${MAX_TAGS_PER_RESOURCE})`);
      }
      const object = retires.length > 0 ? `${label}, to replace ${retires.join(', ')}` : label;
      creates.push({ kind: 'create', target, object, after: { kind: 'network-acl', slot: copy.slot, source: sourceTagValue(src, sourceId), vpcId: dst.vpcId, tags } });
      changed = true;
    }
    // Only a copy no subnet uses gets here with entries to change (chooseNaclTarget): editing it is safe.
    const have = choice.how === 'new' ? new Map<string, NaclEntry>() : choice.copy.entries;
    for (const [key, entry] of have) {
      if (desired.has(key)) continue;
      entryRemovals.push({ kind: 'delete', target, object: `${key} of ${label}`, before: { kind: 'entry', acl: copy.slot, entry } });
      changed = true;
    }
    for (const [key, entry] of desired) {
      const now = have.get(key);
      if (!now) {
        entryChanges.push({ kind: 'create', target, object: `${key} of ${label}`, after: { kind: 'entry', acl: copy.slot, entry } });
        changed = true;
      } else if (!sameEntry(now, entry)) {
        entryChanges.push({ kind: 'update', target, object: `${key} of ${label}`, before: { kind: 'entry', acl: copy.slot, entry: now }, after: { kind: 'entry', acl: copy.slot, entry } });
        changed = true;
      }
    }
    if (!input.prune && extra.entries.size > 0) {
      const n = extra.entries.size;
      const holders = [...new Set([...extra.entries.values()].map((x) => x.holder))];
      notes.push(`${holders.join(', ')} ${plural(holders.length, 'has', 'have')} ${n} entr${plural(n, 'y', 'ies')} the source lacks (${[...extra.entries.keys()].join(', ')}): pass --prune to remove ${plural(n, 'it', 'them')}`);
      notes.push(...extra.clashes);
    }
    if (choice.how === 'in-place' && changed) notes.push(`${copy.slot} (copy of ${sourceId}) is used by no subnet: its entries change in place`);
    if (retires.length > 0) notes.push(retirementNote(choice.how, copy.slot, sourceId, choice.retire));
    for (const a of input.associations.filter((d) => d.sourceAcl === sourceId)) {
      if (a.currentAcl === copy.slot) {
        keeps.push({ kind: 'keep', target, object: `association of ${a.subnetId}` });
        continue;
      }
      moves.push({
        kind: 'update',
        target,
        object: `association of ${a.subnetId} (${a.how === 'explicit' ? `--associate ${a.sourceSubnet}` : `same ${a.how} as ${a.sourceSubnet}`}): ${a.currentAcl} → ${dest}`,
        before: { kind: 'association', subnetId: a.subnetId, associationId: a.associationId, acl: a.currentAcl },
        after: { kind: 'association', subnetId: a.subnetId, associationId: a.associationId, acl: copy.slot },
      });
    }
    for (const r of choice.retire) {
      for (const s of r.subnets) {
        if (decided.has(s.subnetId)) continue;
        drains.push({ sourceAcl: sourceId, subnetId: s.subnetId, from: r.aclId });
        moves.push({
          kind: 'update',
          target,
          object: `association of ${s.subnetId} (on ${r.aclId}, retired): ${r.aclId} → ${dest}`,
          before: { kind: 'association', subnetId: s.subnetId, associationId: s.associationId, acl: r.aclId },
          after: { kind: 'association', subnetId: s.subnetId, associationId: s.associationId, acl: copy.slot },
        });
      }
      const tags = Object.fromEntries((byId.get(r.aclId)?.Tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
      retirements.push({
        kind: 'delete',
        target,
        object: `network ACL ${r.aclId} (earlier copy of ${sourceId}${r.subnets.length > 0 ? ', once its subnets have moved' : ''})`,
        before: { kind: 'network-acl', slot: r.aclId, source: sourceTagValue(src, sourceId), vpcId: dst.vpcId, tags },
      });
      changed = true;
    }
    if (!changed) keeps.push({ kind: 'keep', target, object: label });
  }
  // New copies exist next to the ones they replace until the retirements run last: the VPC holds both at once.
  const peak = input.destinationAcls.length + copies.filter((c) => c.state === 'new').length;
  if (peak > NACL_PER_VPC.limit) {
    quota.push(`${dst.vpcId}: ${peak} network ACLs while copies are made (${input.destinationAcls.length} there now) exceed the quota of ${NACL_PER_VPC.limit} per VPC (${NACL_PER_VPC.doc})`);
  }
  if (quota.length > 0) throw new UnsupportedError('aws-nacl', 'quota', `${quota[0]}${quota.length > 1 ? ` (and ${quota.length - 1} more)` : ''}`);
  const adopted = copies.filter((c) => c.state === 'adopted').length;
  if (adopted > 0) notes.unshift(`${adopted} network ACL${adopted > 1 ? 's' : ''} already copied by an earlier run: adopted (tag ${OWNER_TAG})`);
  notes.push(...input.unmatched.map((u) => `subnet ${u}`));
  const created = copies.filter((c) => c.state === 'new').length;
  const retired = retirements.length;
  return {
    plan: {
      title: `migrate ${copies.length} network ACL${plural(copies.length, '', 's')} ${src.account}/${src.region} → ${dst.account}/${dst.region} ${dst.vpcId} (${created} to create, ${input.associations.length} subnet association${plural(input.associations.length, '', 's')}${retired > 0 ? `, ${retired} earlier cop${plural(retired, 'y', 'ies')} to retire` : ''})`,
      // Apply order (migrate-nacl.ts): NACLs, entry deletes (so an edited copy never exceeds the quota), entry
      // creates and replacements, subnet moves, and last the retired copies, empty by then.
      changes: [...creates, ...entryRemovals, ...entryChanges, ...moves, ...retirements, ...keeps],
      notes,
      lossy: [],
    },
    copies,
    policies,
    associations: input.associations,
    drains,
  };
}

/** Says how the copies of one source are consolidated, and why a copy in use is replaced rather than edited. */
function retirementNote(how: 'ready' | 'in-place' | 'new', slot: string, sourceId: string, retire: readonly OwnedCopy[]): string {
  const ids = retire.map((r) => r.aclId).join(', ');
  const subnets = retire.reduce((n, r) => n + r.subnets.length, 0);
  const many = retire.length > 1;
  const moving = subnets > 0 ? `${subnets} subnet${plural(subnets, '', 's')} move${plural(subnets, 's', '')} onto it, one call each, then ` : '';
  if (how === 'new') {
    return (
      `blue/green: ${ids} (copy of ${sourceId}) ${many ? 'are' : 'is'} in use and ${many ? 'differ' : 'differs'} from the source, so ${many ? 'they are' : 'it is'} not edited ` +
      `(changing a NACL in use entry by entry could briefly allow flows neither the old nor the new entries allow): a new copy gets every entry ` +
      `and is read back and proven equivalent to the source, ${moving}${ids} ${many ? 'are' : 'is'} deleted`
    );
  }
  return `${slot} takes over from ${ids} (${many ? 'earlier copies' : 'an earlier copy'} of ${sourceId}, left by an interrupted run or made by hand): ${moving}${ids} ${many ? 'are' : 'is'} deleted`;
}

/**
 * The plan of a network ACL migration. Pure.
 *
 * Each source NACL becomes a NACL in the destination VPC (created with its tags, or ruleport's tagged copy from an
 * earlier run, adopted), holding the same entries under the same rule numbers in both directions — IPv4 and IPv6,
 * ICMP type/code, port ranges — and never the `*` entries AWS adds by itself. Subnets move to the copy last, once
 * it is complete, through their current association.
 */
import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { InputError, UnsupportedError, type Policy } from '../model/index.js';
import type { Change, Plan } from '../plan/index.js';
import { naclQuotaProblems, parseNetworkAcls, renderNetworkAcl, type NaclEntry } from '../platforms/aws-nacl/index.js';
import { OWNER_TAG } from '../platforms/aws/tags.js';
import type { AssociationDecision } from './migrate-association.js';
import { pendingSlot, type Slot } from './migrate-slots.js';
import { MAX_TAGS_PER_RESOURCE, copyTags, isCopyOf, sourceTagValue, type SourceScope } from './migrate-source.js';

export type NaclPayload =
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
}

/** Entries of both directions, keyed by direction and rule number. */
function entriesOf(policy: Policy): Map<string, NaclEntry> {
  const r = renderNetworkAcl(policy);
  return new Map([...r.ingress, ...r.egress].map((e) => [entryKey(e), e]));
}

function entryKey(e: Pick<NaclEntry, 'Egress' | 'RuleNumber'>): string {
  return `${e.Egress ? 'egress' : 'ingress'} #${e.RuleNumber}`;
}

/**
 * Plans a migration.
 * @throws InputError when one source has several copies; UnsupportedError when a NACL exceeds the entry quota or
 *   its tags leave no room for the ownership tag. Both come before any write.
 */
export function planNaclMigration(input: NaclPlanInput): NaclMigrationPlan {
  const { src, dst } = input;
  const target = `aws:${dst.region}/${dst.vpcId}`;
  const creates: NaclChange[] = [];
  const entryChanges: NaclChange[] = [];
  const removals: NaclChange[] = [];
  const moves: NaclChange[] = [];
  const keeps: NaclChange[] = [];
  const copies: NaclCopy[] = [];
  const policies = new Map<string, Policy>();
  const notes: string[] = [];
  const quota: string[] = [];
  for (const acl of input.acls) {
    const sourceId = acl.NetworkAclId!;
    const owned = input.destinationAcls.filter((d) => isCopyOf(d.Tags, src, sourceId));
    if (owned.length > 1) {
      throw new InputError({ object: `network ACL ${sourceId}` }, `several copies in ${dst.vpcId}: ${owned.map((d) => d.NetworkAclId).join(', ')}; delete all but one`);
    }
    const existing = owned[0];
    const copy: NaclCopy = existing ? { sourceId, slot: existing.NetworkAclId!, state: 'adopted' } : { sourceId, slot: pendingSlot(sourceId), state: 'new' };
    copies.push(copy);
    const policy = parseNetworkAcls([acl], `aws:${src.region}/${sourceId}`)[0]!;
    policies.set(sourceId, policy);
    const label = copy.state === 'new' ? `network ACL (new copy of ${sourceId})` : `network ACL ${copy.slot} (copy of ${sourceId})`;
    let changed = false;
    if (copy.state === 'new') {
      const tags = copyTags(acl.Tags, src, sourceId);
      if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
        throw new UnsupportedError('aws-nacl', sourceId, `has ${Object.keys(tags).length - 1} tags: no room for the ${OWNER_TAG} tag (at most ${MAX_TAGS_PER_RESOURCE})`);
      }
      creates.push({ kind: 'create', target, object: label, after: { kind: 'network-acl', slot: copy.slot, source: sourceTagValue(src, sourceId), vpcId: dst.vpcId, tags } });
      changed = true;
    }
    const want = entriesOf(policy);
    const have = existing ? entriesOf(parseNetworkAcls([existing], `aws:${dst.region}/${copy.slot}`)[0]!) : new Map<string, NaclEntry>();
    const extra = [...have.entries()].filter(([k]) => !want.has(k));
    const kept = [...want.values(), ...(input.prune ? [] : extra.map(([, e]) => e))];
    quota.push(...naclQuotaProblems(sourceId, { ingress: kept.filter((e) => !e.Egress), egress: kept.filter((e) => e.Egress) }));
    for (const [key, entry] of want) {
      const now = have.get(key);
      if (!now) {
        entryChanges.push({ kind: 'create', target, object: `${key} of ${label}`, after: { kind: 'entry', acl: copy.slot, entry } });
        changed = true;
      } else if (JSON.stringify(now) !== JSON.stringify(entry)) {
        entryChanges.push({ kind: 'update', target, object: `${key} of ${label}`, before: { kind: 'entry', acl: copy.slot, entry: now }, after: { kind: 'entry', acl: copy.slot, entry } });
        changed = true;
      }
    }
    if (input.prune) {
      for (const [key, entry] of extra) {
        removals.push({ kind: 'delete', target, object: `${key} of ${label}`, before: { kind: 'entry', acl: copy.slot, entry } });
        changed = true;
      }
    } else if (extra.length > 0) {
      notes.push(`${copy.slot} has ${extra.length} entr${extra.length > 1 ? 'ies' : 'y'} the source lacks (${extra.map(([k]) => k).join(', ')}): pass --prune to remove ${extra.length > 1 ? 'them' : 'it'}`);
    }
    for (const a of input.associations.filter((d) => d.sourceAcl === sourceId)) {
      if (a.currentAcl === copy.slot) {
        keeps.push({ kind: 'keep', target, object: `association of ${a.subnetId}` });
        continue;
      }
      moves.push({
        kind: 'update',
        target,
        object: `association of ${a.subnetId} (${a.how === 'explicit' ? `--associate ${a.sourceSubnet}` : `same ${a.how} as ${a.sourceSubnet}`}): ${a.currentAcl} → ${copy.state === 'new' ? `new copy of ${sourceId}` : copy.slot}`,
        before: { kind: 'association', subnetId: a.subnetId, associationId: a.associationId, acl: a.currentAcl },
        after: { kind: 'association', subnetId: a.subnetId, associationId: a.associationId, acl: copy.slot },
      });
    }
    if (!changed) keeps.push({ kind: 'keep', target, object: label });
  }
  if (quota.length > 0) throw new UnsupportedError('aws-nacl', 'quota', `${quota[0]}${quota.length > 1 ? ` (and ${quota.length - 1} more)` : ''}`);
  const adopted = copies.filter((c) => c.state === 'adopted').length;
  if (adopted > 0) notes.unshift(`${adopted} network ACL${adopted > 1 ? 's' : ''} already copied by an earlier run: adopted (tag ${OWNER_TAG})`);
  notes.push(...input.unmatched.map((u) => `subnet ${u}`));
  const created = copies.filter((c) => c.state === 'new').length;
  return {
    plan: {
      title: `migrate ${copies.length} network ACL${copies.length === 1 ? '' : 's'} ${src.account}/${src.region} → ${dst.account}/${dst.region} ${dst.vpcId} (${created} to create, ${input.associations.length} subnet association${input.associations.length === 1 ? '' : 's'})`,
      changes: [...creates, ...entryChanges, ...removals, ...moves, ...keeps],
      notes,
      lossy: [],
    },
    copies,
    policies,
    associations: input.associations,
  };
}

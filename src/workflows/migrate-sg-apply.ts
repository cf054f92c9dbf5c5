/**
 * Carries out the changes of a security group migration plan on the destination, one API call per change, and
 * resolves the `new:` slots of objects created earlier in the same run into their ids.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Executor } from '../plan/index.js';
import { createManagedPrefixList, modifyPrefixListEntries } from '../platforms/aws/prefix-list-writes.js';
import type { Ec2Handle } from '../platforms/aws/session.js';
import { createTags } from '../platforms/aws/tags.js';
import { authorizePermissions, createSecurityGroup, revokePermissions } from '../platforms/aws-sg/client.js';
import { updateRuleDescriptions } from '../platforms/aws-sg/client-descriptions.js';
import { entryChanges } from './migrate-prefix-lists.js';
import type { SgChange, SgPayload } from './migrate-sg-plan.js';
import type { SlotIds } from './migrate-slots.js';

/** The executor for `applyPlan`: one API call per change (a new prefix list also waits until it is usable). */
export function sgExecutor(ec2: Ec2Handle, ids: SlotIds): Executor<SgPayload> {
  const permissions = (perms: readonly IpPermission[]): IpPermission[] =>
    perms.map((p) => ({
      ...p,
      ...(p.PrefixListIds ? { PrefixListIds: p.PrefixListIds.map((r) => ({ ...r, PrefixListId: ids.resolve(r.PrefixListId!) })) } : {}),
      ...(p.UserIdGroupPairs ? { UserIdGroupPairs: p.UserIdGroupPairs.map((r) => ({ ...r, GroupId: ids.resolve(r.GroupId!) })) } : {}),
    }));
  return async (change: SgChange) => {
    switch (change.kind) {
      case 'create': {
        const o = change.after;
        switch (o.kind) {
          case 'prefix-list':
            ids.set(o.slot, await createManagedPrefixList(ec2, { name: o.name, addressFamily: o.addressFamily, maxEntries: o.maxEntries, entries: o.entries, tags: o.tags }));
            return;
          case 'security-group':
            ids.set(o.slot, await createSecurityGroup(ec2, { name: o.name, description: o.description, vpcId: o.vpcId, tags: o.tags }));
            return;
          case 'rules':
            await authorizePermissions(ec2, ids.resolve(o.group), o.direction, permissions(o.permissions));
            return;
          default:
            throw new Error(`cannot create ${o.kind}`);
        }
      }
      case 'update': {
        const o = change.after;
        const before = change.before;
        if (o.kind === 'tags') return createTags(ec2, [o.groupId], o.tags);
        if (o.kind === 'rules') return updateRuleDescriptions(ec2, ids.resolve(o.group), o.direction, permissions(o.permissions));
        if (o.kind === 'prefix-list-entries' && before.kind === 'prefix-list-entries') {
          return modifyPrefixListEntries(ec2, o.prefixListId, o.version, entryChanges(o.entries, before.entries));
        }
        throw new Error(`cannot update ${o.kind}`);
      }
      case 'delete': {
        const o = change.before;
        if (o.kind !== 'rules') throw new Error(`cannot delete ${o.kind}`);
        return revokePermissions(ec2, ids.resolve(o.group), o.direction, permissions(o.permissions));
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

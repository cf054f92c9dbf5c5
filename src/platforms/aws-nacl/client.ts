/**
 * Network ACLs over the EC2 API: reads (paginated), entry writes and subnet associations. API I/O only.
 *
 * Write failure behaviour: each function is one API call, except `associateSubnet` (a read of the current
 * association, then ReplaceNetworkAclAssociation): if it fails, the subnet keeps its previous NACL. Entries are
 * immutable in AWS: change one with `replaceEntry` (same rule number) or delete and create.
 */
import {
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  type Filter,
  type NetworkAcl,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { InputError, RemoteError } from '../../model/index.js';
import { MAX_FILTER_VALUES, chunk } from '../aws/chunk.js';
import { plainJson } from '../aws/json.js';
import { collectPages } from '../paginate.js';
import type { Ec2Handle } from '../aws/session.js';
import { hasTags, tagFilters, tagSpecifications } from '../aws/tags.js';
import type { NaclEntry } from './render.js';

/** Which NACLs to read. Empty: every NACL of the region. */
export interface NetworkAclSelector {
  readonly aclIds?: readonly string[];
  readonly vpcId?: string;
  /** The NACL associated with this subnet. */
  readonly subnetId?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The describe-network-acls document, as `aws ec2 describe-network-acls` prints it. */
export interface NetworkAclsDocument {
  readonly NetworkAcls: NetworkAcl[];
}

export async function describeNetworkAcls(ec2: Ec2Handle, sel: NetworkAclSelector = {}): Promise<NetworkAcl[]> {
  const Filters: Filter[] = [];
  if (sel.vpcId) Filters.push({ Name: 'vpc-id', Values: [sel.vpcId] });
  if (sel.subnetId) Filters.push({ Name: 'association.subnet-id', Values: [sel.subnetId] });
  Filters.push(...tagFilters(sel.tags));
  const filterPart = Filters.length ? { Filters } : {};
  const fetchAll = (base: { NetworkAclIds?: string[]; MaxResults?: number }) =>
    collectPages('ec2', 'DescribeNetworkAcls', async (NextToken) => {
      const out = await ec2.call('DescribeNetworkAcls', 'read', (c) =>
        c.send(new DescribeNetworkAclsCommand({ ...base, ...filterPart, NextToken })),
      );
      return { items: out.NetworkAcls, next: out.NextToken };
    });
  const acls = sel.aclIds?.length
    ? (await Promise.all(chunk(sel.aclIds, MAX_FILTER_VALUES).map((ids) => fetchAll({ NetworkAclIds: ids })))).flat()
    : await fetchAll({ MaxResults: 1000 });
  return acls.filter((a) => hasTags(a.Tags, sel.tags));
}

/** The NACLs as the describe-network-acls JSON the file parser reads (`ruleport export`). */
export async function exportNetworkAcls(ec2: Ec2Handle, sel: NetworkAclSelector = {}): Promise<NetworkAclsDocument> {
  return { NetworkAcls: plainJson(await describeNetworkAcls(ec2, sel)) };
}

/**
 * CreateNetworkAcl with its tags in the same call. A new NACL denies everything (only the `*` entries).
 * @param clientToken makes a retried create idempotent; default: a fresh token per call.
 * @returns the new NACL id.
 */
export async function createNetworkAcl(
  ec2: Ec2Handle,
  acl: { readonly vpcId: string; readonly tags?: Readonly<Record<string, string>>; readonly clientToken?: string },
): Promise<string> {
  const out = await ec2.call('CreateNetworkAcl', 'write', (c) =>
    c.send(
      new CreateNetworkAclCommand({
        VpcId: acl.vpcId,
        ClientToken: acl.clientToken ?? randomUUID(),
        ...tagSpecifications('network-acl', acl.tags),
      }),
    ),
  );
  const id = out.NetworkAcl?.NetworkAclId;
  if (!id) throw new RemoteError('ec2', `CreateNetworkAcl (${ec2.region})`, 'answer without a NetworkAclId');
  return id;
}

export async function deleteNetworkAcl(ec2: Ec2Handle, aclId: string): Promise<void> {
  await ec2.call('DeleteNetworkAcl', 'write', (c) => c.send(new DeleteNetworkAclCommand({ NetworkAclId: aclId })));
}

function entryInput(aclId: string, e: NaclEntry) {
  return {
    NetworkAclId: aclId,
    RuleNumber: e.RuleNumber,
    Egress: e.Egress,
    Protocol: e.Protocol,
    RuleAction: e.RuleAction,
    ...(e.CidrBlock !== undefined ? { CidrBlock: e.CidrBlock } : {}),
    ...(e.Ipv6CidrBlock !== undefined ? { Ipv6CidrBlock: e.Ipv6CidrBlock } : {}),
    ...(e.PortRange ? { PortRange: { From: e.PortRange.From, To: e.PortRange.To } } : {}),
    ...(e.IcmpTypeCode ? { IcmpTypeCode: { Type: e.IcmpTypeCode.Type, Code: e.IcmpTypeCode.Code } } : {}),
  };
}

/** CreateNetworkAclEntry (fails with NetworkAclEntryAlreadyExists when the number is taken in that direction). */
export async function createEntry(ec2: Ec2Handle, aclId: string, entry: NaclEntry): Promise<void> {
  await ec2.call('CreateNetworkAclEntry', 'write', (c) => c.send(new CreateNetworkAclEntryCommand(entryInput(aclId, entry))));
}

/** ReplaceNetworkAclEntry: the entry with the same number and direction becomes `entry`. */
export async function replaceEntry(ec2: Ec2Handle, aclId: string, entry: NaclEntry): Promise<void> {
  await ec2.call('ReplaceNetworkAclEntry', 'write', (c) => c.send(new ReplaceNetworkAclEntryCommand(entryInput(aclId, entry))));
}

export async function deleteEntry(ec2: Ec2Handle, aclId: string, entry: { readonly RuleNumber: number; readonly Egress: boolean }): Promise<void> {
  await ec2.call('DeleteNetworkAclEntry', 'write', (c) =>
    c.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: entry.RuleNumber, Egress: entry.Egress })),
  );
}

/**
 * ReplaceNetworkAclAssociation: moves the subnet of `associationId` to `aclId`.
 * @returns the new association id.
 */
export async function replaceAssociation(ec2: Ec2Handle, associationId: string, aclId: string): Promise<string> {
  const out = await ec2.call('ReplaceNetworkAclAssociation', 'write', (c) =>
    c.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: associationId, NetworkAclId: aclId })),
  );
  if (!out.NewAssociationId) {
    throw new RemoteError('ec2', `ReplaceNetworkAclAssociation (${ec2.region})`, 'answer without a NewAssociationId');
  }
  return out.NewAssociationId;
}

/** The id of the association that currently binds `subnetId` to its NACL (every subnet has exactly one). */
export async function currentAssociation(ec2: Ec2Handle, subnetId: string): Promise<{ associationId: string; aclId: string }> {
  const acls = await describeNetworkAcls(ec2, { subnetId });
  for (const acl of acls) {
    const assoc = acl.Associations?.find((a) => a.SubnetId === subnetId);
    if (assoc?.NetworkAclAssociationId && acl.NetworkAclId) return { associationId: assoc.NetworkAclAssociationId, aclId: acl.NetworkAclId };
  }
  throw new InputError({ object: `ec2 DescribeNetworkAcls (${ec2.region})`, field: 'subnet' }, `subnet ${subnetId} has no NACL association`);
}

/**
 * Associates a subnet with a NACL through its current association (the only way AWS allows).
 * @returns the new association id, or the current one when the subnet already uses `aclId`.
 */
export async function associateSubnet(ec2: Ec2Handle, subnetId: string, aclId: string): Promise<string> {
  const current = await currentAssociation(ec2, subnetId);
  if (current.aclId === aclId) return current.associationId;
  return replaceAssociation(ec2, current.associationId, aclId);
}

/**
 * Security groups over the EC2 API: reads (paginated) and writes (batched per group and direction). API I/O only;
 * meaning lives in parse.ts and render.ts. Every call goes through the session (retries, limits, typed errors).
 *
 * Write failure behaviour: each function is one API call (creating a group is one call with its tags). On real
 * AWS an authorize or revoke of several permissions is atomic: if it fails, nothing changed. moto applies them
 * one by one, so tests must not rely on atomicity.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type Filter,
  type IpPermission,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { RemoteError, type Direction } from '../../model/index.js';
import { MAX_FILTER_VALUES, chunk } from '../aws/chunk.js';
import { plainJson } from '../aws/json.js';
import { collectPages } from '../paginate.js';
import type { Ec2Handle } from '../aws/session.js';
import { hasTags, tagFilters, tagSpecifications } from '../aws/tags.js';

/** Which groups to read. Empty: every group of the region. */
export interface SecurityGroupSelector {
  readonly groupIds?: readonly string[];
  readonly vpcId?: string;
  readonly groupNames?: readonly string[];
  /** Tag filters, e.g. `{ 'ruleport:source': 'sg-0abc' }`; a value of `*` matches any value. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The describe-security-groups document, as `aws ec2 describe-security-groups` prints it. */
export interface SecurityGroupsDocument {
  readonly SecurityGroups: SecurityGroup[];
}

/** A group with its rules from the rule API (rule ids and rule tags). */
export interface LiveSecurityGroup {
  readonly group: SecurityGroup;
  readonly rules: SecurityGroupRule[];
}

function selectorFilters(sel: SecurityGroupSelector): Filter[] {
  const filters: Filter[] = [];
  if (sel.vpcId) filters.push({ Name: 'vpc-id', Values: [sel.vpcId] });
  if (sel.groupNames?.length) filters.push({ Name: 'group-name', Values: [...sel.groupNames] });
  filters.push(...tagFilters(sel.tags));
  return filters;
}

/** DescribeSecurityGroups, every page; ids are asked for in chunks the API accepts. */
export async function describeSecurityGroups(ec2: Ec2Handle, sel: SecurityGroupSelector = {}): Promise<SecurityGroup[]> {
  const Filters = selectorFilters(sel);
  const filterPart = Filters.length ? { Filters } : {};
  const fetchAll = (base: { GroupIds?: string[]; MaxResults?: number }) =>
    collectPages('ec2', 'DescribeSecurityGroups', async (NextToken) => {
      const out = await ec2.call('DescribeSecurityGroups', 'read', (c) =>
        c.send(new DescribeSecurityGroupsCommand({ ...base, ...filterPart, NextToken })),
      );
      return { items: out.SecurityGroups, next: out.NextToken };
    });
  const groups = sel.groupIds?.length
    ? (await Promise.all(chunk(sel.groupIds, MAX_FILTER_VALUES).map((ids) => fetchAll({ GroupIds: ids })))).flat()
    : await fetchAll({ MaxResults: 1000 });
  return groups.filter((g) => hasTags(g.Tags, sel.tags));
}

/** DescribeSecurityGroupRules for some groups (or some rule ids), every page. */
export async function describeSecurityGroupRules(
  ec2: Ec2Handle,
  sel: { readonly groupIds?: readonly string[]; readonly ruleIds?: readonly string[] },
): Promise<SecurityGroupRule[]> {
  const fetchAll = (input: { Filters?: Filter[]; SecurityGroupRuleIds?: string[] }) =>
    collectPages('ec2', 'DescribeSecurityGroupRules', async (NextToken) => {
      const out = await ec2.call('DescribeSecurityGroupRules', 'read', (c) =>
        c.send(new DescribeSecurityGroupRulesCommand({ ...input, MaxResults: 1000, NextToken })),
      );
      return { items: out.SecurityGroupRules, next: out.NextToken };
    });
  if (sel.ruleIds?.length) {
    const parts = await Promise.all(chunk(sel.ruleIds, MAX_FILTER_VALUES).map((ids) => fetchAll({ SecurityGroupRuleIds: ids })));
    return parts.flat();
  }
  if (!sel.groupIds?.length) return fetchAll({});
  const parts = await Promise.all(
    chunk(sel.groupIds, MAX_FILTER_VALUES).map((ids) => fetchAll({ Filters: [{ Name: 'group-id', Values: ids }] })),
  );
  return parts.flat();
}

/** Groups with their rules (rule ids and tags), in group order. */
export async function readSecurityGroups(ec2: Ec2Handle, sel: SecurityGroupSelector = {}): Promise<LiveSecurityGroup[]> {
  const groups = await describeSecurityGroups(ec2, sel);
  const ids = groups.map((g) => g.GroupId!).filter(Boolean);
  const rules = ids.length ? await describeSecurityGroupRules(ec2, { groupIds: ids }) : [];
  const byGroup = new Map<string, SecurityGroupRule[]>();
  for (const r of rules) {
    const list = byGroup.get(r.GroupId ?? '') ?? [];
    list.push(r);
    byGroup.set(r.GroupId ?? '', list);
  }
  return groups.map((group) => ({ group, rules: byGroup.get(group.GroupId ?? '') ?? [] }));
}

/**
 * The groups as the describe-security-groups JSON the file parser reads (`ruleport export`): export → parse
 * gives the same policies as reading live.
 */
export async function exportSecurityGroups(ec2: Ec2Handle, sel: SecurityGroupSelector = {}): Promise<SecurityGroupsDocument> {
  return { SecurityGroups: plainJson(await describeSecurityGroups(ec2, sel)) };
}

export interface NewSecurityGroup {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * CreateSecurityGroup with its tags in the same call (so an owned group is never untagged). AWS adds an
 * allow-all egress rule to every new group: callers that do not want it revoke it.
 * @returns the new group id.
 */
export async function createSecurityGroup(ec2: Ec2Handle, group: NewSecurityGroup): Promise<string> {
  const out = await ec2.call('CreateSecurityGroup', 'write', (c) =>
    c.send(
      new CreateSecurityGroupCommand({
        GroupName: group.name,
        Description: group.description,
        VpcId: group.vpcId,
        ...tagSpecifications('security-group', group.tags),
      }),
    ),
  );
  if (!out.GroupId) throw new RemoteError('ec2', `CreateSecurityGroup (${ec2.region})`, 'answer without a GroupId');
  return out.GroupId;
}

/** DeleteSecurityGroup. AWS refuses while the group is attached or referenced (DependencyViolation). */
export async function deleteSecurityGroup(ec2: Ec2Handle, groupId: string): Promise<void> {
  await ec2.call('DeleteSecurityGroup', 'write', (c) => c.send(new DeleteSecurityGroupCommand({ GroupId: groupId })));
}

/**
 * Adds permissions to one direction of a group in a single call.
 * @param tags tags for the created rules (TagSpecifications of type security-group-rule).
 * @returns the rules created (with their sgr- ids) where the API reports them.
 */
export async function authorizePermissions(
  ec2: Ec2Handle,
  groupId: string,
  direction: Direction,
  permissions: readonly IpPermission[],
  tags?: Readonly<Record<string, string>>,
): Promise<SecurityGroupRule[]> {
  const IpPermissions = wirePermissions(permissions);
  if (IpPermissions.length === 0) return [];
  const input = { GroupId: groupId, IpPermissions, ...tagSpecifications('security-group-rule', tags) };
  switch (direction) {
    case 'ingress': {
      const out = await ec2.call('AuthorizeSecurityGroupIngress', 'write', (c) => c.send(new AuthorizeSecurityGroupIngressCommand(input)));
      return out.SecurityGroupRules ?? [];
    }
    case 'egress': {
      const out = await ec2.call('AuthorizeSecurityGroupEgress', 'write', (c) => c.send(new AuthorizeSecurityGroupEgressCommand(input)));
      return out.SecurityGroupRules ?? [];
    }
    default: {
      const never: never = direction;
      throw new Error(`unknown direction ${String(never)}`);
    }
  }
}

/** Removes permissions from one direction of a group in a single call (they must match existing rules exactly). */
export async function revokePermissions(ec2: Ec2Handle, groupId: string, direction: Direction, permissions: readonly IpPermission[]): Promise<void> {
  const IpPermissions = wirePermissions(permissions);
  if (IpPermissions.length === 0) return;
  await revoke(ec2, direction, { GroupId: groupId, IpPermissions });
}

/** Removes rules by their sgr- ids from one direction of a group in a single call. */
export async function revokeRules(ec2: Ec2Handle, groupId: string, direction: Direction, ruleIds: readonly string[]): Promise<void> {
  if (ruleIds.length === 0) return;
  await revoke(ec2, direction, { GroupId: groupId, SecurityGroupRuleIds: [...ruleIds] });
}

async function revoke(
  ec2: Ec2Handle,
  direction: Direction,
  input: { GroupId: string; IpPermissions?: IpPermission[]; SecurityGroupRuleIds?: string[] },
): Promise<void> {
  switch (direction) {
    case 'ingress':
      await ec2.call('RevokeSecurityGroupIngress', 'write', (c) => c.send(new RevokeSecurityGroupIngressCommand(input)));
      return;
    case 'egress':
      await ec2.call('RevokeSecurityGroupEgress', 'write', (c) => c.send(new RevokeSecurityGroupEgressCommand(input)));
      return;
    default: {
      const never: never = direction;
      throw new Error(`unknown direction ${String(never)}`);
    }
  }
}

const PORTED = new Set(['tcp', 'udp', 'icmp', 'icmpv6', '6', '17', '1', '58', '-1']);

/**
 * Permissions as sent: empty target lists dropped, permissions without targets skipped, and ports -1/-1 added to
 * protocols that have none. AWS ignores ports for such protocols; moto refuses them without ports.
 */
export function wirePermissions(permissions: readonly IpPermission[]): IpPermission[] {
  const out: IpPermission[] = [];
  for (const p of permissions) {
    const perm: IpPermission = { IpProtocol: p.IpProtocol };
    if (p.FromPort !== undefined) perm.FromPort = p.FromPort;
    if (p.ToPort !== undefined) perm.ToPort = p.ToPort;
    if (!PORTED.has(String(p.IpProtocol).toLowerCase()) && perm.FromPort === undefined) {
      perm.FromPort = -1;
      perm.ToPort = -1;
    }
    if (p.IpRanges?.length) perm.IpRanges = p.IpRanges;
    if (p.Ipv6Ranges?.length) perm.Ipv6Ranges = p.Ipv6Ranges;
    if (p.PrefixListIds?.length) perm.PrefixListIds = p.PrefixListIds;
    if (p.UserIdGroupPairs?.length) perm.UserIdGroupPairs = p.UserIdGroupPairs;
    if (perm.IpRanges || perm.Ipv6Ranges || perm.PrefixListIds || perm.UserIdGroupPairs) out.push(perm);
  }
  return out;
}

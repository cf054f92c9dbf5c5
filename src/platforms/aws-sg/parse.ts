/**
 * `aws ec2 describe-security-groups` JSON → canonical policies, one per group. Pure.
 *
 * A security group is an order-free union of allows (`allow-set`), stateful, deny by default. Each
 * (permission × target) pair becomes one canonical rule so that every rule names exactly one peer and keeps
 * its own description, as the AWS rule API (DescribeSecurityGroupRules) does. Rules have no local side (`any`):
 * a group protects its own members, which the policy names in `protects` as a reference to the group itself.
 */
import {
  ANY,
  BOTH_DIRECTIONS,
  InputError,
  cidrItem,
  toInt,
  validatePolicy,
  type AddressItem,
  type Direction,
  type InputLocation,
  type Policy,
  type Protocol,
  type Rule,
} from '../../model/index.js';
import { looksLikeDocument, parseDocumentItems, type ShapeNames } from '../aws/shape-error.js';
import { securityGroupSchema, type IpPermissionDoc, type SecurityGroupDoc } from './schema.js';

export const AWS_SG = 'aws-sg';

const NAMES: ShapeNames = {
  listKey: 'SecurityGroups',
  singular: 'SecurityGroup',
  idKey: 'GroupId',
  nestedKeys: ['IpPermissions', 'IpPermissionsEgress'],
};

/**
 * Parses a describe-security-groups document: `{"SecurityGroups":[…]}`, a bare array of groups, or one group.
 * @param file the name used in error messages.
 * @throws InputError naming file, group and field for any malformed value.
 */
export function parseSecurityGroups(doc: unknown, file: string): Policy[] {
  return parseDocumentItems(doc, NAMES, file, securityGroupSchema, (group, label) => groupToPolicy(group, file, label));
}

/** True when `doc` looks like describe-security-groups output (or one group, or a list of groups). */
export function looksLikeSecurityGroups(doc: unknown): boolean {
  const isGroup = (v: unknown): boolean =>
    !!v && typeof v === 'object' && 'GroupId' in v && ('IpPermissions' in v || 'GroupName' in v);
  return looksLikeDocument(doc, NAMES.listKey, isGroup);
}

function groupToPolicy(group: SecurityGroupDoc, file: string, label: string): Policy {
  // EC2-Classic groups (no VpcId) had no egress rules: they speak for ingress only.
  const classic = group.VpcId === undefined;
  const rules: Rule[] = [];
  const lists: [Direction, 'IpPermissions' | 'IpPermissionsEgress'][] = [
    ['ingress', 'IpPermissions'],
    ['egress', 'IpPermissionsEgress'],
  ];
  for (const [direction, key] of lists) {
    const perms = group[key] ?? [];
    if (classic && direction === 'egress' && perms.length > 0) {
      throw new InputError(
        { file, object: label, field: key },
        'a group without VpcId (EC2-Classic) cannot have egress rules',
      );
    }
    perms.forEach((perm, i) => {
      const where = `${key}[${i}]`;
      rules.push(...permissionRules(perm, direction, group, { file, object: `${label} ${where}` }, where));
    });
  }
  const meta: Record<string, string> = { id: group.GroupId, name: group.GroupName };
  if (group.VpcId !== undefined) meta.vpc = group.VpcId;
  if (group.OwnerId !== undefined) meta.account = group.OwnerId;
  if (group.Description !== undefined) meta.description = group.Description;
  return validatePolicy({
    name: group.GroupName,
    platform: AWS_SG,
    evaluation: 'allow-set',
    stateful: true,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: classic ? ['ingress'] : BOTH_DIRECTIONS,
    rules,
    protects: { kind: 'list', items: [groupRef(group.GroupId, group.OwnerId, group.GroupName)] },
    meta,
  });
}

function permissionRules(
  perm: IpPermissionDoc,
  direction: Direction,
  group: SecurityGroupDoc,
  loc: InputLocation,
  where: string,
): Rule[] {
  const protocol = permissionProtocol(perm, loc);
  const targets: { item: AddressItem; description?: string }[] = [];
  (perm.IpRanges ?? []).forEach((r, j) => {
    targets.push({ item: versioned(r.CidrIp, 4, { ...loc, field: `IpRanges[${j}].CidrIp` }), description: r.Description });
  });
  (perm.Ipv6Ranges ?? []).forEach((r, j) => {
    targets.push({
      item: versioned(r.CidrIpv6, 6, { ...loc, field: `Ipv6Ranges[${j}].CidrIpv6` }),
      description: r.Description,
    });
  });
  (perm.PrefixListIds ?? []).forEach((p) => {
    targets.push({ item: { kind: 'prefix-list', id: p.PrefixListId }, description: p.Description });
  });
  (perm.UserIdGroupPairs ?? []).forEach((pair, j) => {
    if (!pair.GroupId) {
      throw new InputError({ ...loc, field: `UserIdGroupPairs[${j}].GroupId` }, 'a group pair needs a GroupId');
    }
    targets.push({ item: groupRef(pair.GroupId, pair.UserId ?? group.OwnerId, pair.GroupName), description: pair.Description });
  });
  return targets.map(({ item, description }) => ({
    direction,
    action: 'allow',
    protocol,
    peer: { kind: 'list', items: [item] },
    local: ANY,
    ...(description ? { description } : {}),
    origin: { platform: AWS_SG, id: group.GroupId, where },
  }));
}

/** A security group reference, keyed with its owner account when known (`sg-0abc@123456789012`). */
function groupRef(id: string, account: string | undefined, name: string | undefined): AddressItem {
  return { kind: 'group', ref: account ? `${id}@${account}` : id, ...(name ? { name } : {}) };
}

function versioned(text: string, version: 4 | 6, loc: InputLocation): AddressItem {
  const item = cidrItem(text, loc);
  if (item.kind === 'cidr' && item.version !== version) {
    throw new InputError(loc, `expected an IPv${version} CIDR, got ${JSON.stringify(text)}`);
  }
  return item;
}

/**
 * AWS semantics: `-1` is every protocol; tcp/udp use FromPort..ToPort (both required); icmp/icmpv6
 * use FromPort as type and ToPort as code with -1 meaning all; any other protocol covers all its traffic
 * whatever ports are given.
 */
function permissionProtocol(perm: IpPermissionDoc, loc: InputLocation): Protocol {
  const raw = String(perm.IpProtocol).trim().toLowerCase();
  const at = { ...loc, field: 'IpProtocol' };
  let name: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | undefined;
  if (raw === '-1') return { kind: 'any' };
  if (raw === 'tcp' || raw === 'udp' || raw === 'icmp' || raw === 'icmpv6') name = raw;
  else if (/^\d+$/.test(raw)) {
    const n = toInt(raw, 0, 255, at, 'protocol number');
    name = n === 6 ? 'tcp' : n === 17 ? 'udp' : n === 1 ? 'icmp' : n === 58 ? 'icmpv6' : undefined;
    if (!name) return { kind: 'number', number: n };
  } else {
    throw new InputError(at, `unknown protocol ${JSON.stringify(perm.IpProtocol)} (expected tcp, udp, icmp, icmpv6, -1 or a number)`);
  }
  switch (name) {
    case 'tcp':
    case 'udp': {
      // AWS always states a tcp/udp range (0-65535 for all ports); a missing one is not guessed as "all".
      if (perm.FromPort === undefined || perm.ToPort === undefined) {
        const missing = perm.FromPort === undefined ? 'FromPort' : 'ToPort';
        throw new InputError({ ...loc, field: missing }, `${name} rule needs both FromPort and ToPort (0 and 65535 for all ports)`);
      }
      const from = toInt(perm.FromPort, 0, 65535, { ...loc, field: 'FromPort' }, 'port');
      const to = toInt(perm.ToPort, 0, 65535, { ...loc, field: 'ToPort' }, 'port');
      if (from > to) throw new InputError({ ...loc, field: 'ToPort' }, `port range ${from}-${to} is reversed`);
      return { kind: name, ports: [{ from, to }] };
    }
    case 'icmp':
    case 'icmpv6': {
      const type = perm.FromPort === undefined ? -1 : toInt(perm.FromPort, -1, 255, { ...loc, field: 'FromPort' }, 'ICMP type');
      const code = perm.ToPort === undefined ? -1 : toInt(perm.ToPort, -1, 255, { ...loc, field: 'ToPort' }, 'ICMP code');
      if (type === -1) return { kind: name, icmp: {} };
      return { kind: name, icmp: code === -1 ? { type } : { type, code } };
    }
    default: {
      const never: never = name;
      throw new InputError(at, `unknown protocol ${JSON.stringify(never)}`);
    }
  }
}

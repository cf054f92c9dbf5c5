/**
 * Security group rules as atoms — one protocol/port range and one target each, the unit AWS counts, de-duplicates
 * and reports as a rule (`sgr-…`) — so that what a copy has and what it needs can be diffed rule by rule, and the
 * missing ones sent back as few permissions as possible (one authorize call per direction).
 */
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { Direction, Policy } from '../model/index.js';
import { parseSecurityGroups, renderSecurityGroup, type RenderedSecurityGroup } from '../platforms/aws-sg/index.js';

export type AtomTarget =
  | { readonly kind: 'v4'; readonly cidr: string }
  | { readonly kind: 'v6'; readonly cidr: string }
  | { readonly kind: 'prefix-list'; readonly id: string }
  | { readonly kind: 'group'; readonly groupId: string; readonly userId?: string };

export interface PermissionAtom {
  readonly direction: Direction;
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly target: AtomTarget;
  readonly description?: string;
}

/** The rule AWS adds to every new group: all traffic out to 0.0.0.0/0. */
export const AUTOMATIC_EGRESS: PermissionAtom = { direction: 'egress', protocol: '-1', target: { kind: 'v4', cidr: '0.0.0.0/0' } };

/** A group's policy as the parser reads it (normalising spellings of protocols, ports and owners). */
export function groupPolicy(group: SecurityGroup, where: string): Policy {
  return parseSecurityGroups([group], where)[0]!;
}

/** A group's rules in canonical permission form: the same rules always render the same way. */
export function canonicalPermissions(group: SecurityGroup, where: string): RenderedSecurityGroup {
  return renderSecurityGroup(groupPolicy(group, where));
}

/** Splits permissions into atoms. */
export function permissionAtoms(direction: Direction, perms: readonly IpPermission[]): PermissionAtom[] {
  const out: PermissionAtom[] = [];
  for (const p of perms) {
    const base = {
      direction,
      protocol: String(p.IpProtocol),
      ...(p.FromPort !== undefined ? { from: p.FromPort } : {}),
      ...(p.ToPort !== undefined ? { to: p.ToPort } : {}),
    };
    const add = (target: AtomTarget, description: string | undefined): void => {
      out.push({ ...base, target, ...(description ? { description } : {}) });
    };
    for (const r of p.IpRanges ?? []) add({ kind: 'v4', cidr: r.CidrIp! }, r.Description);
    for (const r of p.Ipv6Ranges ?? []) add({ kind: 'v6', cidr: r.CidrIpv6! }, r.Description);
    for (const r of p.PrefixListIds ?? []) add({ kind: 'prefix-list', id: r.PrefixListId! }, r.Description);
    for (const r of p.UserIdGroupPairs ?? []) add({ kind: 'group', groupId: r.GroupId!, ...(r.UserId ? { userId: r.UserId } : {}) }, r.Description);
  }
  return out;
}

/** Both directions of a rendered group as atoms. */
export function groupAtoms(perms: RenderedSecurityGroup): PermissionAtom[] {
  return [...permissionAtoms('ingress', perms.ingress), ...permissionAtoms('egress', perms.egress)];
}

/** What identifies a rule to AWS: direction, protocol, ports and target (a group by id: ids are global). */
export function atomKey(a: PermissionAtom): string {
  return `${a.direction}|${a.protocol}|${a.from ?? ''}|${a.to ?? ''}|${targetKey(a.target)}`;
}

export function targetKey(t: AtomTarget): string {
  switch (t.kind) {
    case 'v4':
    case 'v6':
      return `${t.kind}:${t.cidr}`;
    case 'prefix-list':
      return `pl:${t.id}`;
    case 'group':
      return `sg:${t.groupId}`;
    default: {
      const never: never = t;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

/** Merges atoms of one direction back into as few permissions as their protocols and ports allow. */
export function atomPermissions(atoms: readonly PermissionAtom[]): IpPermission[] {
  const byBase = new Map<string, IpPermission>();
  for (const a of atoms) {
    const key = `${a.protocol}|${a.from ?? ''}|${a.to ?? ''}`;
    let perm = byBase.get(key);
    if (!perm) {
      perm = { IpProtocol: a.protocol, ...(a.from !== undefined ? { FromPort: a.from } : {}), ...(a.to !== undefined ? { ToPort: a.to } : {}) };
      byBase.set(key, perm);
    }
    const desc = a.description ? { Description: a.description } : {};
    const t = a.target;
    switch (t.kind) {
      case 'v4':
        (perm.IpRanges ??= []).push({ CidrIp: t.cidr, ...desc });
        break;
      case 'v6':
        (perm.Ipv6Ranges ??= []).push({ CidrIpv6: t.cidr, ...desc });
        break;
      case 'prefix-list':
        (perm.PrefixListIds ??= []).push({ PrefixListId: t.id, ...desc });
        break;
      case 'group':
        (perm.UserIdGroupPairs ??= []).push({ GroupId: t.groupId, ...(t.userId ? { UserId: t.userId } : {}), ...desc });
        break;
      default: {
        const never: never = t;
        throw new Error(`unknown target ${JSON.stringify(never)}`);
      }
    }
  }
  return [...byBase.values()];
}

/**
 * Canonical policy → security group permissions in the SDK's IpPermission shape. Pure.
 *
 * Exact or nothing: whatever a security group cannot express (deny rules, order that matters, a local side,
 * negation, a non-SG group reference) raises UnsupportedError naming the rule; a rule is never widened.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import {
  UnsupportedError,
  intervalToCidrs,
  parseIp,
  protocolFromNumber,
  type AddressItem,
  type Direction,
  type Policy,
  type Protocol,
  type Rule,
} from '../../model/index.js';
import { AWS_SG } from './parse.js';

/** The permissions of one security group, per direction, as AuthorizeSecurityGroupIngress/Egress take them. */
export interface RenderedSecurityGroup {
  readonly ingress: IpPermission[];
  readonly egress: IpPermission[];
}

/** Matches the security group ids a group reference may name: `sg-0abc` or `sg-0abc@123456789012`. */
const SG_REF = /^(sg-[0-9a-zA-Z]+)(?:@([^@\s]+))?$/;

/**
 * Renders a policy as security group permissions. Rules with the same protocol and ports are merged into one
 * permission holding all their targets (as AWS itself groups them); ranges are split into exact CIDRs; a peer
 * of `any` becomes 0.0.0.0/0 plus ::/0.
 * @throws UnsupportedError naming the first rule (or default) a security group cannot express exactly.
 */
export function renderSecurityGroup(policy: Policy): RenderedSecurityGroup {
  for (const direction of policy.directions) {
    if (policy.defaults[direction] !== 'deny') {
      throw new UnsupportedError(
        AWS_SG,
        `${policy.name} default ${direction} action`,
        'a security group denies what no rule allows; convert a default-allow policy to explicit allow rules first',
      );
    }
  }
  const out: Record<Direction, Map<string, IpPermission>> = { ingress: new Map(), egress: new Map() };
  policy.rules.forEach((rule, index) => {
    const subject = ruleSubject(policy, rule, index);
    if (rule.action !== 'allow') {
      throw new UnsupportedError(
        AWS_SG,
        subject,
        policy.evaluation === 'first-match'
          ? 'a security group cannot deny, and this first-match order matters; convert with toAllowSet first'
          : 'a security group cannot deny',
      );
    }
    if (rule.local.kind !== 'any') {
      throw new UnsupportedError(AWS_SG, subject, 'a security group rule has no local (destination) side');
    }
    const targets = peerTargets(rule, subject);
    for (const base of protocolPermissions(rule.protocol)) {
      const key = `${base.IpProtocol}|${base.FromPort ?? ''}|${base.ToPort ?? ''}`;
      let perm = out[rule.direction].get(key);
      if (!perm) {
        perm = { ...base, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
        out[rule.direction].set(key, perm);
      }
      addTargets(perm, targets, rule.description);
    }
  });
  return { ingress: [...out.ingress.values()], egress: [...out.egress.values()] };
}

/** How messages name a rule: policy, direction, position, and where it came from. */
export function ruleSubject(policy: Policy, rule: Rule, index: number): string {
  const from = [rule.origin.platform, rule.origin.id, rule.origin.where].filter(Boolean).join(' ');
  return `${policy.name} ${rule.direction} rule #${index + 1} (${from})`;
}

type Target =
  | { readonly kind: 'v4' | 'v6'; readonly cidr: string }
  | { readonly kind: 'prefix-list'; readonly id: string }
  | { readonly kind: 'group'; readonly groupId: string; readonly userId?: string };

function peerTargets(rule: Rule, subject: string): Target[] {
  if (rule.peer.kind === 'any') {
    return [
      { kind: 'v4', cidr: '0.0.0.0/0' },
      { kind: 'v6', cidr: '::/0' },
    ];
  }
  if (rule.peer.negate) {
    throw new UnsupportedError(AWS_SG, subject, 'a security group cannot negate an address list');
  }
  return rule.peer.items.flatMap((item) => itemTargets(item, subject));
}

function itemTargets(item: AddressItem, subject: string): Target[] {
  switch (item.kind) {
    case 'cidr':
      return [{ kind: item.version === 4 ? 'v4' : 'v6', cidr: item.cidr }];
    case 'range': {
      const first = parseIp(item.first);
      const last = parseIp(item.last);
      if (!first || !last) throw new UnsupportedError(AWS_SG, subject, `invalid range ${item.first}-${item.last}`);
      const kind = item.version === 4 ? 'v4' : 'v6';
      return intervalToCidrs(item.version, first.value, last.value).map((cidr) => ({ kind, cidr }));
    }
    case 'group': {
      const m = SG_REF.exec(item.ref);
      if (!m) {
        throw new UnsupportedError(
          AWS_SG,
          subject,
          `group reference ${JSON.stringify(item.ref)} is not a security group; map it to one (or resolve it to addresses) first`,
        );
      }
      return [{ kind: 'group', groupId: m[1]!, ...(m[2] ? { userId: m[2] } : {}) }];
    }
    case 'prefix-list':
      return [{ kind: 'prefix-list', id: item.id }];
    default: {
      const never: never = item;
      throw new UnsupportedError(AWS_SG, subject, `unknown address item ${JSON.stringify(never)}`);
    }
  }
}

/** The protocol/port part of the permissions a protocol needs (one per port range). */
function protocolPermissions(p: Protocol): Pick<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'>[] {
  switch (p.kind) {
    case 'any':
      return [{ IpProtocol: '-1' }];
    case 'tcp':
    case 'udp':
      return p.ports.map((r) => ({ IpProtocol: p.kind, FromPort: r.from, ToPort: r.to }));
    case 'icmp':
    case 'icmpv6':
      return [{ IpProtocol: p.kind, FromPort: p.icmp.type ?? -1, ToPort: p.icmp.code ?? -1 }];
    case 'number': {
      // A number the model also names (6, 17, 1, 58) is that protocol with all its ports or types.
      const named = protocolFromNumber(p.number);
      return named.kind === 'number' ? [{ IpProtocol: String(p.number) }] : protocolPermissions(named);
    }
    default: {
      const never: never = p;
      throw new Error(`unknown protocol ${JSON.stringify(never)}`);
    }
  }
}

function addTargets(perm: IpPermission, targets: readonly Target[], description: string | undefined): void {
  const desc = description === undefined ? {} : { Description: awsRuleDescription(description) };
  for (const t of targets) {
    switch (t.kind) {
      case 'v4':
        if (!perm.IpRanges!.some((r) => r.CidrIp === t.cidr)) perm.IpRanges!.push({ CidrIp: t.cidr, ...desc });
        break;
      case 'v6':
        if (!perm.Ipv6Ranges!.some((r) => r.CidrIpv6 === t.cidr)) perm.Ipv6Ranges!.push({ CidrIpv6: t.cidr, ...desc });
        break;
      case 'prefix-list':
        if (!perm.PrefixListIds!.some((r) => r.PrefixListId === t.id)) perm.PrefixListIds!.push({ PrefixListId: t.id, ...desc });
        break;
      case 'group':
        if (!perm.UserIdGroupPairs!.some((r) => r.GroupId === t.groupId && r.UserId === t.userId)) {
          perm.UserIdGroupPairs!.push({ GroupId: t.groupId, ...(t.userId ? { UserId: t.userId } : {}), ...desc });
        }
        break;
      default: {
        const never: never = t;
        throw new Error(`unknown target ${JSON.stringify(never)}`);
      }
    }
  }
}

/**
 * A description AWS accepts for a rule: at most 255 characters from `a-zA-Z0-9 ._-:/()#,@[]+=&;{}!$*`.
 * Descriptions from other platforms may hold anything else; they are informational, so the rest becomes `_`.
 */
export function awsRuleDescription(text: string): string {
  return text.replace(/[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, '_').slice(0, 255);
}

/**
 * Canonical policy → network ACL entries (CreateNetworkAclEntry's shape without the NACL id). Pure.
 *
 * A NACL entry holds one CIDR, one protocol and one port range (or ICMP type/code), so a canonical rule may
 * become several consecutive entries with the same action; that keeps first-match order exact. Group
 * references and prefix lists have no NACL form: UnsupportedError naming the rule.
 */
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
import { AWS_NACL, NACL_MAX_RULE_NUMBER } from './parse.js';

/** One entry, as CreateNetworkAclEntry / ReplaceNetworkAclEntry take it (plus the NACL id). */
export interface NaclEntry {
  readonly RuleNumber: number;
  readonly Egress: boolean;
  /** Protocol number as a string, `-1` for all. */
  readonly Protocol: string;
  readonly RuleAction: 'allow' | 'deny';
  readonly CidrBlock?: string;
  readonly Ipv6CidrBlock?: string;
  readonly PortRange?: { readonly From: number; readonly To: number };
  readonly IcmpTypeCode?: { readonly Type: number; readonly Code: number };
}

export interface RenderedNetworkAcl {
  readonly ingress: NaclEntry[];
  readonly egress: NaclEntry[];
}

/** First rule number and step used when the source numbers cannot be kept. */
export const NACL_NUMBER_START = 100;
export const NACL_NUMBER_STEP = 10;

type Unnumbered = Omit<NaclEntry, 'RuleNumber'>;

/**
 * Renders a policy as NACL entries for both directions. Rule numbers of a NACL source are kept when every rule
 * maps to exactly one entry and the numbers are valid and ascending; otherwise entries are numbered 100, 110, ….
 * A default of allow becomes trailing allow-all entries (the `*` entries deny).
 * @throws UnsupportedError naming the first rule a NACL cannot express exactly.
 */
export function renderNetworkAcl(policy: Policy): RenderedNetworkAcl {
  return { ingress: renderDirection(policy, 'ingress'), egress: renderDirection(policy, 'egress') };
}

function renderDirection(policy: Policy, direction: Direction): NaclEntry[] {
  const groups: { entries: Unnumbered[]; keep?: number }[] = [];
  policy.rules.forEach((rule, index) => {
    if (rule.direction !== direction) return;
    const subject = `${policy.name} ${rule.direction} rule #${index + 1} (${[rule.origin.platform, rule.origin.id, rule.origin.where].filter(Boolean).join(' ')})`;
    const entries = ruleEntries(rule, subject);
    const n = rule.origin.platform === AWS_NACL && /^\d+$/.test(rule.origin.id ?? '') ? Number(rule.origin.id) : undefined;
    groups.push({ entries, ...(n !== undefined ? { keep: n } : {}) });
  });
  if (policy.directions.includes(direction) && policy.defaults[direction] === 'allow') {
    groups.push({
      entries: (['0.0.0.0/0', '::/0'] as const).map((cidr) => ({
        Egress: direction === 'egress',
        Protocol: '-1',
        RuleAction: 'allow' as const,
        ...(cidr === '::/0' ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
      })),
    });
  }
  const keep = groups.every((g, i) => {
    const prev = groups[i - 1]?.keep ?? 0;
    return g.entries.length === 1 && g.keep !== undefined && g.keep >= 1 && g.keep <= NACL_MAX_RULE_NUMBER && g.keep > prev;
  });
  const flat = groups.flatMap((g) => g.entries.map((e) => ({ e, keep: g.keep })));
  const last = NACL_NUMBER_START + NACL_NUMBER_STEP * (flat.length - 1);
  if (!keep && last > NACL_MAX_RULE_NUMBER) {
    throw new UnsupportedError(AWS_NACL, `${policy.name} ${direction}`, `${flat.length} entries do not fit in rule numbers 1..${NACL_MAX_RULE_NUMBER}`);
  }
  return flat.map(({ e, keep: n }, i) => ({
    RuleNumber: keep ? n! : NACL_NUMBER_START + NACL_NUMBER_STEP * i,
    ...e,
  }));
}

function ruleEntries(rule: Rule, subject: string): Unnumbered[] {
  if (rule.local.kind !== 'any') {
    throw new UnsupportedError(AWS_NACL, subject, 'a NACL entry has no local side: it applies to the whole subnet');
  }
  const cidrs = peerCidrs(rule, subject);
  const protos = protocolParts(rule.protocol);
  const out: Unnumbered[] = [];
  for (const proto of protos) {
    for (const c of cidrs) {
      out.push({
        Egress: rule.direction === 'egress',
        RuleAction: rule.action,
        ...proto,
        ...(c.version === 4 ? { CidrBlock: c.cidr } : { Ipv6CidrBlock: c.cidr }),
      });
    }
  }
  return out;
}

function peerCidrs(rule: Rule, subject: string): { cidr: string; version: 4 | 6 }[] {
  if (rule.peer.kind === 'any') {
    return [
      { cidr: '0.0.0.0/0', version: 4 },
      { cidr: '::/0', version: 6 },
    ];
  }
  if (rule.peer.negate) {
    throw new UnsupportedError(AWS_NACL, subject, 'a NACL entry cannot negate an address list');
  }
  return rule.peer.items.flatMap((item) => itemCidrs(item, subject));
}

function itemCidrs(item: AddressItem, subject: string): { cidr: string; version: 4 | 6 }[] {
  switch (item.kind) {
    case 'cidr':
      return [{ cidr: item.cidr, version: item.version }];
    case 'range': {
      const first = parseIp(item.first);
      const last = parseIp(item.last);
      if (!first || !last) throw new UnsupportedError(AWS_NACL, subject, `invalid range ${item.first}-${item.last}`);
      return intervalToCidrs(item.version, first.value, last.value).map((cidr) => ({ cidr, version: item.version }));
    }
    case 'group':
      throw new UnsupportedError(
        AWS_NACL,
        subject,
        `a NACL cannot reference group ${JSON.stringify(item.ref)}; resolve it to addresses first`,
      );
    case 'prefix-list':
      throw new UnsupportedError(
        AWS_NACL,
        subject,
        `a NACL cannot reference prefix list ${item.id}; resolve it to its CIDRs first`,
      );
    default: {
      const never: never = item;
      throw new UnsupportedError(AWS_NACL, subject, `unknown address item ${JSON.stringify(never)}`);
    }
  }
}

type ProtocolPart = Pick<NaclEntry, 'Protocol' | 'PortRange' | 'IcmpTypeCode'>;

function protocolParts(p: Protocol): ProtocolPart[] {
  switch (p.kind) {
    case 'any':
      return [{ Protocol: '-1' }];
    case 'tcp':
    case 'udp':
      return p.ports.map((r) => ({ Protocol: p.kind === 'tcp' ? '6' : '17', PortRange: { From: r.from, To: r.to } }));
    case 'icmp':
    case 'icmpv6':
      return [
        {
          Protocol: p.kind === 'icmp' ? '1' : '58',
          IcmpTypeCode: { Type: p.icmp.type ?? -1, Code: p.icmp.code ?? -1 },
        },
      ];
    case 'number': {
      const named = protocolFromNumber(p.number);
      return named.kind === 'number' ? [{ Protocol: String(p.number) }] : protocolParts(named);
    }
    default: {
      const never: never = p;
      throw new Error(`unknown protocol ${JSON.stringify(never)}`);
    }
  }
}

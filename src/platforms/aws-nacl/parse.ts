/**
 * `aws ec2 describe-network-acls` JSON → canonical policies, one per NACL. Pure.
 *
 * A NACL is stateless and ordered: per direction, entries are evaluated by ascending rule number and the first
 * match decides; what matches nothing is denied by the unmodifiable `*` entries (32767 IPv4, 32768 IPv6), which
 * become the policy's default action instead of rules.
 */
import {
  ANY,
  BOTH_DIRECTIONS,
  InputError,
  cidrItem,
  toInt,
  validatePolicy,
  type Action,
  type InputLocation,
  type Policy,
  type Protocol,
  type Rule,
} from '../../model/index.js';
import { looksLikeDocument, parseDocumentItems, type ShapeNames } from '../aws/shape-error.js';
import { networkAclSchema, type NetworkAclDoc, type NetworkAclEntryDoc } from './schema.js';

export const AWS_NACL = 'aws-nacl';

/** The `*` entries AWS appends to every NACL (IPv4, IPv6): the default deny, never copied as rules. */
export const NACL_DEFAULT_RULE_NUMBERS: readonly number[] = [32767, 32768];
/** The highest rule number a user entry may have. */
export const NACL_MAX_RULE_NUMBER = 32766;

const NAMES: ShapeNames = {
  listKey: 'NetworkAcls',
  singular: 'NetworkAcl',
  idKey: 'NetworkAclId',
  nestedKeys: ['Entries', 'Associations'],
};

/**
 * Parses a describe-network-acls document: `{"NetworkAcls":[…]}`, a bare array of NACLs, or one NACL.
 * @param file the name used in error messages.
 * @throws InputError naming file, NACL, entry and field for any malformed value.
 */
export function parseNetworkAcls(doc: unknown, file: string): Policy[] {
  return parseDocumentItems(doc, NAMES, file, networkAclSchema, (acl, label) => aclToPolicy(acl, file, label));
}

/** True when `doc` looks like describe-network-acls output (or one NACL, or a list of them). */
export function looksLikeNetworkAcls(doc: unknown): boolean {
  const isAcl = (v: unknown): boolean => !!v && typeof v === 'object' && 'NetworkAclId' in v && 'Entries' in v;
  return looksLikeDocument(doc, NAMES.listKey, isAcl);
}

interface NumberedRule {
  readonly number: number;
  readonly rule: Rule;
}

function aclToPolicy(acl: NetworkAclDoc, file: string, label: string): Policy {
  const ingress: NumberedRule[] = [];
  const egress: NumberedRule[] = [];
  (acl.Entries ?? []).forEach((entry, i) => {
    const loc: InputLocation = { file, object: `${label} Entries[${i}]` };
    const number = toInt(entry.RuleNumber, 1, 32768, { ...loc, field: 'RuleNumber' }, 'rule number');
    if (NACL_DEFAULT_RULE_NUMBERS.includes(number)) return;
    const list = entry.Egress ? egress : ingress;
    if (list.some((r) => r.number === number)) {
      throw new InputError(
        { ...loc, field: 'RuleNumber' },
        `rule number ${number} appears twice in the ${entry.Egress ? 'egress' : 'ingress'} entries`,
      );
    }
    list.push({ number, rule: entryRule(acl, entry, number, loc, `Entries[${i}]`) });
  });
  const byNumber = (a: NumberedRule, b: NumberedRule): number => a.number - b.number;
  const rules = [...ingress.sort(byNumber), ...egress.sort(byNumber)].map((r) => r.rule);
  const meta: Record<string, string> = { id: acl.NetworkAclId };
  if (acl.VpcId !== undefined) meta.vpc = acl.VpcId;
  if (acl.OwnerId !== undefined) meta.account = acl.OwnerId;
  meta.default = acl.IsDefault ? 'true' : 'false';
  meta.subnets = (acl.Associations ?? [])
    .map((a) => a.SubnetId)
    .filter((s): s is string => !!s)
    .join(',');
  return validatePolicy({
    name: acl.NetworkAclId,
    platform: AWS_NACL,
    evaluation: 'first-match',
    stateful: false,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: BOTH_DIRECTIONS,
    rules,
    // A NACL protects its subnets, but this document names them by id only: their addresses are not in it.
    protectsUnknown: `it protects its subnets${meta.subnets ? ` (${meta.subnets.split(',').join(', ')})` : ''}, and a describe-network-acls document does not give their addresses`,
    meta,
  });
}

function entryRule(acl: NetworkAclDoc, entry: NetworkAclEntryDoc, number: number, loc: InputLocation, where: string): Rule {
  const action = entry.RuleAction.trim().toLowerCase();
  if (action !== 'allow' && action !== 'deny') {
    throw new InputError({ ...loc, field: 'RuleAction' }, `rule action ${JSON.stringify(entry.RuleAction)} is not allow or deny`);
  }
  const hasV4 = entry.CidrBlock !== undefined;
  const hasV6 = entry.Ipv6CidrBlock !== undefined;
  if (hasV4 === hasV6) {
    throw new InputError({ ...loc, field: 'CidrBlock' }, 'an entry needs exactly one of CidrBlock and Ipv6CidrBlock');
  }
  const field = hasV4 ? 'CidrBlock' : 'Ipv6CidrBlock';
  const peer = cidrItem(hasV4 ? entry.CidrBlock! : entry.Ipv6CidrBlock!, { ...loc, field });
  if (peer.kind === 'cidr' && peer.version !== (hasV4 ? 4 : 6)) {
    throw new InputError({ ...loc, field }, `expected an IPv${hasV4 ? 4 : 6} CIDR`);
  }
  return {
    direction: entry.Egress ? 'egress' : 'ingress',
    action: action as Action,
    protocol: entryProtocol(entry, loc),
    peer: { kind: 'list', items: [peer] },
    local: ANY,
    origin: { platform: AWS_NACL, id: String(number), where: `${acl.NetworkAclId} ${where}` },
  };
}

const NAMED: Readonly<Record<string, string>> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

/** NACL protocols are numbers as strings ("-1" all, "6", "17", "1", "58", …); moto keeps names as given. */
function entryProtocol(entry: NetworkAclEntryDoc, loc: InputLocation): Protocol {
  const at = { ...loc, field: 'Protocol' };
  const raw = String(entry.Protocol).trim().toLowerCase();
  const numeric = NAMED[raw] ?? raw;
  if (numeric === '-1') return { kind: 'any' };
  if (!/^\d+$/.test(numeric)) throw new InputError(at, `unknown protocol ${JSON.stringify(entry.Protocol)}`);
  const n = toInt(numeric, 0, 255, at, 'protocol number');
  switch (n) {
    case 6:
    case 17: {
      const kind = n === 6 ? 'tcp' : 'udp';
      const range = entry.PortRange;
      // AWS requires a range for tcp/udp entries (0-65535 for all ports); a missing one is not guessed as "all".
      if (range?.From === undefined || range.To === undefined) {
        throw new InputError({ ...loc, field: range?.From === undefined ? 'PortRange.From' : 'PortRange.To' }, `${kind} entry needs PortRange.From and PortRange.To (0 and 65535 for all ports)`);
      }
      const from = toInt(range.From, 0, 65535, { ...loc, field: 'PortRange.From' }, 'port');
      const to = toInt(range.To, 0, 65535, { ...loc, field: 'PortRange.To' }, 'port');
      if (from > to) throw new InputError({ ...loc, field: 'PortRange.To' }, `port range ${from}-${to} is reversed`);
      return { kind, ports: [{ from, to }] };
    }
    case 1:
    case 58: {
      const kind = n === 1 ? 'icmp' : 'icmpv6';
      const tc = entry.IcmpTypeCode;
      const type = tc?.Type === undefined ? -1 : toInt(tc.Type, -1, 255, { ...loc, field: 'IcmpTypeCode.Type' }, 'ICMP type');
      const code = tc?.Code === undefined ? -1 : toInt(tc.Code, -1, 255, { ...loc, field: 'IcmpTypeCode.Code' }, 'ICMP code');
      if (type === -1) return { kind, icmp: {} };
      return { kind, icmp: code === -1 ? { type } : { type, code } };
    }
    default:
      return { kind: 'number', number: n };
  }
}

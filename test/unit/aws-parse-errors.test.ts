/** Bad input to the AWS parsers: one InputError naming the file, the object and the field. */
import { describe, expect, it } from 'vitest';
import { EXIT, InputError } from '../../src/model/index.js';
import { parseNetworkAcls } from '../../src/platforms/aws-nacl/parse.js';
import { parseSecurityGroups } from '../../src/platforms/aws-sg/parse.js';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const group = (perm: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  GroupId: 'sg-0bad',
  GroupName: 'bad',
  OwnerId: '123456789012',
  VpcId: 'vpc-1',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, perm],
  IpPermissionsEgress: [],
  ...extra,
});
const ok = { GroupId: 'sg-0good', GroupName: 'good', VpcId: 'vpc-1' };
const sgDoc = (perm: Record<string, unknown>, extra?: Record<string, unknown>) => ({ SecurityGroups: [ok, group(perm, extra)] });
const at = 'sgs.json: SecurityGroups[1] (sg-0bad) IpPermissions[1]';

describe('security group parser errors', () => {
  const cases: [string, unknown, string][] = [
    [
      'invalid CIDR',
      sgDoc({ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: '10.0.0.300/8' }] }),
      `${at}: IpRanges[0].CidrIp: invalid CIDR "10.0.0.300/8"`,
    ],
    [
      'IPv6 CIDR in IpRanges',
      sgDoc({ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: '2001:db8::/32' }] }),
      `${at}: IpRanges[0].CidrIp: expected an IPv4 CIDR, got "2001:db8::/32"`,
    ],
    [
      'invalid IPv6 CIDR',
      sgDoc({ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/129' }] }),
      `${at}: Ipv6Ranges[0].CidrIpv6: invalid CIDR "2001:db8::/129"`,
    ],
    [
      'port out of range',
      sgDoc({ IpProtocol: 'tcp', FromPort: 22, ToPort: 70000, IpRanges: [] }),
      `${at}: ToPort: port 70000 out of range 0..65535`,
    ],
    ['reversed ports', sgDoc({ IpProtocol: 'udp', FromPort: 90, ToPort: 80 }), `${at}: ToPort: port range 90-80 is reversed`],
    ['one port missing', sgDoc({ IpProtocol: 'tcp', FromPort: 90 }), `${at}: ToPort: tcp rule needs both FromPort and ToPort (0 and 65535 for all ports)`],
    // Never guessed as all ports: AWS states 0-65535 when a rule means all of them.
    ['both ports missing', sgDoc({ IpProtocol: 'udp', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }), `${at}: FromPort: udp rule needs both FromPort and ToPort (0 and 65535 for all ports)`],
    ['both ports missing, by number', sgDoc({ IpProtocol: '6', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }), `${at}: FromPort: tcp rule needs both FromPort and ToPort (0 and 65535 for all ports)`],
    [
      'unknown protocol name',
      sgDoc({ IpProtocol: 'gre' }),
      `${at}: IpProtocol: unknown protocol "gre" (expected tcp, udp, icmp, icmpv6, -1 or a number)`,
    ],
    ['protocol number too big', sgDoc({ IpProtocol: '300' }), `${at}: IpProtocol: protocol number "300" out of range 0..255`],
    ['ICMP type too big', sgDoc({ IpProtocol: 'icmp', FromPort: 256, ToPort: -1 }), `${at}: FromPort: ICMP type 256 out of range -1..255`],
    [
      'group pair without id',
      sgDoc({ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, UserIdGroupPairs: [{ GroupName: 'x' }] }),
      `${at}: UserIdGroupPairs[0].GroupId: a group pair needs a GroupId`,
    ],
    [
      'EC2-Classic group with egress rules',
      { SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'c', IpPermissionsEgress: [{ IpProtocol: '-1' }] }] },
      'sgs.json: SecurityGroups[0] (sg-1): IpPermissionsEgress: a group without VpcId (EC2-Classic) cannot have egress rules',
    ],
  ];
  it.each(cases)('%s', (_name, doc, message) => {
    const e = errorOf(() => parseSecurityGroups(doc, 'sgs.json'));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(EXIT.input);
    expect(e.message).not.toContain('\n');
  });

  it('names the field of a wrong type (zod shape check)', () => {
    const e = errorOf(() => parseSecurityGroups(sgDoc({ IpProtocol: 'tcp', FromPort: true, ToPort: 1 }), 'sgs.json'));
    expect(e.location).toEqual({ file: 'sgs.json', object: 'SecurityGroups[1] (sg-0bad) IpPermissions[1]', field: 'FromPort' });
  });

  it('names a missing group field', () => {
    const e = errorOf(() => parseSecurityGroups({ SecurityGroups: [{ GroupName: 'x' }] }, 'sgs.json'));
    expect(e.location).toEqual({ file: 'sgs.json', object: 'SecurityGroups[0]', field: 'GroupId' });
  });

  it('refuses an unknown document shape', () => {
    expect(errorOf(() => parseSecurityGroups({ Foo: [] }, 'x.json')).message).toMatch(/^x\.json: not an AWS SecurityGroups document/);
    expect(errorOf(() => parseSecurityGroups({ SecurityGroups: {} }, 'x.json')).message).toBe(
      'x.json: SecurityGroups: expected a list',
    );
    expect(errorOf(() => parseSecurityGroups(42, 'x.json')).location.file).toBe('x.json');
  });

  it('labels items of a bare array and a single group', () => {
    const bad = { GroupId: 'sg-9', GroupName: 'g', VpcId: 'v', IpPermissions: [{ IpProtocol: 'xyz' }] };
    expect(errorOf(() => parseSecurityGroups([ok, bad], 'a.json')).location.object).toBe('[1] (sg-9) IpPermissions[0]');
    expect(errorOf(() => parseSecurityGroups(bad, 'a.json')).location.object).toBe('SecurityGroup (sg-9) IpPermissions[0]');
  });
});

const entry = (e: Record<string, unknown>) => ({ RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 80, To: 80 }, ...e });
const aclDoc = (e: Record<string, unknown>) => ({
  NetworkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', IsDefault: false, Entries: [entry({ RuleNumber: 50 }), entry(e)], Associations: [] }],
});
const aclAt = 'acls.json: NetworkAcls[0] (acl-1) Entries[1]';

describe('network ACL parser errors', () => {
  const cases: [string, unknown, string][] = [
    ['bad action', aclDoc({ RuleAction: 'permit' }), `${aclAt}: RuleAction: rule action "permit" is not allow or deny`],
    ['two CIDRs', aclDoc({ Ipv6CidrBlock: '::/0' }), `${aclAt}: CidrBlock: an entry needs exactly one of CidrBlock and Ipv6CidrBlock`],
    ['no CIDR', aclDoc({ CidrBlock: undefined }), `${aclAt}: CidrBlock: an entry needs exactly one of CidrBlock and Ipv6CidrBlock`],
    ['invalid IPv6', aclDoc({ CidrBlock: undefined, Ipv6CidrBlock: 'fe80::g/64' }), `${aclAt}: Ipv6CidrBlock: invalid CIDR "fe80::g/64"`],
    ['IPv4 in Ipv6CidrBlock', aclDoc({ CidrBlock: undefined, Ipv6CidrBlock: '10.0.0.0/8' }), `${aclAt}: Ipv6CidrBlock: expected an IPv6 CIDR`],
    ['rule number 0', aclDoc({ RuleNumber: 0 }), `${aclAt}: RuleNumber: rule number 0 out of range 1..32768`],
    ['duplicate rule number', aclDoc({ RuleNumber: 50 }), `${aclAt}: RuleNumber: rule number 50 appears twice in the ingress entries`],
    ['port out of range', aclDoc({ PortRange: { From: -5, To: 80 } }), `${aclAt}: PortRange.From: port -5 out of range 0..65535`],
    ['unknown protocol', aclDoc({ Protocol: 'sctp' }), `${aclAt}: Protocol: unknown protocol "sctp"`],
    // Never guessed as all ports: AWS requires a range for tcp/udp entries.
    ['tcp without a port range', aclDoc({ PortRange: undefined }), `${aclAt}: PortRange.From: tcp entry needs PortRange.From and PortRange.To (0 and 65535 for all ports)`],
    ['udp with half a port range', aclDoc({ Protocol: '17', PortRange: { From: 53 } }), `${aclAt}: PortRange.To: udp entry needs PortRange.From and PortRange.To (0 and 65535 for all ports)`],
    ['ICMP code too big', aclDoc({ Protocol: '1', IcmpTypeCode: { Type: 3, Code: 999 } }), `${aclAt}: IcmpTypeCode.Code: ICMP code 999 out of range -1..255`],
  ];
  it.each(cases)('%s', (_name, doc, message) => {
    const e = errorOf(() => parseNetworkAcls(doc, 'acls.json'));
    expect(e.message).toBe(message);
  });

  it('names the field of a wrong type', () => {
    const e = errorOf(() => parseNetworkAcls(aclDoc({ Egress: 'no' }), 'acls.json'));
    expect(e.location).toEqual({ file: 'acls.json', object: 'NetworkAcls[0] (acl-1) Entries[1]', field: 'Egress' });
  });

  it('refuses an unknown document shape', () => {
    expect(errorOf(() => parseNetworkAcls({ SecurityGroups: [] }, 'x.json')).message).toMatch(
      /^x\.json: not an AWS NetworkAcls document/,
    );
  });
});

/**
 * The NACL migration planner on describe-network-acls input written by hand: what it creates (rule numbers, ICMP
 * type/code, port ranges, IPv6 — never the `*` entries), what it adopts, prunes and refuses. moto keeps no ICMP
 * type/code on NACL entries, so this is where their copying is checked.
 */
import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/model/index.js';
import { planNaclMigration, type NaclPlanInput } from '../../../src/workflows/migrate-nacl-plan.js';

const src = { account: '111111111111', region: 'us-east-1' };
const dst = { account: '222222222222', region: 'eu-west-1', vpcId: 'vpc-0dst0000000000000' };
const SOURCE_TAG = { Key: 'ruleport:source', Value: '111111111111/us-east-1/acl-0src0000000000000' };

/** A source NACL as DescribeNetworkAcls answers, `*` entries included. */
const SOURCE: NetworkAcl = {
  NetworkAclId: 'acl-0src0000000000000',
  VpcId: 'vpc-0src0000000000000',
  OwnerId: '111111111111',
  IsDefault: false,
  Tags: [{ Key: 'Name', Value: 'edge' }],
  Entries: [
    { RuleNumber: 90, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '203.0.113.0/24', PortRange: { From: 22, To: 22 } },
    { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 443 } },
    { RuleNumber: 120, Egress: false, Protocol: '1', RuleAction: 'allow', CidrBlock: '10.0.0.0/8', IcmpTypeCode: { Type: 8, Code: 0 } },
    { RuleNumber: 130, Egress: false, Protocol: '58', RuleAction: 'allow', Ipv6CidrBlock: '::/0', IcmpTypeCode: { Type: 128, Code: -1 } },
    { RuleNumber: 32767, Egress: false, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0' },
    { RuleNumber: 32768, Egress: false, Protocol: '-1', RuleAction: 'deny', Ipv6CidrBlock: '::/0' },
    { RuleNumber: 100, Egress: true, Protocol: '17', RuleAction: 'allow', Ipv6CidrBlock: '2001:db8::/32', PortRange: { From: 1024, To: 65535 } },
    { RuleNumber: 200, Egress: true, Protocol: '47', RuleAction: 'allow', CidrBlock: '192.0.2.0/24' },
    { RuleNumber: 32767, Egress: true, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0' },
  ],
};

const input = (over: Partial<NaclPlanInput> = {}): NaclPlanInput => ({ src, dst, acls: [SOURCE], destinationAcls: [], associations: [], unmatched: [], prune: false, ...over });

describe('planNaclMigration', () => {
  it('creates the NACL with its tags, then every entry under its own number, ICMP type/code kept, no * entries', () => {
    const { plan } = planNaclMigration(input());
    const [create, ...entries] = plan.changes;
    expect(create).toMatchObject({
      kind: 'create',
      after: { kind: 'network-acl', vpcId: dst.vpcId, tags: { Name: 'edge', 'ruleport:source': SOURCE_TAG.Value } },
    });
    const created = entries.map((c) => (c.kind === 'create' && c.after.kind === 'entry' ? c.after.entry : c));
    expect(created).toEqual([
      { RuleNumber: 90, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '203.0.113.0/24', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 443 } },
      { RuleNumber: 120, Egress: false, Protocol: '1', RuleAction: 'allow', CidrBlock: '10.0.0.0/8', IcmpTypeCode: { Type: 8, Code: 0 } },
      { RuleNumber: 130, Egress: false, Protocol: '58', RuleAction: 'allow', Ipv6CidrBlock: '::/0', IcmpTypeCode: { Type: 128, Code: -1 } },
      { RuleNumber: 100, Egress: true, Protocol: '17', RuleAction: 'allow', Ipv6CidrBlock: '2001:db8::/32', PortRange: { From: 1024, To: 65535 } },
      { RuleNumber: 200, Egress: true, Protocol: '47', RuleAction: 'allow', CidrBlock: '192.0.2.0/24' },
    ]);
  });

  it('adopts its own copy: replaces a changed entry, adds a missing one, leaves extras until --prune', () => {
    const copy: NetworkAcl = {
      NetworkAclId: 'acl-0copy000000000000',
      VpcId: dst.vpcId,
      Tags: [SOURCE_TAG],
      Entries: [
        // 90 and 100 as the source; 120 with another ICMP type; 130 missing; 150 is extra.
        { RuleNumber: 90, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '203.0.113.0/24', PortRange: { From: 22, To: 22 } },
        { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 443 } },
        { RuleNumber: 120, Egress: false, Protocol: '1', RuleAction: 'allow', CidrBlock: '10.0.0.0/8', IcmpTypeCode: { Type: 0, Code: 0 } },
        { RuleNumber: 150, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 8080, To: 8080 } },
        { RuleNumber: 100, Egress: true, Protocol: '17', RuleAction: 'allow', Ipv6CidrBlock: '2001:db8::/32', PortRange: { From: 1024, To: 65535 } },
        { RuleNumber: 200, Egress: true, Protocol: '47', RuleAction: 'allow', CidrBlock: '192.0.2.0/24' },
      ],
    };
    const kept = planNaclMigration(input({ destinationAcls: [copy] }));
    expect(kept.copies).toEqual([{ sourceId: SOURCE.NetworkAclId, slot: 'acl-0copy000000000000', state: 'adopted', retires: [] }]);
    expect(kept.plan.changes.map((c) => `${c.kind} ${c.object}`)).toEqual([
      'update ingress #120 of network ACL acl-0copy000000000000 (copy of acl-0src0000000000000)',
      'create ingress #130 of network ACL acl-0copy000000000000 (copy of acl-0src0000000000000)',
    ]);
    expect(kept.plan.notes.join('\n')).toContain('has 1 entry the source lacks (ingress #150): pass --prune');

    const pruned = planNaclMigration(input({ destinationAcls: [copy], prune: true }));
    // Deletes first: an edited copy never holds more entries than before or after (the quota).
    expect(pruned.plan.changes.map((c) => `${c.kind} ${c.object.split(' of ')[0]}`)).toEqual(['delete ingress #150', 'update ingress #120', 'create ingress #130']);
  });

  it('refuses 21 entries in one direction before planning any write', () => {
    const many: NetworkAcl = {
      ...SOURCE,
      Entries: Array.from({ length: 21 }, (_, i) => ({ RuleNumber: 100 + i, Egress: false, Protocol: '6', RuleAction: 'allow' as const, CidrBlock: `10.${i}.0.0/16`, PortRange: { From: 443, To: 443 } })),
    };
    expect(() => planNaclMigration(input({ acls: [many] }))).toThrow(UnsupportedError);
    expect(() => planNaclMigration(input({ acls: [many] }))).toThrow(/21 ingress entries exceed the quota of 20 per direction/);
  });
});

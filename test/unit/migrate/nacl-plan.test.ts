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

  describe('a copy subnets use is replaced, never edited (blue/green)', () => {
    const own = (entries: readonly number[]) => (SOURCE.Entries ?? []).filter((e) => e.RuleNumber! < 32767 && entries.includes(e.RuleNumber!));
    /** A copy of SOURCE holding the entries numbered `numbers` (both directions), on `subnets`. */
    const copyAcl = (id: string, numbers: readonly number[], subnets: readonly string[], extra: NetworkAcl['Entries'] = []): NetworkAcl => ({
      NetworkAclId: id,
      VpcId: dst.vpcId,
      Tags: [SOURCE_TAG, { Key: 'Name', Value: 'edge' }],
      Entries: [...own(numbers), ...extra],
      Associations: subnets.map((s, i) => ({ SubnetId: s, NetworkAclAssociationId: `aclassoc-${id.slice(4, 8)}${i}`, NetworkAclId: id })),
    });
    const ALL = [90, 100, 120, 130, 200];
    const lines = (p: ReturnType<typeof planNaclMigration>) => p.plan.changes.filter((c) => c.kind !== 'keep').map((c) => `${c.kind} ${c.object}`);

    it('builds a new copy with every entry, moves each subnet through its association, then deletes the old copy', () => {
      // The source's #90 deny is missing on the copy: editing it in place would add a deny in front of live traffic.
      const inUse = copyAcl('acl-0old0000000000000', [100, 120, 130, 200], ['subnet-0a', 'subnet-0b']);
      const p = planNaclMigration(input({ destinationAcls: [inUse] }));
      expect(p.copies).toEqual([{ sourceId: SOURCE.NetworkAclId, slot: 'new:acl-0src0000000000000', state: 'new', retires: ['acl-0old0000000000000'] }]);
      const copy = 'network ACL (new copy of acl-0src0000000000000)';
      expect(lines(p)).toEqual([
        `create ${copy}, to replace acl-0old0000000000000`,
        `create ingress #90 of ${copy}`,
        `create ingress #100 of ${copy}`,
        `create ingress #120 of ${copy}`,
        `create ingress #130 of ${copy}`,
        `create egress #100 of ${copy}`,
        `create egress #200 of ${copy}`,
        'update association of subnet-0a (on acl-0old0000000000000, retired): acl-0old0000000000000 → new copy of acl-0src0000000000000',
        'update association of subnet-0b (on acl-0old0000000000000, retired): acl-0old0000000000000 → new copy of acl-0src0000000000000',
        'delete network ACL acl-0old0000000000000 (earlier copy of acl-0src0000000000000, once its subnets have moved)',
      ]);
      // Nothing is written to the copy in use.
      const payloads = p.plan.changes.flatMap((c) => (c.kind === 'create' || c.kind === 'update' ? [c.after] : c.kind === 'delete' ? [c.before] : []));
      expect(payloads.filter((o) => o.kind === 'entry' && o.acl === 'acl-0old0000000000000')).toEqual([]);
      const move = p.plan.changes.find((c) => c.object.startsWith('association of subnet-0b'))!;
      expect(move).toMatchObject({ kind: 'update', before: { kind: 'association', subnetId: 'subnet-0b', associationId: 'aclassoc-0old1', acl: 'acl-0old0000000000000' }, after: { acl: 'new:acl-0src0000000000000' } });
      expect(p.drains).toEqual([
        { sourceAcl: 'acl-0src0000000000000', subnetId: 'subnet-0a', from: 'acl-0old0000000000000' },
        { sourceAcl: 'acl-0src0000000000000', subnetId: 'subnet-0b', from: 'acl-0old0000000000000' },
      ]);
      expect(p.plan.notes.join('\n')).toMatch(/^blue\/green: acl-0old0000000000000 \(copy of acl-0src0000000000000\) is in use and differs from the source/m);
      expect(p.plan.title).toContain('1 earlier copy to retire');
    });

    it('keeps an entry the source lacks on the new copy unless --prune', () => {
      const extra = { RuleNumber: 150, Egress: false, Protocol: '6', RuleAction: 'allow' as const, CidrBlock: '0.0.0.0/0', PortRange: { From: 8080, To: 8080 } };
      const inUse = copyAcl('acl-0old0000000000000', [100, 120, 130, 200], ['subnet-0a'], [extra]);
      const entriesOfNew = (prune: boolean) =>
        planNaclMigration(input({ destinationAcls: [inUse], prune })).plan.changes.flatMap((c) => (c.kind === 'create' && c.after.kind === 'entry' ? [`${c.after.entry.Egress ? 'e' : 'i'}${c.after.entry.RuleNumber}`] : []));
      expect(entriesOfNew(false)).toEqual(['i90', 'i100', 'i120', 'i130', 'e100', 'e200', 'i150']);
      expect(entriesOfNew(true)).toEqual(['i90', 'i100', 'i120', 'i130', 'e100', 'e200']);
    });

    it('leaves a copy in use that already matches alone', () => {
      const p = planNaclMigration(input({ destinationAcls: [copyAcl('acl-0old0000000000000', ALL, ['subnet-0a'])] }));
      expect(lines(p)).toEqual([]);
    });

    it('completes the unused copy an interrupted run left, moves the subnets onto it and deletes the old one', () => {
      const old = copyAcl('acl-0b00000000000000', [100, 120, 130, 200], ['subnet-0a']);
      // Stopped after #90 and #100 (both directions) were created on the new copy.
      const orphan = copyAcl('acl-0a00000000000000', [90, 100], []);
      const p = planNaclMigration(input({ destinationAcls: [old, orphan] }));
      expect(p.copies).toEqual([{ sourceId: SOURCE.NetworkAclId, slot: 'acl-0a00000000000000', state: 'adopted', retires: ['acl-0b00000000000000'] }]);
      expect(lines(p).map((l) => l.replace(/ of network ACL acl-0a0+ \(copy of acl-0src0+\)$/, ''))).toEqual([
        'create ingress #120',
        'create ingress #130',
        'create egress #200',
        'update association of subnet-0a (on acl-0b00000000000000, retired): acl-0b00000000000000 → acl-0a00000000000000',
        'delete network ACL acl-0b00000000000000 (earlier copy of acl-0src0000000000000, once its subnets have moved)',
      ]);
    });

    it('keeps the copy in use when it matches and deletes an unused duplicate', () => {
      const p = planNaclMigration(input({ destinationAcls: [copyAcl('acl-0b00000000000000', ALL, ['subnet-0a']), copyAcl('acl-0a00000000000000', [90], [])] }));
      expect(p.copies[0]).toMatchObject({ slot: 'acl-0b00000000000000', state: 'adopted', retires: ['acl-0a00000000000000'] });
      expect(lines(p)).toEqual(['delete network ACL acl-0a00000000000000 (earlier copy of acl-0src0000000000000)']);
    });

    it('replaces two copies in use that both differ with one new copy', () => {
      const a = copyAcl('acl-0a00000000000000', [90, 100], ['subnet-0a']);
      const b = copyAcl('acl-0b00000000000000', [120, 130], ['subnet-0b']);
      const p = planNaclMigration(input({ destinationAcls: [a, b] }));
      expect(p.copies[0]).toMatchObject({ state: 'new', retires: ['acl-0a00000000000000', 'acl-0b00000000000000'] });
      expect(lines(p).filter((l) => !l.includes(' #'))).toEqual([
        'create network ACL (new copy of acl-0src0000000000000), to replace acl-0a00000000000000, acl-0b00000000000000',
        'update association of subnet-0a (on acl-0a00000000000000, retired): acl-0a00000000000000 → new copy of acl-0src0000000000000',
        'update association of subnet-0b (on acl-0b00000000000000, retired): acl-0b00000000000000 → new copy of acl-0src0000000000000',
        'delete network ACL acl-0a00000000000000 (earlier copy of acl-0src0000000000000, once its subnets have moved)',
        'delete network ACL acl-0b00000000000000 (earlier copy of acl-0src0000000000000, once its subnets have moved)',
      ]);
    });
  });

  it('refuses 21 entries in one direction before planning any write', () => {
    const many: NetworkAcl = {
      ...SOURCE,
      Entries: Array.from({ length: 21 }, (_, i) => ({ RuleNumber: 100 + i, Egress: false, Protocol: '6', RuleAction: 'allow' as const, CidrBlock: `10.${i}.0.0/16`, PortRange: { From: 443, To: 443 } })),
    };
    expect(() => planNaclMigration(input({ acls: [many] }))).toThrow(UnsupportedError);
    expect(() => planNaclMigration(input({ acls: [many] }))).toThrow(/21 ingress entries exceed the quota of 20 per direction/);
  });

  it('refuses a new copy that would take the destination VPC past 200 network ACLs, counting the ones it replaces', () => {
    const others = (n: number): NetworkAcl[] => Array.from({ length: n }, (_, i) => ({ NetworkAclId: `acl-0other${String(i).padStart(11, '0')}`, VpcId: dst.vpcId, Entries: [] }));
    // 199 there + 1 new = 200: fits.
    expect(planNaclMigration(input({ destinationAcls: others(199) })).plan.changes[0]).toMatchObject({ kind: 'create' });
    // 200 there + 1 new = 201: refused before any write.
    expect(() => planNaclMigration(input({ destinationAcls: others(200) }))).toThrow(
      `${dst.vpcId}: 201 network ACLs while copies are made (200 there now) exceed the quota of 200 per VPC`,
    );
  });
});

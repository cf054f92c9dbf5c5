/**
 * Network ACL reads and writes against moto: entries in both directions with IPv6, replace, delete, associations,
 * and what a NACL read live protects (its subnets' CIDR blocks).
 */
import { readFileSync } from 'node:fs';
import { DescribeNetworkAclsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError, RemoteError, type Rule } from '../../../src/model/index.js';
import { exportAwsLocation, loadAwsLocation } from '../../../src/platforms/aws/live-location.js';
import type { AwsSession, Ec2Handle } from '../../../src/platforms/aws/session.js';
import {
  associateSubnet,
  createEntry,
  createNetworkAcl,
  currentAssociation,
  deleteEntry,
  deleteNetworkAcl,
  describeNetworkAcls,
  exportNetworkAcls,
  replaceEntry,
} from '../../../src/platforms/aws-nacl/client.js';
import { awsNaclFormat, parseNetworkAcls } from '../../../src/platforms/aws-nacl/index.js';
import { renderNetworkAcl } from '../../../src/platforms/aws-nacl/render.js';
import { motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { ruleSet } from '../../unit/aws-test-rules.js';
import { createSubnet, createVpc } from './world.js';

const url = motoUrlForWorker();

function withoutIcmpTypes(rule: Rule): Rule {
  const p = rule.protocol;
  return p.kind === 'icmp' || p.kind === 'icmpv6' ? { ...rule, protocol: { kind: p.kind, icmp: {} } } : rule;
}
const fixture = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as unknown;

describe.skipIf(!url)('network ACLs on moto', () => {
  let session: AwsSession;
  let ec2: Ec2Handle;
  let vpcId: string;

  beforeEach(async () => {
    await resetMoto(url);
    session = motoSession(url);
    ec2 = session.ec2('us-east-1');
    vpcId = await createVpc(ec2, '10.0.0.0/16', true);
  });
  afterEach(() => session.destroy());

  it('creates a tagged NACL, writes entries for both directions and IP versions, and export → parse gives them back', async () => {
    const source = [
      ...parseNetworkAcls(fixture('../../../examples/nacls.json'), 'nacls.json'),
      ...parseNetworkAcls(fixture('../../fixtures/aws/nacl-acls.json'), 'nacl-acls.json').filter((p) => p.rules.length > 0),
    ];
    for (const policy of source) {
      const aclId = await createNetworkAcl(ec2, { vpcId, tags: { 'ruleport:source': policy.name } });
      const rendered = renderNetworkAcl(policy);
      for (const entry of [...rendered.ingress, ...rendered.egress]) await createEntry(ec2, aclId, entry);

      const doc = await exportNetworkAcls(ec2, { aclIds: [aclId] });
      const text = JSON.stringify(doc);
      expect(awsNaclFormat.detect(JSON.parse(text), text)).toBe(true);
      const [back] = awsNaclFormat.parse(JSON.parse(text), text, 'export.json');
      expect(back!.meta).toMatchObject({ id: aclId, vpc: vpcId, default: 'false', subnets: '' });
      // Same rules, same rule numbers, same order per direction. moto stores an entry's ICMP type and code but
      // leaves IcmpTypeCode out of DescribeNetworkAcls, so ICMP entries read back as all of ICMP there.
      expect(ruleSet(back!.rules, true)).toEqual(ruleSet(policy.rules.map(withoutIcmpTypes), true));
      expect(back!.rules.map((r) => `${r.direction} ${r.origin.id} ${r.action}`)).toEqual(
        policy.rules.map((r) => `${r.direction} ${r.origin.id} ${r.action}`),
      );
      const [live] = await describeNetworkAcls(ec2, { aclIds: [aclId] });
      expect(live!.Tags).toEqual([{ Key: 'ruleport:source', Value: policy.name }]);
    }
  });

  it('replaces and deletes entries', async () => {
    const aclId = await createNetworkAcl(ec2, { vpcId });
    await createEntry(ec2, aclId, { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } });
    await createEntry(ec2, aclId, { RuleNumber: 100, Egress: true, Protocol: '-1', RuleAction: 'allow', Ipv6CidrBlock: '::/0' });
    await replaceEntry(ec2, aclId, { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '203.0.113.0/24', PortRange: { From: 22, To: 22 } });
    let [policy] = parseNetworkAcls(await exportNetworkAcls(ec2, { aclIds: [aclId] }), 'x');
    expect(policy!.rules.map((r) => [r.direction, r.action, r.peer])).toEqual([
      ['ingress', 'deny', { kind: 'list', items: [{ kind: 'cidr', cidr: '203.0.113.0/24', version: 4 }] }],
      ['egress', 'allow', { kind: 'list', items: [{ kind: 'cidr', cidr: '::/0', version: 6 }] }],
    ]);
    await deleteEntry(ec2, aclId, { RuleNumber: 100, Egress: true });
    [policy] = parseNetworkAcls(await exportNetworkAcls(ec2, { aclIds: [aclId] }), 'x');
    expect(policy!.rules.map((r) => r.direction)).toEqual(['ingress']);
  });

  it('moves a subnet to another NACL through its current association, and reads NACLs by VPC and subnet', async () => {
    const subnetId = await createSubnet(ec2, vpcId, '10.0.1.0/24');
    const [defaultAcl] = await describeNetworkAcls(ec2, { subnetId });
    expect(defaultAcl!.IsDefault).toBe(true);
    const [defaultPolicy] = parseNetworkAcls({ NetworkAcls: [defaultAcl] }, 'x');
    expect(defaultPolicy!.meta!.default).toBe('true');
    expect(defaultPolicy!.meta!.subnets.split(',')).toContain(subnetId);

    const aclId = await createNetworkAcl(ec2, { vpcId });
    const before = await currentAssociation(ec2, subnetId);
    const assoc = await associateSubnet(ec2, subnetId, aclId);
    expect(assoc).not.toBe(before.associationId);
    expect((await currentAssociation(ec2, subnetId)).aclId).toBe(aclId);
    // Already there: no change, same association.
    expect(await associateSubnet(ec2, subnetId, aclId)).toBe(assoc);
    const [moved] = parseNetworkAcls(await exportNetworkAcls(ec2, { subnetId }), 'x');
    expect(moved!.meta).toMatchObject({ id: aclId, subnets: subnetId });
    expect((await describeNetworkAcls(ec2, { vpcId })).map((a) => a.NetworkAclId).sort()).toEqual([defaultAcl!.NetworkAclId, aclId].sort());

    await associateSubnet(ec2, subnetId, defaultAcl!.NetworkAclId!);
    await deleteNetworkAcl(ec2, aclId);
    expect((await describeNetworkAcls(ec2, { vpcId })).map((a) => a.NetworkAclId)).toEqual([defaultAcl!.NetworkAclId]);
  });

  it('a NACL read live protects exactly its subnets\' CIDR blocks, from one DescribeSubnets for all the NACLs read', async () => {
    // The VPC's IPv6 block as AWS reports it (a:b:c:dd00::/56, hextets sometimes zero-padded); its subnets take
    // /64s of it, written in canonical text (no leading zeros) by hand.
    const vpc = (await ec2.client.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
    const v6 = vpc.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    expect(v6).toMatch(/^([0-9a-f]{1,4}:){3}[0-9a-f]{0,2}00::\/56$/);
    const hextets = v6.split('::')[0]!.split(':').map((h) => parseInt(h, 16));
    const slash64 = (n: number) => `${[...hextets.slice(0, 3), hextets[3]! + n].map((h) => h.toString(16)).join(':')}::/64`;
    const v6a = slash64(1);
    const v6c = slash64(3);
    const a = await createSubnet(ec2, vpcId, '10.0.1.0/24', v6a);
    const b = await createSubnet(ec2, vpcId, '10.0.2.0/24');
    const c = await createSubnet(ec2, vpcId, '10.0.3.0/24', v6c);
    await createSubnet(ec2, vpcId, '10.0.4.0/24'); // in the VPC, on no NACL read here
    const two = await createNetworkAcl(ec2, { vpcId });
    const one = await createNetworkAcl(ec2, { vpcId });
    const none = await createNetworkAcl(ec2, { vpcId });
    for (const [subnet, acl] of [[a, two], [b, two], [c, one]] as const) await associateSubnet(ec2, subnet, acl);

    const calls = vi.spyOn(ec2, 'call');
    const policies = await loadAwsLocation(session, { region: 'us-east-1', target: { kind: 'acl', ids: [two, one, none] } });
    expect(calls.mock.calls.filter(([name]) => name === 'DescribeSubnets')).toHaveLength(1);
    calls.mockRestore();

    const cidr = (text: string, version: 4 | 6) => ({ kind: 'cidr', cidr: text, version });
    const protects = Object.fromEntries(policies.map((p) => [p.name, [p.protects, p.protectsUnknown]]));
    // Exactly these blocks, none unknown. AWS lists a NACL's associations in no promised order: compare as a set.
    expect(protects[two]).toEqual([{ kind: 'list', items: expect.arrayContaining([cidr('10.0.1.0/24', 4), cidr('10.0.2.0/24', 4), cidr(v6a, 6)]) }, undefined]);
    expect(policies.find((p) => p.name === two)!.protects).toMatchObject({ items: { length: 3 } });
    expect(protects[one]).toEqual([{ kind: 'list', items: [cidr('10.0.3.0/24', 4), cidr(v6c, 6)] }, undefined]);
    expect(protects[none]).toEqual([{ kind: 'list', items: [] }, undefined]);

    // A NACL with no subnet needs no DescribeSubnets at all (without ids it would list the whole region).
    const lonely = vi.spyOn(ec2, 'call');
    const [alone] = await loadAwsLocation(session, { region: 'us-east-1', target: { kind: 'acl', ids: [none] } });
    expect(lonely.mock.calls.map(([name]) => name)).not.toContain('DescribeSubnets');
    lonely.mockRestore();
    expect(alone!.protects).toEqual({ kind: 'list', items: [] });
  });

  it('export writes AWS\'s own describe-network-acls answer for a NACL with subnets: no field of ruleport\'s', async () => {
    const subnet = await createSubnet(ec2, vpcId, '10.0.1.0/24');
    const acl = await createNetworkAcl(ec2, { vpcId });
    await associateSubnet(ec2, subnet, acl);
    const raw = await ec2.client.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl] }));
    const doc = await exportAwsLocation(session, { region: 'us-east-1', target: { kind: 'acl', ids: [acl] } });
    expect(JSON.parse(JSON.stringify(doc))).toEqual({ NetworkAcls: JSON.parse(JSON.stringify(raw.NetworkAcls)) });
  });

  it('answers bad ids with one clear line', async () => {
    await expect(describeNetworkAcls(ec2, { aclIds: ['acl-0123456789abcdef0'] })).rejects.toThrowError(
      // AWS answers InvalidNetworkAclID.NotFound; moto says InvalidRouteTableID.NotFound.
      /^ec2 DescribeNetworkAcls \(us-east-1\): Invalid\w+ID\.NotFound: .*acl-0123456789abcdef0/,
    );
    await expect(describeNetworkAcls(ec2, { aclIds: ['acl-0123456789abcdef0'] })).rejects.toThrowError(InputError);
    const entry = { RuleNumber: 100, Egress: false, Protocol: '-1', RuleAction: 'allow' as const, CidrBlock: '0.0.0.0/0' };
    await expect(createEntry(ec2, 'acl-0123456789abcdef0', entry)).rejects.toThrowError(RemoteError);
    await expect(currentAssociation(ec2, 'subnet-0123456789abcdef0')).rejects.toThrowError(/subnet subnet-0123456789abcdef0 has no NACL association/);
  });
});

/** The reads other workflows need, against moto: VPCs, subnets, route tables, instances and ENIs, prefix lists. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeInstances, describeNetworkInterfaces, instanceInterfaces, interfaceFacts } from '../../../src/platforms/aws/instances.js';
import { describeManagedPrefixLists, readPrefixLists } from '../../../src/platforms/aws/prefix-lists.js';
import { describeRouteTables, routeTableOfSubnet } from '../../../src/platforms/aws/route-tables.js';
import type { AwsSession, Ec2Handle } from '../../../src/platforms/aws/session.js';
import { describeSubnets, describeVpcs, vpcCidrs } from '../../../src/platforms/aws/vpcs.js';
import { createSecurityGroup } from '../../../src/platforms/aws-sg/client.js';
import { motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { addVpcCidr, createPrefixList, createRouteTable, createSubnet, createVpc, runInstance } from './world.js';

const url = motoUrlForWorker();

describe.skipIf(!url)('network reads on moto', () => {
  let session: AwsSession;
  let ec2: Ec2Handle;

  beforeEach(async () => {
    await resetMoto(url);
    session = motoSession(url);
    ec2 = session.ec2('us-east-1');
  });
  afterEach(() => session.destroy());

  it('reads a VPC with every IPv4 and IPv6 CIDR block, and its subnets', async () => {
    const vpcId = await createVpc(ec2, '10.0.0.0/16', true);
    await addVpcCidr(ec2, vpcId, '10.1.0.0/16');
    const [vpc] = await describeVpcs(ec2, { vpcIds: [vpcId] });
    const cidrs = vpcCidrs(vpc!);
    expect(cidrs.ipv4.sort()).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
    expect(cidrs.ipv6).toHaveLength(1);
    expect(cidrs.ipv6[0]).toMatch(/::\/56$/);
    // Listing without ids includes the region's default VPC.
    expect((await describeVpcs(ec2)).length).toBe(2);

    const a = await createSubnet(ec2, vpcId, '10.0.1.0/24');
    const b = await createSubnet(ec2, vpcId, '10.1.1.0/24');
    expect((await describeSubnets(ec2, { vpcId })).map((s) => s.SubnetId).sort()).toEqual([a, b].sort());
    expect((await describeSubnets(ec2, { subnetIds: [b] })).map((s) => s.CidrBlock)).toEqual(['10.1.1.0/24']);
  });

  it('finds the route table of a subnet: explicit association, else the main table', async () => {
    const vpcId = await createVpc(ec2);
    const routed = await createSubnet(ec2, vpcId, '10.0.1.0/24');
    const implicit = await createSubnet(ec2, vpcId, '10.0.2.0/24');
    const custom = await createRouteTable(ec2, vpcId, routed);
    const [main] = await describeRouteTables(ec2, { vpcId, main: true });
    expect(main!.RouteTableId).not.toBe(custom);
    expect((await routeTableOfSubnet(ec2, { subnetId: routed, vpcId })).RouteTableId).toBe(custom);
    expect((await routeTableOfSubnet(ec2, { subnetId: implicit, vpcId })).RouteTableId).toBe(main!.RouteTableId);
    expect((await describeRouteTables(ec2, { vpcId })).map((t) => t.RouteTableId).sort()).toEqual([custom, main!.RouteTableId].sort());
    expect((await describeRouteTables(ec2, { routeTableIds: [custom] }))[0]!.Associations?.[0]?.SubnetId).toBe(routed);
  });

  it('reads instances and their interfaces with groups and private addresses', async () => {
    const vpcId = await createVpc(ec2);
    const subnetId = await createSubnet(ec2, vpcId, '10.0.1.0/24');
    const sg = await createSecurityGroup(ec2, { name: 'app', description: 'app', vpcId });
    const instanceId = await runInstance(ec2, subnetId, [sg]);
    const [instance] = await describeInstances(ec2, { instanceIds: [instanceId] });
    const [eni] = instanceInterfaces(instance!);
    expect(eni).toMatchObject({ subnetId, vpcId, groupIds: [sg] });
    expect(eni!.ipv4[0]).toMatch(/^10\.0\.1\.\d+$/);
    expect((await describeInstances(ec2, { vpcId })).map((i) => i.InstanceId)).toEqual([instanceId]);

    const enis = await describeNetworkInterfaces(ec2, { subnetId });
    expect(enis.map((n) => interfaceFacts(n).networkInterfaceId)).toEqual([eni!.networkInterfaceId]);
    expect(interfaceFacts(enis[0]!).ipv4).toEqual(eni!.ipv4);
    expect((await describeNetworkInterfaces(ec2, { networkInterfaceIds: [eni!.networkInterfaceId] })).length).toBe(1);
  });

  it('reads managed prefix lists with their entries', async () => {
    const v4 = await createPrefixList(ec2, 'offices', ['192.0.2.0/24', '198.51.100.0/24']);
    const v6 = await createPrefixList(ec2, 'offices-v6', ['2001:db8::/48'], 'IPv6');
    const lists = await readPrefixLists(ec2, [v4, v6]);
    expect(lists.map((l) => [l.name, l.addressFamily, l.maxEntries, l.entries.map((e) => e.cidr).sort()])).toEqual([
      ['offices', 'IPv4', 10, ['192.0.2.0/24', '198.51.100.0/24']],
      ['offices-v6', 'IPv6', 10, ['2001:db8::/48']],
    ]);
    expect(lists[0]!.entries.every((e) => e.description?.startsWith('entry'))).toBe(true);
    // Without ids: the account's lists plus the AWS-managed ones (S3, DynamoDB…).
    const all = await describeManagedPrefixLists(ec2);
    expect(all.map((l) => l.PrefixListId)).toEqual(expect.arrayContaining([v4, v6]));
    expect(all.some((l) => l.OwnerId === 'AWS')).toBe(true);
  });
});

/**
 * Builds the AWS resources integration tests need but ruleport does not write (VPCs, subnets, route tables,
 * instances, prefix lists), straight through the SDK client of a handle.
 */
import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  CreateManagedPrefixListCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';

export async function createVpc(ec2: Ec2Handle, cidr = '10.0.0.0/16', ipv6 = false): Promise<string> {
  const out = await ec2.client.send(new CreateVpcCommand({ CidrBlock: cidr, ...(ipv6 ? { AmazonProvidedIpv6CidrBlock: true } : {}) }));
  return out.Vpc!.VpcId!;
}

export async function addVpcCidr(ec2: Ec2Handle, vpcId: string, cidr: string): Promise<void> {
  await ec2.client.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: cidr }));
}

/** A subnet with an IPv4 block and, when given, an IPv6 block (a /64 of the VPC's IPv6 block). */
export async function createSubnet(ec2: Ec2Handle, vpcId: string, cidr: string, ipv6Cidr?: string): Promise<string> {
  const out = await ec2.client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, ...(ipv6Cidr ? { Ipv6CidrBlock: ipv6Cidr } : {}) }));
  return out.Subnet!.SubnetId!;
}

export async function createRouteTable(ec2: Ec2Handle, vpcId: string, subnetId?: string): Promise<string> {
  const out = await ec2.client.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const id = out.RouteTable!.RouteTableId!;
  if (subnetId) await ec2.client.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnetId }));
  return id;
}

export async function createPrefixList(ec2: Ec2Handle, name: string, cidrs: string[], family: 'IPv4' | 'IPv6' = 'IPv4'): Promise<string> {
  const out = await ec2.client.send(
    new CreateManagedPrefixListCommand({
      PrefixListName: name,
      AddressFamily: family,
      MaxEntries: 10,
      Entries: cidrs.map((Cidr, i) => ({ Cidr, Description: `entry ${i}` })),
    }),
  );
  return out.PrefixList!.PrefixListId!;
}

export async function runInstance(ec2: Ec2Handle, subnetId: string, groupIds: string[]): Promise<string> {
  const out = await ec2.client.send(
    new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: groupIds }),
  );
  return out.Instances![0]!.InstanceId!;
}

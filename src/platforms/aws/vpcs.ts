/** VPCs with all their CIDR blocks, and subnets. Reads only, paginated. */
import { DescribeSubnetsCommand, DescribeVpcsCommand, type Filter, type Subnet, type Vpc } from '@aws-sdk/client-ec2';
import { collectPages } from '../paginate.js';
import type { Ec2Handle } from './session.js';

export interface VpcSelector {
  readonly vpcIds?: readonly string[];
}

export async function describeVpcs(ec2: Ec2Handle, sel: VpcSelector = {}): Promise<Vpc[]> {
  const ids = sel.vpcIds?.length ? { VpcIds: [...sel.vpcIds] } : { MaxResults: 1000 };
  return collectPages('ec2', 'DescribeVpcs', async (NextToken) => {
    const out = await ec2.call('DescribeVpcs', 'read', (c) => c.send(new DescribeVpcsCommand({ ...ids, NextToken })));
    return { items: out.Vpcs, next: out.NextToken };
  });
}

/** Every associated CIDR block of a VPC: "inside the VPC" means inside any of them. */
export function vpcCidrs(vpc: Vpc): { readonly ipv4: string[]; readonly ipv6: string[] } {
  const ipv4 = (vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlock && (a.CidrBlockState?.State ?? 'associated') === 'associated')
    .map((a) => a.CidrBlock!);
  if (ipv4.length === 0 && vpc.CidrBlock) ipv4.push(vpc.CidrBlock);
  const ipv6 = (vpc.Ipv6CidrBlockAssociationSet ?? [])
    .filter((a) => a.Ipv6CidrBlock && (a.Ipv6CidrBlockState?.State ?? 'associated') === 'associated')
    .map((a) => a.Ipv6CidrBlock!);
  return { ipv4, ipv6 };
}

/** States of a subnet's IPv6 block that is gone or going (AWS's SubnetCidrBlockStateCode). */
const SUBNET_BLOCK_GONE: ReadonlySet<string> = new Set(['disassociating', 'disassociated', 'failing', 'failed']);

/**
 * Every CIDR block of a subnet: its IPv4 block (none for an IPv6-only subnet) and its IPv6 blocks but those gone
 * or going. A block still associating is kept: its addresses are the subnet's and nobody else's. (moto reports an
 * associated block's state as unparsed text, which this reads as present.)
 */
export function subnetCidrs(subnet: Subnet): { readonly ipv4: string[]; readonly ipv6: string[] } {
  const ipv6 = (subnet.Ipv6CidrBlockAssociationSet ?? [])
    .filter((a) => a.Ipv6CidrBlock && !SUBNET_BLOCK_GONE.has(a.Ipv6CidrBlockState?.State ?? ''))
    .map((a) => a.Ipv6CidrBlock!);
  return { ipv4: subnet.CidrBlock ? [subnet.CidrBlock] : [], ipv6 };
}

export interface SubnetSelector {
  readonly subnetIds?: readonly string[];
  readonly vpcId?: string;
}

export async function describeSubnets(ec2: Ec2Handle, sel: SubnetSelector = {}): Promise<Subnet[]> {
  const Filters: Filter[] = sel.vpcId ? [{ Name: 'vpc-id', Values: [sel.vpcId] }] : [];
  const base = sel.subnetIds?.length ? { SubnetIds: [...sel.subnetIds] } : { MaxResults: 1000 };
  return collectPages('ec2', 'DescribeSubnets', async (NextToken) => {
    const out = await ec2.call('DescribeSubnets', 'read', (c) =>
      c.send(new DescribeSubnetsCommand({ ...base, ...(Filters.length ? { Filters } : {}), NextToken })),
    );
    return { items: out.Subnets, next: out.NextToken };
  });
}

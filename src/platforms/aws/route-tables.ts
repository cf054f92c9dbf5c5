/** Route tables, and the one that governs a subnet (its explicit association, else the VPC's main table). */
import { DescribeRouteTablesCommand, type Filter, type RouteTable } from '@aws-sdk/client-ec2';
import { RemoteError } from '../../model/index.js';
import { collectPages } from '../paginate.js';
import type { Ec2Handle } from './session.js';

export interface RouteTableSelector {
  readonly routeTableIds?: readonly string[];
  readonly vpcId?: string;
  /** Tables explicitly associated with this subnet. */
  readonly subnetId?: string;
  /** Only the main table (of `vpcId`). */
  readonly main?: boolean;
}

export async function describeRouteTables(ec2: Ec2Handle, sel: RouteTableSelector = {}): Promise<RouteTable[]> {
  const Filters: Filter[] = [];
  if (sel.vpcId) Filters.push({ Name: 'vpc-id', Values: [sel.vpcId] });
  if (sel.subnetId) Filters.push({ Name: 'association.subnet-id', Values: [sel.subnetId] });
  if (sel.main) Filters.push({ Name: 'association.main', Values: ['true'] });
  const base = sel.routeTableIds?.length ? { RouteTableIds: [...sel.routeTableIds] } : { MaxResults: 100 };
  return collectPages('ec2', 'DescribeRouteTables', async (NextToken) => {
    const out = await ec2.call('DescribeRouteTables', 'read', (c) =>
      c.send(new DescribeRouteTablesCommand({ ...base, ...(Filters.length ? { Filters } : {}), NextToken })),
    );
    return { items: out.RouteTables, next: out.NextToken };
  });
}

/** The table routing a subnet: an explicit association wins; otherwise the VPC's main table (implicit association). */
export async function routeTableOfSubnet(ec2: Ec2Handle, subnet: { readonly subnetId: string; readonly vpcId: string }): Promise<RouteTable> {
  const explicit = await describeRouteTables(ec2, { subnetId: subnet.subnetId });
  if (explicit[0]) return explicit[0];
  const main = await describeRouteTables(ec2, { vpcId: subnet.vpcId, main: true });
  if (!main[0]) throw new RemoteError('ec2', `DescribeRouteTables (${ec2.region})`, `VPC ${subnet.vpcId} has no main route table`);
  return main[0];
}

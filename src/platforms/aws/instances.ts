/** Instances and network interfaces: where security groups are attached and which addresses they cover. */
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  type Filter,
  type Instance,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import { collectPages } from '../paginate.js';
import type { Ec2Handle } from './session.js';

export interface InstanceSelector {
  readonly instanceIds?: readonly string[];
  readonly vpcId?: string;
}

/** Instances (reservations flattened). Filter by group client-side: moto answers `network-interface.group-id` with a 500. */
export async function describeInstances(ec2: Ec2Handle, sel: InstanceSelector = {}): Promise<Instance[]> {
  const Filters: Filter[] = sel.vpcId ? [{ Name: 'vpc-id', Values: [sel.vpcId] }] : [];
  const base = sel.instanceIds?.length ? { InstanceIds: [...sel.instanceIds] } : { MaxResults: 1000 };
  return collectPages('ec2', 'DescribeInstances', async (NextToken) => {
    const out = await ec2.call('DescribeInstances', 'read', (c) =>
      c.send(new DescribeInstancesCommand({ ...base, ...(Filters.length ? { Filters } : {}), NextToken })),
    );
    return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []), next: out.NextToken };
  });
}

export interface NetworkInterfaceSelector {
  readonly networkInterfaceIds?: readonly string[];
  readonly vpcId?: string;
  readonly subnetId?: string;
}

export async function describeNetworkInterfaces(ec2: Ec2Handle, sel: NetworkInterfaceSelector = {}): Promise<NetworkInterface[]> {
  const Filters: Filter[] = [];
  if (sel.vpcId) Filters.push({ Name: 'vpc-id', Values: [sel.vpcId] });
  if (sel.subnetId) Filters.push({ Name: 'subnet-id', Values: [sel.subnetId] });
  const base = sel.networkInterfaceIds?.length ? { NetworkInterfaceIds: [...sel.networkInterfaceIds] } : { MaxResults: 1000 };
  return collectPages('ec2', 'DescribeNetworkInterfaces', async (NextToken) => {
    const out = await ec2.call('DescribeNetworkInterfaces', 'read', (c) =>
      c.send(new DescribeNetworkInterfacesCommand({ ...base, ...(Filters.length ? { Filters } : {}), NextToken })),
    );
    return { items: out.NetworkInterfaces, next: out.NextToken };
  });
}

/** The addresses and groups of one interface, in the form the workflows use. */
export interface InterfaceFacts {
  readonly networkInterfaceId: string;
  readonly subnetId?: string;
  readonly vpcId?: string;
  readonly groupIds: string[];
  readonly ipv4: string[];
  readonly ipv6: string[];
}

export function interfaceFacts(eni: NetworkInterface): InterfaceFacts {
  return {
    networkInterfaceId: eni.NetworkInterfaceId ?? '',
    ...(eni.SubnetId ? { subnetId: eni.SubnetId } : {}),
    ...(eni.VpcId ? { vpcId: eni.VpcId } : {}),
    groupIds: (eni.Groups ?? []).map((g) => g.GroupId!).filter(Boolean),
    ipv4: (eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!).filter(Boolean),
    ipv6: (eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address!).filter(Boolean),
  };
}

/** The interfaces of instances (DescribeInstances' view, which carries the per-ENI groups and addresses). */
export function instanceInterfaces(instance: Instance): InterfaceFacts[] {
  return (instance.NetworkInterfaces ?? []).map((n) => ({
    networkInterfaceId: n.NetworkInterfaceId ?? '',
    ...(n.SubnetId ? { subnetId: n.SubnetId } : {}),
    ...(n.VpcId ? { vpcId: n.VpcId } : {}),
    groupIds: (n.Groups ?? []).map((g) => g.GroupId!).filter(Boolean),
    ipv4: (n.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!).filter(Boolean),
    ipv6: (n.Ipv6Addresses ?? []).map((a) => a.Ipv6Address!).filter(Boolean),
  }));
}

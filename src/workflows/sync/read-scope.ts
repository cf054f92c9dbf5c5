/**
 * Reads the scope of a sync from AWS: for every configured account and region, the configured VPCs' route
 * tables, subnets, instances, security groups and the prefix lists they use, then decides with ./scope.ts.
 * Reads only.
 */
import type { Policy } from '../../model/index.js';
import { InputError } from '../../model/index.js';
import { exportSecurityGroups } from '../../platforms/aws-sg/client.js';
import { parseSecurityGroups } from '../../platforms/aws-sg/parse.js';
import { describeInstances } from '../../platforms/aws/instances.js';
import { readPrefixLists } from '../../platforms/aws/prefix-lists.js';
import { describeRouteTables } from '../../platforms/aws/route-tables.js';
import type { AwsSession } from '../../platforms/aws/session.js';
import { describeSubnets, describeVpcs, vpcCidrs } from '../../platforms/aws/vpcs.js';
import type { SyncConfig } from './config.js';
import { groupsInScope, internetRules, subnetsBehindFirewall, type FirewallTarget, type SkippedPeer } from './scope.js';

/** A security group the firewall has to speak for. */
export interface ScopedGroup {
  readonly groupId: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly vpcId: string;
  /** The group's rules that concern internet traffic (./scope.ts). */
  readonly policy: Policy;
  /** Active private addresses carrying the group, sorted. */
  readonly addresses: readonly string[];
}

export interface SyncScope {
  /** Sorted by group id. */
  readonly groups: readonly ScopedGroup[];
  readonly skipped: readonly SkippedPeer[];
}

/** One identity to read with: the caller's own account, or a member account through its role. */
export interface ScopeAccount {
  readonly id?: string;
  readonly session: AwsSession;
}

/**
 * Reads every configured VPC in every account and region.
 * @throws InputError when a configured VPC or its firewall instance is found nowhere: reconciling without it would
 *   remove every rule of that VPC.
 */
export async function readScope(config: SyncConfig, accounts: readonly ScopeAccount[]): Promise<SyncScope> {
  const wanted = config.aws.firewallInstances;
  const found = new Set<string>();
  const groups: ScopedGroup[] = [];
  const skipped: SkippedPeer[] = [];
  const reads = accounts.flatMap((account) => config.aws.regions.map((region) => ({ account, region })));
  const results = await Promise.all(
    reads.map(async ({ account, region }) => {
      const ec2 = account.session.ec2(region);
      const vpcs = (await describeVpcs(ec2)).filter((v) => v.VpcId && v.VpcId in wanted);
      return Promise.all(
        vpcs.map(async (vpc) => {
          const vpcId = vpc.VpcId!;
          const instanceId = wanted[vpcId]!;
          const [instances, subnets, tables] = await Promise.all([
            describeInstances(ec2, { vpcId }),
            describeSubnets(ec2, { vpcId }),
            describeRouteTables(ec2, { vpcId }),
          ]);
          const firewall = instances.find((i) => i.InstanceId === instanceId);
          if (!firewall) {
            throw new InputError(
              { file: config.file, object: `key aws.firewall-instances.${vpcId}` },
              `firewall instance ${instanceId} not found in ${vpcId} (${region}${account.id ? `, account ${account.id}` : ''})`,
            );
          }
          const fw: FirewallTarget = {
            instanceId,
            interfaceIds: new Set((firewall.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId!).filter(Boolean)),
          };
          const behind = subnetsBehindFirewall(
            tables,
            subnets.filter((s) => s.SubnetId).map((s) => ({ subnetId: s.SubnetId!, vpcId })),
            fw,
          );
          const members = groupsInScope(instances, behind, fw);
          if (members.length === 0) return { vpcId, groups: [] as ScopedGroup[], skipped: [] as SkippedPeer[] };
          const doc = await exportSecurityGroups(ec2, { groupIds: members.map((m) => m.groupId) });
          const policies = parseSecurityGroups(doc, `aws:${region}`);
          const listIds = [
            ...new Set(policies.flatMap((p) => p.rules.flatMap((r) => (r.peer.kind === 'list' ? r.peer.items : [])).flatMap((i) => (i.kind === 'prefix-list' ? [i.id] : [])))),
          ];
          const lists = listIds.length > 0 ? await readPrefixLists(ec2, listIds) : [];
          const entries = new Map(lists.map((l) => [l.id, l.entries.map((e) => e.cidr)]));
          const { ipv4, ipv6 } = vpcCidrs(vpc);
          const out: ScopedGroup[] = [];
          const left: SkippedPeer[] = [];
          for (const m of members) {
            const policy = policies.find((p) => p.meta?.id === m.groupId);
            if (!policy) continue; // deleted between the two reads: the next run sees the instance without it
            const { rules, skipped: s } = internetRules(policy, [...ipv4, ...ipv6], entries);
            left.push(...s);
            out.push({
              groupId: m.groupId,
              name: policy.name,
              account: policy.meta?.account ?? account.id ?? '',
              region,
              vpcId,
              policy: { ...policy, rules },
              addresses: m.addresses,
            });
          }
          return { vpcId, groups: out, skipped: left };
        }),
      );
    }),
  );
  for (const perVpc of results.flat()) {
    found.add(perVpc.vpcId);
    groups.push(...perVpc.groups);
    skipped.push(...perVpc.skipped);
  }
  const missing = Object.keys(wanted).filter((v) => !found.has(v));
  if (missing.length > 0) {
    throw new InputError(
      { file: config.file, object: `key aws.firewall-instances.${missing[0]}` },
      `VPC ${missing[0]} not found in ${config.aws.regions.join(', ')} of the configured account${accounts.length === 1 ? '' : 's'}`,
    );
  }
  groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  return { groups, skipped };
}

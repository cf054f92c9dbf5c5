/**
 * Rule descriptions of existing rules: UpdateSecurityGroupRuleDescriptionsIngress/Egress, one call per group and
 * direction. The permissions name existing rules (protocol, ports, target) with their new descriptions; AWS
 * changes nothing else. API I/O only.
 */
import {
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { Direction } from '../../model/index.js';
import type { Ec2Handle } from '../aws/session.js';
import { wirePermissions } from './client.js';

export async function updateRuleDescriptions(
  ec2: Ec2Handle,
  groupId: string,
  direction: Direction,
  permissions: readonly IpPermission[],
): Promise<void> {
  const IpPermissions = wirePermissions(permissions);
  if (IpPermissions.length === 0) return;
  const input = { GroupId: groupId, IpPermissions };
  switch (direction) {
    case 'ingress':
      await ec2.call('UpdateSecurityGroupRuleDescriptionsIngress', 'write', (c) => c.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand(input)));
      return;
    case 'egress':
      await ec2.call('UpdateSecurityGroupRuleDescriptionsEgress', 'write', (c) => c.send(new UpdateSecurityGroupRuleDescriptionsEgressCommand(input)));
      return;
    default: {
      const never: never = direction;
      throw new Error(`unknown direction ${String(never)}`);
    }
  }
}

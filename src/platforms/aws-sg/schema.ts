/**
 * The shape of `aws ec2 describe-security-groups` output (the SDK's PascalCase shape). Only what ruleport
 * reads is declared; unknown fields are accepted and ignored. Values are checked for meaning (CIDRs, port
 * ranges, protocols) by the parser, which can name the rule.
 */
import { z } from 'zod';

const text = z.string();
const portValue = z.union([z.number(), z.string()]);

export const ipRangeSchema = z.object({ CidrIp: text, Description: text.optional() });
export const ipv6RangeSchema = z.object({ CidrIpv6: text, Description: text.optional() });
export const prefixListIdSchema = z.object({ PrefixListId: text, Description: text.optional() });
export const userIdGroupPairSchema = z.object({
  GroupId: text.optional(),
  GroupName: text.optional(),
  UserId: text.optional(),
  VpcId: text.optional(),
  VpcPeeringConnectionId: text.optional(),
  PeeringStatus: text.optional(),
  Description: text.optional(),
});

export const ipPermissionSchema = z.object({
  IpProtocol: z.union([text, z.number()]),
  FromPort: portValue.optional(),
  ToPort: portValue.optional(),
  IpRanges: z.array(ipRangeSchema).optional(),
  Ipv6Ranges: z.array(ipv6RangeSchema).optional(),
  PrefixListIds: z.array(prefixListIdSchema).optional(),
  UserIdGroupPairs: z.array(userIdGroupPairSchema).optional(),
});

export const securityGroupSchema = z.object({
  GroupId: text.min(1),
  GroupName: text,
  Description: text.optional(),
  OwnerId: text.optional(),
  VpcId: text.optional(),
  IpPermissions: z.array(ipPermissionSchema).optional(),
  IpPermissionsEgress: z.array(ipPermissionSchema).optional(),
  Tags: z.array(z.object({ Key: text, Value: text.optional() })).optional(),
});

export type IpPermissionDoc = z.infer<typeof ipPermissionSchema>;
export type SecurityGroupDoc = z.infer<typeof securityGroupSchema>;

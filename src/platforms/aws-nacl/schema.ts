/**
 * The shape of `aws ec2 describe-network-acls` output (the SDK's PascalCase shape). Only what ruleport reads
 * is declared; unknown fields are accepted and ignored. Meaning (rule numbers, CIDRs, ports) is checked by
 * the parser, which can name the entry.
 */
import { z } from 'zod';

const text = z.string();
const intValue = z.union([z.number(), z.string()]);

export const networkAclEntrySchema = z.object({
  RuleNumber: intValue,
  Protocol: z.union([text, z.number()]),
  RuleAction: text,
  Egress: z.boolean(),
  CidrBlock: text.optional(),
  Ipv6CidrBlock: text.optional(),
  PortRange: z.object({ From: intValue.optional(), To: intValue.optional() }).optional(),
  IcmpTypeCode: z.object({ Type: intValue.optional(), Code: intValue.optional() }).optional(),
});

export const networkAclAssociationSchema = z.object({
  NetworkAclAssociationId: text.optional(),
  NetworkAclId: text.optional(),
  SubnetId: text.optional(),
});

export const networkAclSchema = z.object({
  NetworkAclId: text.min(1),
  VpcId: text.optional(),
  IsDefault: z.boolean().optional(),
  OwnerId: text.optional(),
  Entries: z.array(networkAclEntrySchema).optional(),
  Associations: z.array(networkAclAssociationSchema).optional(),
  Tags: z.array(z.object({ Key: text, Value: text.optional() })).optional(),
});

export type NetworkAclEntryDoc = z.infer<typeof networkAclEntrySchema>;
export type NetworkAclDoc = z.infer<typeof networkAclSchema>;

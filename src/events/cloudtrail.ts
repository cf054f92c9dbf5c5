/**
 * CloudTrail records that can change what the firewall must allow. Pure.
 *
 * A record is a hint, not the truth: sync re-reads AWS on every run, so a record only has to say "something in
 * scope may have changed". Records of failed calls (`errorCode`) change nothing and are ignored; so are records of
 * other calls. Records are identified by `eventID` (CloudTrail delivers duplicates).
 */
import { z } from 'zod';

/** API calls that change instances, their groups, group rules, routes or prefix lists. */
export const SYNC_EVENT_NAMES: ReadonlySet<string> = new Set([
  'RunInstances',
  'StartInstances',
  'StopInstances',
  'TerminateInstances',
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
  'ModifyNetworkInterfaceAttribute',
  'ModifyInstanceAttribute',
  'CreateRoute',
  'ReplaceRoute',
  'DeleteRoute',
  'CreateRouteTable',
  'DeleteRouteTable',
  'AssociateRouteTable',
  'DisassociateRouteTable',
  'ReplaceRouteTableAssociation',
  'ModifyManagedPrefixList',
]);

/** The fields of a CloudTrail record sync reads; everything else passes through untouched. */
export const cloudTrailRecordSchema = z.looseObject({
  eventID: z.string().min(1),
  eventName: z.string().min(1),
  eventSource: z.string().optional(),
  eventTime: z.string().optional(),
  awsRegion: z.string().optional(),
  recipientAccountId: z.string().optional(),
  errorCode: z.string().optional(),
  requestParameters: z.unknown().optional(),
});

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;

/** Why a record starts no run. */
export type IgnoreReason = 'failed call' | 'other call' | 'not EC2' | 'groups unchanged' | 'malformed';

/** Whether a record is a trigger, and if not, why not. */
export function judgeRecord(raw: unknown): { record?: CloudTrailRecord; ignored?: IgnoreReason } {
  const parsed = cloudTrailRecordSchema.safeParse(raw);
  if (!parsed.success) return { ignored: 'malformed' };
  const r = parsed.data;
  if (r.eventSource !== undefined && r.eventSource !== 'ec2.amazonaws.com') return { record: r, ignored: 'not EC2' };
  if (!SYNC_EVENT_NAMES.has(r.eventName)) return { record: r, ignored: 'other call' };
  if (r.errorCode !== undefined) return { record: r, ignored: 'failed call' };
  // ModifyInstanceAttribute changes many things; only a new group set concerns the firewall.
  if (r.eventName === 'ModifyInstanceAttribute' && !hasGroupSet(r.requestParameters)) return { record: r, ignored: 'groups unchanged' };
  return { record: r };
}

function hasGroupSet(params: unknown): boolean {
  return !!params && typeof params === 'object' && 'groupSet' in params;
}

/**
 * The security group migration planner on hand-written DescribeSecurityGroups input: the quota is checked on the
 * largest state a copy passes through during the apply — after the automatic egress rule is revoked (first) and the
 * missing rules are added, before --prune removes anything (last).
 */
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/model/index.js';
import { planSgMigration, type SgPlanInput } from '../../../src/workflows/migrate-sg-plan.js';

const src = { account: '111111111111', region: 'us-east-1' };
const dst = { account: '222222222222', region: 'eu-west-1', vpcId: 'vpc-0dst0000000000000' };
const ALL_OUT = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
/** 58 IPv4 ingress rules: tcp 443 from 10.0.0.0/24 … 10.0.57.0/24. */
const https = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: Array.from({ length: 58 }, (_, i) => ({ CidrIp: `10.0.${i}.0/24` })) };

const SOURCE: SecurityGroup = { GroupId: 'sg-0src0000000000000', GroupName: 'web', Description: 'web', VpcId: 'vpc-0src0000000000000', OwnerId: src.account, IpPermissions: [https], IpPermissionsEgress: ALL_OUT };
const DEFAULT: SecurityGroup = { GroupId: 'sg-0def0000000000000', GroupName: 'default', Description: 'default', VpcId: dst.vpcId, OwnerId: dst.account, IpPermissions: [], IpPermissionsEgress: ALL_OUT };
/** ruleport's copy from an earlier run: 55 of the source's rules, and 3 the source no longer has (ssh from 192.0.2.1-3). */
const COPY: SecurityGroup = {
  GroupId: 'sg-0cop0000000000000',
  GroupName: 'web',
  Description: 'web',
  VpcId: dst.vpcId,
  OwnerId: dst.account,
  Tags: [{ Key: 'ruleport:source', Value: `${src.account}/${src.region}/${SOURCE.GroupId}` }],
  IpPermissions: [
    { ...https, IpRanges: https.IpRanges.slice(0, 55) },
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [1, 2, 3].map((i) => ({ CidrIp: `192.0.2.${i}/32` })) },
  ],
  IpPermissionsEgress: ALL_OUT,
};

const input = (over: Partial<SgPlanInput>): SgPlanInput => ({
  src,
  dst,
  groups: [SOURCE],
  defaults: new Set(),
  unresolved: new Map(),
  prefixLists: new Map(),
  destinationGroups: [DEFAULT, COPY],
  prune: false,
  dropUnresolved: false,
  includeReferenced: false,
  ...over,
});

const QUOTA = 'web (copy of sg-0src0000000000000): 61 ingress IPv4 rules exceed the quota of 60 per group';

describe('planSgMigration quota', () => {
  it('counts the rules a copy keeps without --prune: 58 + 3 = 61 IPv4 ingress rules are refused', () => {
    expect(() => planSgMigration(input({}))).toThrow(UnsupportedError);
    expect(() => planSgMigration(input({}))).toThrow(QUOTA);
  });

  it('counts them with --prune too: the 3 missing rules are added before the 3 extra ones go', () => {
    expect(() => planSgMigration(input({ prune: true }))).toThrow(QUOTA);
  });

  it('a new copy of a group with 60 egress rules and no allow-all fits: the automatic rule is revoked first', () => {
    const outbound: SecurityGroup = {
      ...SOURCE,
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: Array.from({ length: 60 }, (_, i) => ({ CidrIp: `10.1.${i}.0/24` })) }],
    };
    const { plan } = planSgMigration(input({ groups: [outbound], destinationGroups: [DEFAULT] }));
    expect(plan.changes.map((c) => `${c.kind} ${c.object}`)).toEqual([
      'create security group web (new copy of sg-0src0000000000000)',
      'delete automatic allow-all egress rule of web (new copy of sg-0src0000000000000)',
      'create egress rules of web (new copy of sg-0src0000000000000)',
    ]);
    const revoke = plan.changes[1]!;
    expect(revoke.kind === 'delete' && revoke.before).toEqual({ kind: 'rules', group: 'new:sg-0src0000000000000', direction: 'egress', permissions: ALL_OUT, automatic: true });
  });
});

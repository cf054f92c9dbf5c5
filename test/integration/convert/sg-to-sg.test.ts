/**
 * `ruleport convert sgs.json --to aws:REGION --vpc …`: a describe-security-groups file written as live groups. Its
 * references are kept as they are, so one to a group of the target account that does not exist there must stop the
 * run before anything is created (AWS would refuse the rule only after the new group exists).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { convertFixture, groupsOf, REGION, sgRules, url, type ConvertFixture } from './world.js';

/** moto's account: the owner of every group it holds. */
const ACCOUNT = '123456789012';
const MISSING = 'sg-0123456789abcdef0';

describe.skipIf(!url)('convert security groups (file) → live security groups', () => {
  const f: ConvertFixture = convertFixture({});
  let ec2: Ec2Handle;
  let vpc: string;
  let app: string;
  beforeEach(() => {
    ({ ec2, vpc, app } = f);
  });

  /** A describe-security-groups file holding one group `web`: 443 from anywhere, 8080 from `peer` (same account). */
  const sourceFile = (peer: string): string => {
    const file = join(f.dir(), `sgs-${peer}.json`);
    const group = {
      GroupId: 'sg-0a1b2c3d4e5f60001',
      GroupName: 'web',
      Description: 'web tier',
      OwnerId: ACCOUNT,
      VpcId: 'vpc-0123456789abcdef0',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: peer, UserId: ACCOUNT }] },
      ],
      IpPermissionsEgress: [],
    };
    writeFileSync(file, JSON.stringify({ SecurityGroups: [group] }));
    return file;
  };
  const names = async (): Promise<string[]> => (await groupsOf(ec2, vpc)).map((g) => g.GroupName!).sort();

  it('refuses a reference to a group missing from the target region before creating anything', async () => {
    const r = await f.world.ruleport('convert', sourceFile(MISSING), '--to', `aws:${REGION}`, '--vpc', vpc, '--dest', 'copy-web');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ruleport: policy web: refers to a security group that does not exist in ${REGION} (${MISSING})`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await names()).toEqual(['app', 'default']);
  });

  it('keeps a reference to a group that exists there', async () => {
    const r = await f.world.ruleport('convert', sourceFile(app), '--to', `aws:${REGION}`, '--vpc', vpc, '--dest', 'copy-web');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = (await groupsOf(ec2, vpc)).find((g) => g.GroupName === 'copy-web')!.GroupId!;
    expect(await sgRules(ec2, id)).toEqual([`ingress tcp 443-443 0.0.0.0/0`, `ingress tcp 8080-8080 ${app}`].sort());
  });
});

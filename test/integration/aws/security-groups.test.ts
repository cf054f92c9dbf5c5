/** Security group reads and writes against moto: every call, two regions, two accounts, a reference cycle. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANY, BOTH_DIRECTIONS, InputError, RemoteError, type AddressItem, type Policy, type Protocol, type Rule } from '../../../src/model/index.js';
import type { AwsSession, Ec2Handle } from '../../../src/platforms/aws/session.js';
import {
  authorizePermissions,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroupRules,
  describeSecurityGroups,
  exportSecurityGroups,
  readSecurityGroups,
  revokePermissions,
  revokeRules,
} from '../../../src/platforms/aws-sg/client.js';
import { awsSgFormat } from '../../../src/platforms/aws-sg/index.js';
import { renderSecurityGroup } from '../../../src/platforms/aws-sg/render.js';
import { DEFAULT_ACCOUNT, motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { ruleSet } from '../../unit/aws-test-rules.js';
import { failure } from './failure.js';
import { createPrefixList, createVpc } from './world.js';

const url = motoUrlForWorker();
const OTHER_ACCOUNT = '111111111111';

const v4 = (cidr: string): AddressItem => ({ kind: 'cidr', cidr, version: 4 });
const v6 = (cidr: string): AddressItem => ({ kind: 'cidr', cidr, version: 6 });
const group = (id: string, account = DEFAULT_ACCOUNT): AddressItem => ({ kind: 'group', ref: `${id}@${account}` });
const tcp = (port: number): Protocol => ({ kind: 'tcp', ports: [{ from: port, to: port }] });

function allow(direction: Rule['direction'], protocol: Protocol, item: AddressItem, description?: string): Rule {
  return {
    direction,
    action: 'allow',
    protocol,
    peer: { kind: 'list', items: [item] },
    local: ANY,
    ...(description ? { description } : {}),
    origin: { platform: 'aws-sg' },
  };
}

function sgPolicy(name: string, rules: Rule[]): Policy {
  return { name, platform: 'aws-sg', evaluation: 'allow-set', stateful: true, defaults: { ingress: 'deny', egress: 'deny' }, directions: BOTH_DIRECTIONS, rules };
}

/** Replaces a new group's automatic allow-all egress with exactly `policy`'s permissions. */
async function writeGroup(ec2: Ec2Handle, groupId: string, policy: Policy): Promise<void> {
  const [live] = await describeSecurityGroups(ec2, { groupIds: [groupId] });
  await revokePermissions(ec2, groupId, 'egress', live!.IpPermissionsEgress ?? []);
  const rendered = renderSecurityGroup(policy);
  await authorizePermissions(ec2, groupId, 'ingress', rendered.ingress);
  await authorizePermissions(ec2, groupId, 'egress', rendered.egress);
}

describe.skipIf(!url)('security groups on moto', () => {
  let session: AwsSession;
  let ec2: Ec2Handle;
  let vpcId: string;

  beforeEach(async () => {
    await resetMoto(url);
    session = motoSession(url);
    ec2 = session.ec2('us-east-1');
    vpcId = await createVpc(ec2, '10.0.0.0/16', true);
  });
  afterEach(() => session.destroy());

  it('creates a group with its tags in one call and finds it by id, VPC, name and tag', async () => {
    const before = session.callCount;
    const id = await createSecurityGroup(ec2, { name: 'web', description: 'web tier', vpcId, tags: { 'ruleport:source': 'sg-src1', team: 'a' } });
    expect(session.callCount - before).toBe(1);
    await createSecurityGroup(ec2, { name: 'other', description: 'untagged', vpcId });
    const byId = await describeSecurityGroups(ec2, { groupIds: [id] });
    expect(byId.map((g) => [g.GroupName, g.VpcId, g.Description])).toEqual([['web', vpcId, 'web tier']]);
    expect(byId[0]!.Tags).toEqual(expect.arrayContaining([{ Key: 'ruleport:source', Value: 'sg-src1' }, { Key: 'team', Value: 'a' }]));
    expect((await describeSecurityGroups(ec2, { vpcId })).map((g) => g.GroupName).sort()).toEqual(['default', 'other', 'web']);
    expect((await describeSecurityGroups(ec2, { vpcId, groupNames: ['web'] })).map((g) => g.GroupId)).toEqual([id]);
    expect((await describeSecurityGroups(ec2, { tags: { 'ruleport:source': 'sg-src1' } })).map((g) => g.GroupId)).toEqual([id]);
    expect((await describeSecurityGroups(ec2, { tags: { 'ruleport:source': '*' } })).map((g) => g.GroupId)).toEqual([id]);
  });

  it('writes every kind of permission (one call per direction) and export → parse gives back the same policy', async () => {
    const web = await createSecurityGroup(ec2, { name: 'web', description: 'web', vpcId });
    const app = await createSecurityGroup(ec2, { name: 'app', description: 'app', vpcId });
    const db = await createSecurityGroup(ec2, { name: 'db', description: 'db', vpcId });
    const pl = await createPrefixList(ec2, 'admin-vpn', ['192.0.2.0/24']);
    const policies: Record<string, Policy> = {
      [web]: sgPolicy('web', [
        allow('ingress', tcp(443), v4('0.0.0.0/0'), 'HTTPS'),
        allow('ingress', tcp(443), v6('::/0'), 'HTTPS v6'),
        // moto drops the descriptions of prefix-list targets (AWS keeps them), so this one has none.
        allow('ingress', tcp(22), { kind: 'prefix-list', id: pl }),
        allow('ingress', { kind: 'icmp', icmp: { type: 8 } }, v4('10.0.0.0/16')),
        allow('ingress', { kind: 'icmp', icmp: { type: 3, code: 4 } }, v4('10.0.0.0/8')),
        allow('ingress', { kind: 'icmpv6', icmp: {} }, v6('2001:db8::/32')),
        allow('ingress', { kind: 'any' }, v4('10.9.0.0/16'), 'everything from the tools VPC'),
        allow('ingress', { kind: 'number', number: 50 }, v4('198.51.100.7/32'), 'IPsec'),
        allow('egress', tcp(8080), group(app), 'to app'),
      ]),
      // app and db reference each other: a cycle, created groups-first then rules.
      [app]: sgPolicy('app', [
        allow('ingress', tcp(8080), group(web)),
        allow('ingress', tcp(9090), group(db), 'callbacks'),
        allow('egress', tcp(5432), group(db)),
        allow('egress', { kind: 'udp', ports: [{ from: 53, to: 53 }] }, v4('10.0.0.2/32')),
      ]),
      [db]: sgPolicy('db', [allow('ingress', tcp(5432), group(app)), allow('egress', tcp(9090), group(app))]),
    };
    for (const [id, policy] of Object.entries(policies)) {
      const before = session.callCount;
      await writeGroup(ec2, id, policy);
      // describe + revoke default egress + one authorize per direction
      expect(session.callCount - before).toBe(4);
    }

    const doc = await exportSecurityGroups(ec2, { groupIds: [web, app, db] });
    // Through text, as `ruleport export > file.json` and a later `ruleport show file.json` would.
    const text = JSON.stringify(doc, null, 2);
    const reread: unknown = JSON.parse(text);
    expect(awsSgFormat.detect(reread, text)).toBe(true);
    const parsed = awsSgFormat.parse(reread, text, 'export.json');
    expect(parsed).toHaveLength(3);
    for (const p of parsed) {
      expect(p.meta).toMatchObject({ vpc: vpcId, account: DEFAULT_ACCOUNT });
      expect(ruleSet(p.rules)).toEqual(ruleSet(policies[p.meta!.id!]!.rules));
    }
  });

  it('reads rule ids and tags, and revokes by rule id and by permission', async () => {
    const id = await createSecurityGroup(ec2, { name: 'g', description: 'g', vpcId });
    const created = await authorizePermissions(
      ec2,
      id,
      'ingress',
      renderSecurityGroup(sgPolicy('g', [allow('ingress', tcp(22), v4('10.0.0.0/8')), allow('ingress', tcp(443), v6('::/0'))])).ingress,
      { 'ruleport:source': 'sg-src' },
    );
    expect(created.length).toBeGreaterThanOrEqual(1);
    const [live] = await readSecurityGroups(ec2, { groupIds: [id] });
    const ingress = live!.rules.filter((r) => !r.IsEgress);
    expect(ingress.map((r) => r.CidrIpv4 ?? r.CidrIpv6).sort()).toEqual(['10.0.0.0/8', '::/0']);
    expect(ingress.every((r) => r.SecurityGroupRuleId?.startsWith('sgr-'))).toBe(true);
    expect(ingress[0]!.Tags).toEqual([{ Key: 'ruleport:source', Value: 'sg-src' }]);
    expect((await describeSecurityGroupRules(ec2, { ruleIds: [ingress[0]!.SecurityGroupRuleId!] })).map((r) => r.SecurityGroupRuleId)).toEqual([
      ingress[0]!.SecurityGroupRuleId,
    ]);

    const ssh = ingress.find((r) => r.CidrIpv4 === '10.0.0.0/8')!;
    await revokeRules(ec2, id, 'ingress', [ssh.SecurityGroupRuleId!]);
    await revokePermissions(ec2, id, 'ingress', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]);
    const [after] = await describeSecurityGroups(ec2, { groupIds: [id] });
    expect(after!.IpPermissions ?? []).toEqual([]);
    // The automatic allow-all egress rule is still there until revoked.
    expect(after!.IpPermissionsEgress?.[0]?.IpProtocol).toBe('-1');
  });

  it('deletes a group', async () => {
    const id = await createSecurityGroup(ec2, { name: 'tmp', description: 'tmp', vpcId });
    await deleteSecurityGroup(ec2, id);
    expect((await describeSecurityGroups(ec2, { vpcId })).map((g) => g.GroupName)).toEqual(['default']);
  });

  it('keeps regions apart', async () => {
    const eu = session.ec2('eu-west-1');
    const euVpc = await createVpc(eu, '10.1.0.0/16');
    const a = await createSecurityGroup(ec2, { name: 'same-name', description: 'us', vpcId });
    const b = await createSecurityGroup(eu, { name: 'same-name', description: 'eu', vpcId: euVpc });
    expect((await describeSecurityGroups(ec2, { groupNames: ['same-name'] })).map((g) => g.GroupId)).toEqual([a]);
    expect((await describeSecurityGroups(eu, { groupNames: ['same-name'] })).map((g) => g.GroupId)).toEqual([b]);
    await expect(describeSecurityGroups(eu, { groupIds: [a] })).rejects.toThrowError(InputError);
  });

  it('keeps accounts apart (AssumeRole into another account id)', async () => {
    const other = motoSession(url, { accountId: OTHER_ACCOUNT });
    try {
      const oec2 = other.ec2('us-east-1');
      const otherVpc = await createVpc(oec2, '10.2.0.0/16');
      const partner = await createSecurityGroup(oec2, { name: 'partner', description: 'partner', vpcId: otherVpc });
      const [partnerPolicy] = awsSgFormat.parse(await exportSecurityGroups(oec2, { groupIds: [partner] }), '', 'x');
      expect(partnerPolicy!.meta).toMatchObject({ id: partner, account: OTHER_ACCOUNT, vpc: otherVpc });
      await expect(describeSecurityGroups(ec2, { groupIds: [partner] })).rejects.toThrowError(InputError);
      expect((await describeSecurityGroups(ec2, { groupNames: ['partner'] })).length).toBe(0);
      // A reference to a group of another account (over VPC peering) cannot be written to moto, which looks the
      // group up in the caller's account; its parsing is covered by the golden fixtures (`partner proxy`).
    } finally {
      other.destroy();
    }
  });

  it('answers bad ids with one clear line: InputError for reads, RemoteError for writes', async () => {
    const unknown = describeSecurityGroups(ec2, { groupIds: ['sg-0123456789abcdef0'] });
    await expect(unknown).rejects.toThrowError(InputError);
    await expect(unknown).rejects.toThrowError(/^ec2 DescribeSecurityGroups \(us-east-1\): InvalidGroup\.NotFound: .*sg-0123456789abcdef0.* does not exist$/);
    const write = authorizePermissions(ec2, 'sg-0123456789abcdef0', 'ingress', [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]);
    await expect(write).rejects.toThrowError(RemoteError);
    await expect(write).rejects.toThrowError(/^ec2 AuthorizeSecurityGroupIngress \(us-east-1\): InvalidGroup\.NotFound: /);
    const id = await createSecurityGroup(ec2, { name: 'dup', description: 'd', vpcId });
    const perm = [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }];
    await authorizePermissions(ec2, id, 'ingress', perm);
    await expect(authorizePermissions(ec2, id, 'ingress', perm)).rejects.toThrowError(/InvalidPermission\.Duplicate/);
    for (const p of [unknown, write]) {
      const e = await failure(p);
      expect(e.message).not.toContain('\n');
    }
  });
});

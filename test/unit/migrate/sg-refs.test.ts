/**
 * Following the references of the selected groups: the closure, default groups, and what stays unresolved — on
 * hand-written DescribeSecurityGroups input.
 */
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { closeReferences, unresolvedMessage } from '../../../src/workflows/migrate-sg-refs.js';

const ACCOUNT = '111111111111';
const refs = (...ids: string[]): IpPermission[] => [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: ids.map((GroupId) => ({ GroupId, UserId: ACCOUNT })) }];
const group = (GroupId: string, GroupName: string, VpcId: string, ingress: IpPermission[] = []): SecurityGroup => ({ GroupId, GroupName, VpcId, OwnerId: ACCOUNT, IpPermissions: ingress });

const def1 = group('sg-0def1000000000000', 'default', 'vpc-1');
const def2 = group('sg-0def2000000000000', 'default', 'vpc-2'); // a peered VPC's default group
const app = group('sg-0app0000000000000', 'app', 'vpc-1', refs('sg-0db00000000000000'));
const db = group('sg-0db00000000000000', 'db', 'vpc-1', refs('sg-0app0000000000000', 'sg-0def1000000000000'));
const web = group('sg-0web0000000000000', 'web', 'vpc-1', [
  ...refs('sg-0app0000000000000', 'sg-0def1000000000000', 'sg-0def2000000000000'),
  { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-0ext0000000000000', UserId: '999999999999' }] },
]);
const all = [def1, def2, app, db, web];
const lookup = async (ids: readonly string[]) => all.filter((g) => ids.includes(g.GroupId!));

describe('closeReferences', () => {
  it("maps the selection's own VPC default, and names another VPC's default, unselected and foreign groups", async () => {
    const c = await closeReferences([web], ACCOUNT, lookup, false);
    expect(c.groups.map((g) => g.GroupId)).toEqual([web.GroupId]);
    expect([...c.defaults]).toEqual([def1.GroupId]);
    expect([...c.unresolved.values()].map((u) => [u.groupId, u.reason, u.referencedBy])).toEqual([
      ['sg-0ext0000000000000', 'in account 999999999999', [web.GroupId]],
      [app.GroupId, 'not selected', [web.GroupId]],
      [def2.GroupId, 'the default group of another VPC (vpc-2)', [web.GroupId]],
    ]);
    expect(unresolvedMessage(c.unresolved, false)).toContain(`${def2.GroupId} (default) the default group of another VPC (vpc-2), referenced by ${web.GroupId}`);
  });

  it('with --include-referenced follows the cycle app ⇄ db once; the other VPC\'s default stays unresolved', async () => {
    const c = await closeReferences([web], ACCOUNT, lookup, true);
    expect(c.groups.map((g) => g.GroupId)).toEqual([web.GroupId, app.GroupId, db.GroupId]);
    expect(c.added).toEqual([app.GroupId, db.GroupId]);
    expect([...c.defaults]).toEqual([def1.GroupId]);
    expect([...c.unresolved.keys()].sort()).toEqual([def2.GroupId, 'sg-0ext0000000000000'].sort());
  });
});

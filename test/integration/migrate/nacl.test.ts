/** `ruleport migrate nacl` against moto: two accounts (AssumeRole), two regions, associations by CIDR and by map. */
import { join } from 'node:path';
import type { NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { ec2For, resetMoto } from '../../harness/moto.js';
import { CROSS, DST_ACCOUNT, DST_REGION, SRC_ACCOUNT, SRC_REGION, aclsOf, buildNaclWorld, cli, cliEnvironment, url, type NaclWorld } from './world.js';

/** `ingress 100 allow 6 0.0.0.0/0 22-443` */
function entryLine(e: NetworkAclEntry): string {
  const ports = e.PortRange ? ` ${e.PortRange.From}-${e.PortRange.To}` : '';
  const icmp = e.IcmpTypeCode ? ` icmp ${e.IcmpTypeCode.Type}/${e.IcmpTypeCode.Code}` : '';
  return `${e.Egress ? 'egress' : 'ingress'} ${e.RuleNumber} ${e.RuleAction} ${e.Protocol} ${e.CidrBlock ?? e.Ipv6CidrBlock}${ports}${icmp}`;
}

/**
 * What the source holds as moto reports it. moto keeps no ICMP type/code on NACL entries (it answers them as all of
 * ICMP), so the ICMP entries read back as `allow 1`/`allow 58`; the planner's handling of type/code is covered by
 * test/unit/migrate/nacl-plan.test.ts.
 */
const SOURCE_ENTRIES = [
  'ingress 90 deny 6 203.0.113.0/24 22-22',
  'ingress 100 allow 6 0.0.0.0/0 22-443',
  'ingress 110 allow 6 ::/0 443-443',
  'ingress 120 allow 1 10.0.0.0/8',
  'ingress 130 allow 58 ::/0',
  'ingress 140 allow 17 0.0.0.0/0 1024-65535',
  'egress 100 allow -1 0.0.0.0/0',
  'egress 101 allow -1 ::/0',
  'egress 200 allow 47 192.0.2.0/24',
].sort();

describe.skipIf(!url)('migrate nacl across accounts and regions', () => {
  const env = cliEnvironment();
  let src: Ec2Handle;
  let dst: Ec2Handle;
  let w: NaclWorld;
  const migrate = (...extra: string[]) => cli('migrate', 'nacl', ...CROSS, '--dst-vpc', w.dstVpc, '--journal', join(env.dir(), 'journal.jsonl'), ...extra);
  const copyOf = (acls: NetworkAcl[]) => acls.filter((a) => a.Tags?.some((t) => t.Key === 'ruleport:source'));
  const aclOfSubnet = (acls: NetworkAcl[], subnet: string) => acls.find((a) => a.Associations?.some((s) => s.SubnetId === subnet))?.NetworkAclId;

  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    await resetMoto(url);
    src = ec2For(url, SRC_REGION, SRC_ACCOUNT);
    dst = ec2For(url, DST_REGION, DST_ACCOUNT);
    w = await buildNaclWorld(src, dst);
  });

  it('copies both directions with their rule numbers and moves the subnets with the same CIDRs', async () => {
    const r = await migrate('--nacl', w.acl, '--associate-by', 'cidr', '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const acls = await aclsOf(dst, w.dstVpc);
    const [copy, ...more] = copyOf(acls);
    expect(more).toHaveLength(0);
    expect(copy!.OwnerId).toBe(DST_ACCOUNT);
    expect(Object.fromEntries(copy!.Tags!.map((t) => [t.Key, t.Value]))).toEqual({ Name: 'edge', env: 'prod', 'ruleport:source': `${SRC_ACCOUNT}/${SRC_REGION}/${w.acl}` });
    expect((copy!.Entries ?? []).map(entryLine).sort()).toEqual(SOURCE_ENTRIES);
    const defaultAcl = acls.find((a) => a.IsDefault)!.NetworkAclId;
    expect(aclOfSubnet(acls, w.dstSubnets[0]!)).toBe(copy!.NetworkAclId);
    expect(aclOfSubnet(acls, w.dstSubnets[1]!)).toBe(copy!.NetworkAclId);
    expect(aclOfSubnet(acls, w.dstSubnets[2]!)).toBe(defaultAcl);
    expect(r.stdout).toMatch(/^equivalent {2}acl-/m);
    expect(r.stdout.match(/^associated /gm)).toHaveLength(2);

    const again = await migrate('--nacl', w.acl, '--associate-by', 'cidr', '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes');
    expect(copyOf(await aclsOf(dst, w.dstVpc))).toHaveLength(1);
  });

  it('associates by an explicit map and by Name tag, and reports subnets it leaves alone', async () => {
    await src.client.send(new CreateTagsCommand({ Resources: [w.srcSubnets[1]!], Tags: [{ Key: 'Name', Value: 'private-b' }] }));
    await dst.client.send(new CreateTagsCommand({ Resources: [w.dstSubnets[2]!], Tags: [{ Key: 'Name', Value: 'private-b' }] }));
    const r = await migrate('--tag', 'env=prod', '--associate', `${w.srcSubnets[0]}=${w.dstSubnets[1]}`, '--associate-by', 'name', '--yes');
    expect(r.code).toBe(0);
    const acls = await aclsOf(dst, w.dstVpc);
    const copy = copyOf(acls)[0]!.NetworkAclId;
    expect(aclOfSubnet(acls, w.dstSubnets[1]!)).toBe(copy);
    expect(aclOfSubnet(acls, w.dstSubnets[2]!)).toBe(copy);
    expect(aclOfSubnet(acls, w.dstSubnets[0]!)).not.toBe(copy);

    const plain = await migrate('--nacl', w.acl, '--dry-run');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('no changes');
    expect(plain.stdout).toContain(`note: subnet ${w.srcSubnets[0]}`);
    expect(plain.stdout).toContain('not associated (use --associate or --associate-by)');
  });
});

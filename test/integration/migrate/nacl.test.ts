/** `ruleport migrate nacl` against moto: two accounts (AssumeRole), two regions, associations by CIDR and by map. */
import { join } from 'node:path';
import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { CreateNetworkAclEntryCommand, CreateTagsCommand, DeleteNetworkAclEntryCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import {
  CROSS,
  SERIAL,
  DST_ACCOUNT,
  DST_REGION,
  NACL_WORLD_ENTRIES,
  SRC_ACCOUNT,
  SRC_REGION,
  aclsOf,
  buildNaclWorld,
  cli,
  cliEnvironment,
  destinationSnapshot,
  entryLine,
  freshSides,
  url,
  type NaclWorld,
} from './world.js';

describe.skipIf(!url)('migrate nacl across accounts and regions', () => {
  const env = cliEnvironment();
  let src: Ec2Handle;
  let dst: Ec2Handle;
  let w: NaclWorld;
  const migrate = (...extra: string[]) => cli('migrate', 'nacl', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--journal', join(env.dir(), 'journal.jsonl'), ...extra);
  const copyOf = (acls: NetworkAcl[]) => acls.filter((a) => a.Tags?.some((t) => t.Key === 'ruleport:source'));
  const aclOfSubnet = (acls: NetworkAcl[], subnet: string) => acls.find((a) => a.Associations?.some((s) => s.SubnetId === subnet))?.NetworkAclId;

  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    ({ src, dst } = await freshSides());
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
    expect((copy!.Entries ?? []).map(entryLine).sort()).toEqual(NACL_WORLD_ENTRIES);
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

  it('--dry-run lists the NACL, every entry with its number, and the subnet moves, and writes nothing', async () => {
    const before = await destinationSnapshot(dst, w.dstVpc);
    const r = await migrate('--nacl', w.acl, '--associate-by', 'cidr', '--dry-run');
    expect(r.code).toBe(0);
    const copy = `network ACL (new copy of ${w.acl})`;
    const lines = r.stdout.split('\n');
    for (const entry of [
      `ingress #90 of ${copy}: deny tcp 22 from 203.0.113.0/24`,
      `ingress #100 of ${copy}: allow tcp 22-443 from 0.0.0.0/0`,
      `ingress #110 of ${copy}: allow tcp 443 from ::/0`,
      `ingress #140 of ${copy}: allow udp 1024-65535 from 0.0.0.0/0`,
      `egress #100 of ${copy}: allow any to 0.0.0.0/0`,
      `egress #101 of ${copy}: allow any to ::/0`,
      `egress #200 of ${copy}: allow proto 47 to 192.0.2.0/24`,
    ]) {
      expect(lines).toContain(`  + ${entry}`);
    }
    expect(lines).toContain(`  + ${copy}`);
    expect(lines.filter((l) => l.startsWith('  + ingress #') || l.startsWith('  + egress #'))).toHaveLength(9);
    for (const [from, to] of [[w.srcSubnets[0], w.dstSubnets[0]], [w.srcSubnets[1], w.dstSubnets[1]]]) {
      expect(r.stdout).toMatch(new RegExp(`association of ${to} \\(same cidr as ${from}\\): acl-[0-9a-f]+ → new copy of ${w.acl}`));
    }
    expect(r.stdout).toContain('dry run: nothing changed');
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
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

  it('keeps an entry the source lost (and fails verification) until --prune deletes it', async () => {
    expect((await migrate('--nacl', w.acl, '--yes')).code).toBe(0);
    await src.client.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: w.acl, RuleNumber: 140, Egress: false }));
    const stale = await migrate('--nacl', w.acl, '--yes');
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/has 1 entry the source lacks \(ingress #140\): pass --prune/);
    expect(stale.stderr).toMatch(/^ruleport: verification failed: acl-[0-9a-f]+ not as the source\n$/);
    const pruned = await migrate('--nacl', w.acl, '--prune', '--yes');
    expect(pruned.code).toBe(0);
    const copy = copyOf(await aclsOf(dst, w.dstVpc))[0]!;
    expect((copy.Entries ?? []).map(entryLine).sort()).toEqual(NACL_WORLD_ENTRIES.filter((l) => !l.startsWith('ingress 140 ')));
  });

  it('--src-vpc copies every NACL of the VPC, the default one as a NACL of its own', async () => {
    const sourceDefault = (await aclsOf(src, w.srcVpc)).find((a) => a.IsDefault)!;
    const r = await migrate('--src-vpc', w.srcVpc, '--associate-by', 'cidr', '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const copies = copyOf(await aclsOf(dst, w.dstVpc));
    const sourceOf = (a: NetworkAcl) => a.Tags!.find((t) => t.Key === 'ruleport:source')!.Value;
    expect(copies.map(sourceOf).sort()).toEqual([w.acl, sourceDefault.NetworkAclId!].map((id) => `${SRC_ACCOUNT}/${SRC_REGION}/${id}`).sort());
    const copyOfDefault = copies.find((a) => sourceOf(a)!.endsWith(sourceDefault.NetworkAclId!))!;
    expect(copyOfDefault.IsDefault).toBe(false);
    const own = (a: NetworkAcl) => (a.Entries ?? []).filter((e) => e.RuleNumber! < 32767).map(entryLine).sort();
    // A default NACL allows everything in both directions (rule 100; the VPC has no IPv6 block, so no rule 101).
    expect(own(sourceDefault)).toEqual(['egress 100 allow -1 0.0.0.0/0', 'ingress 100 allow -1 0.0.0.0/0']);
    expect(own(copyOfDefault)).toEqual(own(sourceDefault));
    // The third source subnet (10.0.3.0/24, on the default NACL) has no destination subnet with its CIDR.
    expect(r.stdout).toContain(`note: subnet ${w.srcSubnets[2]} (10.0.3.0/24) of ${sourceDefault.NetworkAclId}: no destination subnet has this CIDR`);
    expect(copyOfDefault.Associations ?? []).toEqual([]);
  });

  it('catches more than 20 entries in a direction in the plan, before any write', async () => {
    for (let i = 0; i < 15; i++) {
      await src.client.send(
        new CreateNetworkAclEntryCommand({ NetworkAclId: w.acl, RuleNumber: 300 + i, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: `172.16.${i}.0/24`, PortRange: { From: 8443, To: 8443 } }),
      );
    }
    const before = await destinationSnapshot(dst, w.dstVpc);
    const r = await migrate('--nacl', w.acl, '--associate-by', 'cidr', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${w.acl}: 21 ingress entries exceed the quota of 20 per direction`);
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
  });

  it('bad input — an unknown NACL, a missing destination VPC, a bad --associate — is one clear error and writes nothing', async () => {
    const before = await destinationSnapshot(dst, w.dstVpc);
    const unknown = await migrate('--nacl', w.acl, '--nacl', 'acl-0123456789abcdef0', '--yes');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`ruleport: --nacl: unknown network ACL in ${SRC_REGION}: acl-0123456789abcdef0\n`);
    const noVpc = await cli('migrate', 'nacl', ...SERIAL, ...CROSS, '--dst-vpc', 'vpc-0123456789abcdef0', '--nacl', w.acl, '--yes', '--journal', join(env.dir(), 'j.jsonl'));
    expect(noVpc.code).toBe(2);
    expect(noVpc.stderr).toBe(`ruleport: --dst-vpc: vpc-0123456789abcdef0 does not exist in ${DST_REGION} (destination account)\n`);
    const notOnAcl = await migrate('--nacl', w.acl, '--associate', `${w.srcSubnets[2]}=${w.dstSubnets[0]}`, '--yes');
    expect(notOnAcl.code).toBe(2);
    expect(notOnAcl.stderr).toBe(`ruleport: --associate: ${w.srcSubnets[2]} is not associated with a selected network ACL\n`);
    const by = await migrate('--nacl', w.acl, '--associate-by', 'tag', '--yes');
    expect(by.code).toBe(2);
    expect(by.stderr).toBe('ruleport: --associate-by: expected cidr or name, got "tag"\n');
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
  });
});

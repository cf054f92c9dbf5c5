/**
 * What the destination must hold after migrating the security group world of world.ts, written out by hand:
 * the three copies with their tags, every rule with its references resolved to the copies, the destination
 * default group and the destination region's S3 list, and the copied `office` prefix list.
 */
import { DescribeManagedPrefixListsCommand, type IpPermission, type SecurityGroup } from '@aws-sdk/client-ec2';
import { expect } from 'vitest';
import { prefixListEntries } from '../../../src/platforms/aws/prefix-lists.js';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { DST_ACCOUNT, DST_REGION, SRC_ACCOUNT, SRC_REGION, awsListId, groupsOf, type SgWorld } from './world.js';

/** Every rule of a group as sorted one-line strings, with group and prefix-list ids replaced by names. */
export function rulesOf(g: SecurityGroup, names: Record<string, string>): { ingress: string[]; egress: string[] } {
  const lines = (perms: IpPermission[] | undefined): string[] =>
    (perms ?? [])
      .flatMap((p) => {
        const ports = p.IpProtocol === '-1' || p.FromPort === undefined ? '' : ` ${p.FromPort}:${p.ToPort}`;
        const head = `${p.IpProtocol}${ports}`;
        const desc = (d: string | undefined) => (d ? ` "${d}"` : '');
        return [
          ...(p.IpRanges ?? []).map((r) => `${head} ${r.CidrIp}${desc(r.Description)}`),
          ...(p.Ipv6Ranges ?? []).map((r) => `${head} ${r.CidrIpv6}${desc(r.Description)}`),
          ...(p.PrefixListIds ?? []).map((r) => `${head} pl:${names[r.PrefixListId!] ?? r.PrefixListId}${desc(r.Description)}`),
          ...(p.UserIdGroupPairs ?? []).map((r) => `${head} sg:${names[r.GroupId!] ?? r.GroupId}@${r.UserId}${desc(r.Description)}`),
        ];
      })
      .sort();
  return { ingress: lines(g.IpPermissions), egress: lines(g.IpPermissionsEgress) };
}

export const tagsOf = (g: { Tags?: { Key?: string; Value?: string }[] }): Record<string, string> =>
  Object.fromEntries((g.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));

/** Asserts the destination VPC holds exactly the expected copies (and nothing duplicated). */
export async function expectMigratedWorld(dst: Ec2Handle, w: SgWorld): Promise<void> {
    const groups = await groupsOf(dst, w.dstVpc);
    expect(groups.map((g) => g.GroupName).sort()).toEqual(['app', 'db', 'default', 'web']);
    const by = Object.fromEntries(groups.map((g) => [g.GroupName!, g]));
    const s3 = await awsListId(dst, `com.amazonaws.${DST_REGION}.s3`);
    const officeCopy = rulesOf(by.web!, {}).ingress.find((l) => l.startsWith('tcp 80:80 pl:'))!.split(' ')[2]!.slice(3);
    const names: Record<string, string> = { [s3]: 's3', [officeCopy]: 'office' };
    for (const g of groups) names[g.GroupId!] = g.GroupName!;

    for (const [name, sourceId] of [['web', w.web], ['app', w.app], ['db', w.db]] as const) {
      expect(by[name]!.OwnerId).toBe(DST_ACCOUNT);
      expect(tagsOf(by[name]!)).toEqual({ env: 'prod', team: 'payments', 'ruleport:source': `${SRC_ACCOUNT}/${SRC_REGION}/${sourceId}` });
    }
    expect(by.web!.Description).toBe('web tier');
    const at = `@${DST_ACCOUNT}`;
    // moto keeps no description on prefix-list targets (the source lost "office http" already).
    expect(rulesOf(by.web!, names)).toEqual({
      ingress: ['tcp 443:443 0.0.0.0/0 "https"', 'tcp 443:443 ::/0', 'tcp 80:80 pl:office', `tcp 8080:8080 sg:web${at} "peers"`].sort(),
      egress: [`tcp 8080:8080 sg:app${at}`],
    });
    expect(rulesOf(by.app!, names)).toEqual({
      ingress: ['icmp 8:0 10.0.0.0/8 "ping"', 'icmpv6 128:-1 ::/0', `tcp 8080:8080 sg:web${at} "from web"`].sort(),
      egress: ['tcp 443:443 pl:s3', `tcp 5432:5432 sg:db${at}`].sort(),
    });
    const db = rulesOf(by.db!, names);
    expect(db.egress).toEqual(['-1 0.0.0.0/0']);
    // moto answers protocol-number rules with the -1/-1 ports they were sent with.
    expect(db.ingress.map((l) => l.replace(/^(47|50) -1:-1/, '$1'))).toEqual(
      ['-1 sg:default' + at + ' "vpc default"', '47 192.0.2.0/24 "gre"', '50 2001:db8::/32', `tcp 5432:5432 sg:app${at}`].sort(),
    );

    const copies = await prefixListEntries(dst, officeCopy);
    expect(copies.map((e) => e.cidr).sort()).toEqual(['198.51.100.0/24', '203.0.113.0/25']);
    // One copy of `office` and no other customer-managed list: nothing duplicated by an interrupted run.
    const lists = await dst.client.send(new DescribeManagedPrefixListsCommand({}));
    expect((lists.PrefixLists ?? []).filter((l) => l.OwnerId !== 'AWS').map((l) => l.PrefixListId)).toEqual([officeCopy]);

}

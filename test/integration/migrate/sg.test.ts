/**
 * `ruleport migrate sg` against moto: two accounts (AssumeRole), two regions. The destination is read back with
 * the SDK and checked against hand-written expectations of what each copy must hold (expectations.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { createPrefixList, createVpc } from '../aws/world.js';
import { expectMigratedWorld, rulesOf } from './expectations.js';
import {
  CROSS,
  SERIAL,
  DST_ACCOUNT,
  DST_REGION,
  SRC_ACCOUNT,
  SRC_REGION,
  buildSgWorld,
  cli,
  cliEnvironment,
  cliOnTerminal,
  createGroup,
  destinationSnapshot,
  dropAutomaticEgress,
  egress,
  freshSides,
  groupsOf,
  ingress,
  url,
  type SgWorld,
} from './world.js';

describe.skipIf(!url)('migrate sg across accounts and regions', () => {
  const env = cliEnvironment();
  let src: Ec2Handle;
  let dst: Ec2Handle;
  let w: SgWorld;
  const journal = () => join(env.dir(), 'journal.jsonl');
  const migrate = (...extra: string[]) => cli('migrate', 'sg', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--journal', journal(), ...extra);
  const namesOf = async () => (await groupsOf(dst, w.dstVpc)).map((g) => g.GroupName).sort();

  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    ({ src, dst } = await freshSides());
    w = await buildSgWorld(src, dst);
  });

  it('copies a set with a cycle, a self-reference, a default-group reference, IPv6, ICMP, prefix lists and protocol numbers', async () => {
    const r = await migrate('--tag', 'env=prod', '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^applied 11 changes$/m);
    expect(r.stdout.match(/^equivalent /gm)).toHaveLength(4); // web, app, db and the office prefix list
    await expectMigratedWorld(dst, w);
    const lines = readFileSync(journal(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { result: string; change: string });
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => l.result === 'ok')).toBe(true);
  });

  it('converges: a second run plans nothing and still verifies', async () => {
    expect((await migrate('--tag', 'env=prod', '--yes')).code).toBe(0);
    const again = await migrate('--tag', 'env=prod', '--yes', '--json');
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout) as { changed: boolean; plan: { changes: { kind: string }[] }; verification: { equivalent: boolean } };
    expect(doc.changed).toBe(false);
    expect(doc.plan.changes.map((c) => c.kind)).toEqual(['keep', 'keep', 'keep']);
    expect(doc.verification.equivalent).toBe(true);
    const text = await migrate('--tag', 'env=prod');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('no changes');
  });

  it('--dry-run plans every group and rule with references resolved, and writes nothing', async () => {
    const before = await destinationSnapshot(dst, w.dstVpc);
    const r = await migrate('--sg', w.web, '--sg', w.app, '--sg', w.db, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`security group web (new copy of ${w.web})`);
    expect(r.stdout).toContain(`tcp 8080 to group app (new copy of ${w.app})`);
    expect(r.stdout).toMatch(/any from group default \(sg-[0-9a-f]+\) "vpc default"/);
    expect(r.stdout).toMatch(/tcp 443 to prefix list com\.amazonaws\.eu-west-1\.s3 \(pl-[0-9a-f]+\)/);
    expect(r.stdout).toContain('automatic allow-all egress rule of web');
    expect(r.stdout).toContain('dry run: nothing changed');
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
  });

  it('names references outside the selection; --include-referenced migrates the closure, --drop-unresolved reports the loss', async () => {
    const before = await destinationSnapshot(dst, w.dstVpc);
    const refused = await migrate('--sg', w.web, '--yes');
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`${w.app} (app) not selected, referenced by ${w.web}`);
    expect(refused.stderr).toContain('--include-referenced');
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);

    const dropped = await migrate('--sg', w.web, '--drop-unresolved', '--yes');
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toContain(`LOSSY: web (${w.web}): egress rule referencing ${w.app} (app) (not selected) not copied`);
    expect(await namesOf()).toEqual(['default', 'web']);

    const closure = await migrate('--sg', w.web, '--include-referenced', '--yes');
    expect(closure.code).toBe(0);
    expect(closure.stdout).toContain(`--include-referenced adds ${w.app}, ${w.db}`);
    await expectMigratedWorld(dst, w);
  });

  it('refuses a name taken by a group it did not copy, creates under --name-suffix, and adopts that copy later', async () => {
    await createGroup(dst, w.dstVpc, 'web', 'somebody else');
    const clash = await migrate('--tag', 'env=prod', '--yes');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('already has group named web that ruleport did not copy');
    expect(await namesOf()).toEqual(['default', 'web']);
    const suffixed = await migrate('--tag', 'env=prod', '--name-suffix', '-migrated', '--yes');
    expect(suffixed.code).toBe(0);
    expect(await namesOf()).toEqual(['app', 'db', 'default', 'web', 'web-migrated']);
    const again = await migrate('--tag', 'env=prod', '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes');
  });

  it('keeps rules the source lost until --prune removes them', async () => {
    expect((await migrate('--tag', 'env=prod', '--yes')).code).toBe(0);
    await src.client.send(new RevokeSecurityGroupIngressCommand({ GroupId: w.web, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
    const stale = await migrate('--tag', 'env=prod', '--yes');
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('has 1 rule the source lacks: pass --prune');
    expect(stale.stdout).toMatch(/only the copy allows: ingress IPv6 tcp 443 from any/);
    const pruned = await migrate('--tag', 'env=prod', '--prune', '--yes');
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('ingress rules the source lacks (--prune) of web');
    const web = (await groupsOf(dst, w.dstVpc)).find((g) => g.GroupName === 'web')!;
    expect(rulesOf(web, {}).ingress.filter((l) => l.includes('::/0'))).toEqual([]);
  });

  it('matches --tag values exactly: EC2 filter wildcards (* and ?) in a value select nothing extra', async () => {
    const before = await destinationSnapshot(dst, w.dstVpc);
    for (const pattern of ['env=pro?', 'env=pr*']) {
      const r = await migrate('--tag', pattern, '--yes');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`no security group in ${SRC_REGION} matches tagged ${pattern}`);
    }
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
  });

  it('catches a quota overflow in the plan, prefix-list weight included, before any write', async () => {
    const big = await createGroup(src, w.srcVpc, 'big', 'many rules', { env: 'big' });
    await ingress(src, big, [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: Array.from({ length: 51 }, (_, i) => ({ CidrIp: `10.9.${i}.0/24` })) }]);
    await ingress(src, big, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{ PrefixListId: w.office }] }]);
    const before = await destinationSnapshot(dst, w.dstVpc);
    // 51 CIDRs + the office list (MaxEntries 10) = 61 IPv4 ingress rules > 60.
    const r = await migrate('--tag', 'env=big', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('61 ingress IPv4 rules exceed the quota of 60 per group');
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
  });

  it('a group with 60 egress rules and no allow-all fits its copy: the automatic egress rule goes before they are added', async () => {
    const outbound = await createGroup(src, w.srcVpc, 'outbound', 'egress only', { env: 'out' });
    await dropAutomaticEgress(src, outbound);
    const sixty = Array.from({ length: 60 }, (_, i) => `10.1.${i}.0/24`);
    await egress(src, outbound, [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: sixty.map((CidrIp) => ({ CidrIp })) }]);
    const r = await migrate('--tag', 'env=out', '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const copy = (await groupsOf(dst, w.dstVpc)).find((g) => g.GroupName === 'outbound')!;
    expect(rulesOf(copy, {})).toEqual({ ingress: [], egress: sixty.map((c) => `tcp 443:443 ${c}`).sort() });
  });

  it('bad input — unknown ids, a missing destination VPC, a malformed id — is one clear error and writes nothing', async () => {
    const before = await destinationSnapshot(dst, w.dstVpc);
    const unknown = await migrate('--sg', w.web, '--sg', 'sg-0123456789abcdef0', '--sg', 'sg-0fedcba9876543210', '--yes');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`ruleport: --sg: unknown security groups in ${SRC_REGION}: sg-0123456789abcdef0, sg-0fedcba9876543210\n`);
    const noVpc = await cli('migrate', 'sg', ...SERIAL, ...CROSS, '--dst-vpc', 'vpc-0123456789abcdef0', '--tag', 'env=prod', '--yes', '--journal', journal());
    expect(noVpc.code).toBe(2);
    expect(noVpc.stderr).toBe(`ruleport: --dst-vpc: vpc-0123456789abcdef0 does not exist in ${DST_REGION} (destination account)\n`);
    const malformed = await migrate('--sg', 'web', '--yes');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe('ruleport: --sg: "web" is not a security group id\n');
    const none = await migrate('--tag', 'env=nowhere', '--yes');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no security group in us-east-1 matches tagged env=nowhere');
    const noConcurrency = await migrate('--tag', 'env=prod', '--yes', '--concurrency', '0');
    expect(noConcurrency.code).toBe(2);
    expect(noConcurrency.stderr).toBe('ruleport: --concurrency: value "0" out of range 1..1000\n');
    const unconfirmed = await migrate('--tag', 'env=prod');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toBe('ruleport: --yes: refusing to apply without --yes when no one can confirm (not a terminal)\n');
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
  });

  it('--map-prefix-list uses a destination list instead of copying, and refuses one that does not exist', async () => {
    const corp = await createPrefixList(dst, 'corp-office', ['198.51.100.0/24', '203.0.113.0/25']);
    const before = await destinationSnapshot(dst, w.dstVpc);
    const missing = await migrate('--tag', 'env=prod', '--map-prefix-list', `${w.office}=pl-0123456789abcdef0`, '--yes');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`ruleport: --map-prefix-list: prefix list pl-0123456789abcdef0 does not exist in ${DST_REGION} (account ${DST_ACCOUNT})\n`);
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);

    const r = await migrate('--tag', 'env=prod', '--map-prefix-list', `${w.office}=${corp}`, '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`prefix list ${w.office} maps by flag to ${corp} (corp-office)`);
    const web = (await groupsOf(dst, w.dstVpc)).find((g) => g.GroupName === 'web')!;
    expect(rulesOf(web, { [corp]: 'corp-office' }).ingress).toContain('tcp 80:80 pl:corp-office');
    // No copy of `office` was made: the only customer list in the destination is the one mapped to.
    const snapshot = (await destinationSnapshot(dst, w.dstVpc)) as { prefixLists: [string, number][] };
    expect(snapshot.prefixLists.map(([id]) => id)).toEqual([corp]);
  });

  it('shows progress on a terminal and prints one --json document for automation', async () => {
    const tty = await cliOnTerminal('migrate', 'sg', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--journal', journal(), '--tag', 'env=prod', '--yes');
    expect(tty.code).toBe(0);
    const frames = tty.stderr.split('\r').filter(Boolean);
    // 3 groups in the destination region, 11 changes: a frame before the first change and one after each.
    expect(frames[0]).toBe(`${DST_REGION}: 0/3 security groups, 0/11 changes`);
    expect(frames.at(-1)).toBe(`${DST_REGION}: 3/3 security groups, 11/11 changes\n`);
    expect(frames).toHaveLength(12);

    ({ src, dst } = await freshSides());
    w = await buildSgWorld(src, dst);
    const json = await cliOnTerminal('migrate', 'sg', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--journal', journal(), '--tag', 'env=prod', '--yes', '--json');
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const doc = JSON.parse(json.stdout) as { changed: boolean; applied: { count: number; of: number }; mapping: { source: string; state: string }[]; verification: { equivalent: boolean } };
    expect(doc.changed).toBe(true);
    expect(doc.applied).toMatchObject({ count: 11, of: 11 });
    expect(doc.mapping.map((m) => [m.source, m.state]).sort()).toEqual([[w.web, 'new'], [w.app, 'new'], [w.db, 'new']].sort());
    expect(doc.verification.equivalent).toBe(true);
  });

  it('--src-vpc copies the whole VPC: the default group\'s rules go onto the destination default, whose own rules stay', async () => {
    await ingress(src, w.srcDefault, [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'bastion' }] }]);
    const dstDefault = (await groupsOf(dst, w.dstVpc)).find((g) => g.GroupName === 'default')!.GroupId!;
    await ingress(dst, dstDefault, [{ IpProtocol: 'tcp', FromPort: 9999, ToPort: 9999, IpRanges: [{ CidrIp: '192.0.2.1/32', Description: 'theirs' }] }]);
    const r = await migrate('--src-vpc', w.srcVpc, '--yes');
    expect(await namesOf()).toEqual(['app', 'db', 'default', 'monitor', 'web']);
    const groups = await groupsOf(dst, w.dstVpc);
    const def = groups.find((g) => g.GroupName === 'default')!;
    expect(def.Tags ?? []).toEqual([]);
    expect(rulesOf(def, {})).toEqual({ ingress: ['tcp 22:22 10.0.0.0/8 "bastion"', 'tcp 9999:9999 192.0.2.1/32 "theirs"'], egress: ['-1 0.0.0.0/0'] });
    expect(rulesOf(groups.find((g) => g.GroupName === 'monitor')!, {})).toEqual({ ingress: [], egress: ['-1 0.0.0.0/0'] });
    // ruleport does not remove rules from a group it does not own, so the default groups cannot be made equal.
    expect(r.stdout).toContain('the destination default group has 1 rule the source default group lacks; ruleport does not remove rules from groups it does not own');
    expect(r.stdout).toMatch(/^DIFFERENT +default \(sg-[0-9a-f]+\) → default/m);
    expect(r.stdout).toMatch(/only the copy allows: ingress IPv4 tcp 9999 from 192\.0\.2\.1/);
    expect(r.code).toBe(1);
    const pruned = await migrate('--src-vpc', w.srcVpc, '--prune', '--yes');
    expect(pruned.stdout).toContain('no changes');
    expect(rulesOf((await groupsOf(dst, w.dstVpc)).find((g) => g.GroupName === 'default')!, {}).ingress).toHaveLength(2);
  });

  it('within one account and region, copies into another VPC and reuses the same prefix lists', async () => {
    const otherVpc = await createVpc(src, '10.30.0.0/16');
    const r = await cli('migrate', 'sg', ...SERIAL, '--region', SRC_REGION, '--src-role-arn', `arn:aws:iam::${SRC_ACCOUNT}:role/r`, '--dst-vpc', otherVpc, '--tag', 'env=prod', '--yes', '--journal', journal());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const copies = await groupsOf(src, otherVpc);
    const app = copies.find((g) => g.GroupName === 'app')!;
    const web = copies.find((g) => g.GroupName === 'web')!;
    expect(rulesOf(app, { [w.s3]: 's3', [web.GroupId!]: 'web' }).egress).toContain('tcp 443:443 pl:s3');
    expect(rulesOf(web, { [w.office]: 'office' }).ingress).toContain('tcp 80:80 pl:office');
    expect(r.stdout).not.toContain('prefix list office (new copy');
  });

  it('--src-profile and --dst-profile: each side is the account its profile assumes a role in', async () => {
    const config = join(env.dir(), 'config');
    const role = (account: string) => `role_arn = arn:aws:iam::${account}:role/ruleport-migrate\nsource_profile = base\n`;
    writeFileSync(config, `[profile src]\n${role(SRC_ACCOUNT)}\n[profile dst]\n${role(DST_ACCOUNT)}`);
    const credentials = join(env.dir(), 'credentials');
    writeFileSync(credentials, '[base]\naws_access_key_id = test\naws_secret_access_key = test\n');
    const saved = [process.env.AWS_CONFIG_FILE, process.env.AWS_SHARED_CREDENTIALS_FILE];
    process.env.AWS_CONFIG_FILE = config;
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
    try {
      const r = await cli('migrate', 'sg', ...SERIAL, '--region', SRC_REGION, '--dst-region', DST_REGION, '--src-profile', 'src', '--dst-profile', 'dst',
        '--dst-vpc', w.dstVpc, '--tag', 'env=prod', '--yes', '--journal', journal());
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`migrate 3 security groups ${SRC_ACCOUNT}/${SRC_REGION} → ${DST_ACCOUNT}/${DST_REGION} ${w.dstVpc} (3 to create)`);
      await expectMigratedWorld(dst, w);
    } finally {
      [process.env.AWS_CONFIG_FILE, process.env.AWS_SHARED_CREDENTIALS_FILE] = saved;
    }
  });
});

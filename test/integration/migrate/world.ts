/**
 * The worlds the migrate tests run in: a source account and region with security groups (a reference cycle, a
 * self-reference, a default-group reference, IPv6, ICMP type/code, prefix lists, protocol numbers) or network
 * ACLs, and an empty destination VPC in another account and region. Built straight through the SDK.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  ReplaceNetworkAclAssociationCommand,
  RevokeSecurityGroupEgressCommand,
  type EC2Client,
  type IpPermission,
  type NetworkAcl,
  type NetworkAclEntry,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { run } from '../../../src/cli/run.js';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { migrationSides, type MigrationSides } from '../../../src/workflows/migrate-sessions.js';
import { ec2For, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { createPrefixList, createSubnet, createVpc } from '../aws/world.js';

export const url = motoUrlForWorker();
export const SRC_ACCOUNT = '111111111111';
export const DST_ACCOUNT = '222222222222';
export const SRC_REGION = 'us-east-1';
export const DST_REGION = 'eu-west-1';
export const roleArn = (account: string): string => `arn:aws:iam::${account}:role/ruleport-migrate`;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process against moto. */
export async function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, false);
}

/** Runs the CLI in-process against moto with stderr a terminal (where progress goes). */
export async function cliOnTerminal(...args: string[]): Promise<CliResult> {
  return runCli(args, true);
}

async function runCli(args: readonly string[], isTTY: boolean): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run([...args, '--endpoint-url', url], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY },
  });
  return { code, stdout, stderr };
}

/** Resets moto and returns clients of the source (account and region) and of the destination. */
export async function freshSides(): Promise<{ src: Ec2Handle; dst: Ec2Handle }> {
  await resetMoto(url);
  return { src: ec2For(url, SRC_REGION, SRC_ACCOUNT), dst: ec2For(url, DST_REGION, DST_ACCOUNT) };
}

/** The sides of a cross-account, cross-region migration for calling the workflow directly (no retries: failures show at once). */
export function workflowSides(): MigrationSides {
  return migrationSides(
    {
      src: { roleArn: roleArn(SRC_ACCOUNT) },
      dst: { roleArn: roleArn(DST_ACCOUNT) },
      srcRegion: SRC_REGION,
      dstRegion: DST_REGION,
      endpointUrl: url,
      session: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 },
    },
    { connection: {}, warn: () => {}, debug: () => {} },
  );
}

/**
 * One change at a time: moto's CreateSecurityGroup is not thread-safe (concurrent creates in one VPC can fail with
 * "dictionary changed size during iteration"), so the tests that create groups apply serially. Concurrency itself is
 * covered by the phased-apply unit test.
 */
export const SERIAL = ['--concurrency', '1'];

/** The identity and region flags of a cross-account, cross-region migration. */
export const CROSS = ['--region', SRC_REGION, '--dst-region', DST_REGION, '--src-role-arn', roleArn(SRC_ACCOUNT), '--dst-role-arn', roleArn(DST_ACCOUNT)];

/** Test credentials in the environment (the CLI's credential chain) and a scratch directory for journals. */
export function cliEnvironment(): { dir: () => string; restore: () => void; install: () => void } {
  const vars = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];
  const saved: Record<string, string | undefined> = {};
  let dir = '';
  return {
    dir: () => dir,
    install: () => {
      for (const v of vars) saved[v] = process.env[v];
      for (const v of vars) delete process.env[v];
      dir = mkdtempSync(join(tmpdir(), 'ruleport-migrate-'));
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      process.env.AWS_CONFIG_FILE = join(dir, 'no-config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'no-credentials');
    },
    restore: () => {
      for (const v of vars) {
        if (saved[v] === undefined) delete process.env[v];
        else process.env[v] = saved[v];
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createGroup(ec2: Ec2Handle, vpcId: string, name: string, description: string, tags: Record<string, string> = {}): Promise<string> {
  const entries = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await ec2.client.send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: description,
      VpcId: vpcId,
      ...(entries.length ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: entries }] } : {}),
    }),
  );
  return out.GroupId!;
}

export async function ingress(ec2: Ec2Handle, groupId: string, perms: IpPermission[]): Promise<void> {
  await ec2.client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: perms }));
}

export async function egress(ec2: Ec2Handle, groupId: string, perms: IpPermission[]): Promise<void> {
  await ec2.client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: perms }));
}

export async function dropAutomaticEgress(ec2: Ec2Handle, groupId: string): Promise<void> {
  await ec2.client.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
}

export async function groupsOf(ec2: Ec2Handle, vpcId: string): Promise<SecurityGroup[]> {
  const out = await ec2.client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return out.SecurityGroups ?? [];
}

export async function aclsOf(ec2: Ec2Handle, vpcId: string): Promise<NetworkAcl[]> {
  const out = await ec2.client.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return out.NetworkAcls ?? [];
}

/** Everything a migration could write in the destination: the VPC's groups and NACLs, the region's customer prefix lists. */
export async function destinationSnapshot(ec2: Ec2Handle, vpcId: string): Promise<unknown> {
  const lists = await ec2.client.send(new DescribeManagedPrefixListsCommand({}));
  const byId = <T>(items: T[], id: (t: T) => string | undefined) => [...items].sort((a, b) => ((id(a) ?? '') < (id(b) ?? '') ? -1 : 1));
  return {
    groups: byId(await groupsOf(ec2, vpcId), (g) => g.GroupId),
    acls: byId(await aclsOf(ec2, vpcId), (a) => a.NetworkAclId),
    prefixLists: (lists.PrefixLists ?? []).filter((l) => l.OwnerId !== 'AWS').map((l) => [l.PrefixListId, l.Version]),
  };
}

export async function awsListId(ec2: Ec2Handle, name: string): Promise<string> {
  const out = await ec2.client.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: [name] }] }));
  return out.PrefixLists![0]!.PrefixListId!;
}

/** The ids of the source security group world. */
export interface SgWorld {
  readonly srcVpc: string;
  readonly dstVpc: string;
  readonly web: string;
  readonly app: string;
  readonly db: string;
  /** An untagged group `app` references only through `--include-referenced` scenarios. */
  readonly monitor: string;
  readonly srcDefault: string;
  readonly office: string;
  readonly s3: string;
}

/**
 * Source groups tagged env=prod:
 * - web: 443 from the world (v4 "https", v6), 80 from the customer prefix list `office`, 8080 from itself;
 *   egress only 8080 to app (no allow-all egress).
 * - app: 8080 from web (web ⇄ app is a cycle), ICMP echo (8/0) from 10.0.0.0/8, ICMPv6 type 128 from ::/0;
 *   egress 5432 to db and 443 to the AWS-managed S3 list.
 * - db: 5432 from app, everything from the VPC's default group, GRE (47) from 192.0.2.0/24, ESP (50) from
 *   2001:db8::/32; keeps the automatic allow-all egress.
 * `monitor` (untagged) is referenced by nobody unless a test adds a rule.
 */
export async function buildSgWorld(src: Ec2Handle, dst: Ec2Handle): Promise<SgWorld> {
  const srcVpc = await createVpc(src, '10.0.0.0/16');
  const dstVpc = await createVpc(dst, '10.20.0.0/16');
  const prod = { env: 'prod', team: 'payments' };
  const web = await createGroup(src, srcVpc, 'web', 'web tier', prod);
  const app = await createGroup(src, srcVpc, 'app', 'app tier', prod);
  const db = await createGroup(src, srcVpc, 'db', 'database tier', prod);
  const monitor = await createGroup(src, srcVpc, 'monitor', 'monitoring');
  const srcDefault = (await groupsOf(src, srcVpc)).find((g) => g.GroupName === 'default')!.GroupId!;
  const office = await createPrefixList(src, 'office', ['198.51.100.0/24', '203.0.113.0/25']);
  const s3 = await awsListId(src, `com.amazonaws.${SRC_REGION}.s3`);
  await ingress(src, web, [
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{ PrefixListId: office, Description: 'office http' }] },
    { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: web, Description: 'peers' }] },
  ]);
  await dropAutomaticEgress(src, web);
  await egress(src, web, [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: app }] }]);
  await ingress(src, app, [
    { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: web, Description: 'from web' }] },
    { IpProtocol: 'icmp', FromPort: 8, ToPort: 0, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ping' }] },
    { IpProtocol: 'icmpv6', FromPort: 128, ToPort: -1, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
  ]);
  await dropAutomaticEgress(src, app);
  await egress(src, app, [
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: db }] },
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: s3 }] },
  ]);
  await ingress(src, db, [
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: app }] },
    { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: srcDefault, Description: 'vpc default' }] },
    { IpProtocol: '47', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '192.0.2.0/24', Description: 'gre' }] },
    { IpProtocol: '50', FromPort: -1, ToPort: -1, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
  ]);
  return { srcVpc, dstVpc, web, app, db, monitor, srcDefault, office, s3 };
}

/** Fails every call after the first `k`: before sending it (`before`) or after AWS answered it (`after`). */
export function failAfter(client: EC2Client, k: number, when: 'before' | 'after'): () => string[] {
  const seen: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push(String(context.commandName));
      if (seen.length <= k) return next(args);
      if (when === 'after') await next(args);
      throw Object.assign(new Error('connection reset by the test'), { name: 'ECONNRESET' });
    },
    { step: 'initialize', name: 'ruleportTestFailAfter' },
  );
  return () => seen;
}

/** `ingress 100 allow 6 0.0.0.0/0 22-443` */
export function entryLine(e: NetworkAclEntry): string {
  const ports = e.PortRange ? ` ${e.PortRange.From}-${e.PortRange.To}` : '';
  const icmp = e.IcmpTypeCode ? ` icmp ${e.IcmpTypeCode.Type}/${e.IcmpTypeCode.Code}` : '';
  return `${e.Egress ? 'egress' : 'ingress'} ${e.RuleNumber} ${e.RuleAction} ${e.Protocol} ${e.CidrBlock ?? e.Ipv6CidrBlock}${ports}${icmp}`;
}

/**
 * The entries of the world's source NACL as moto reports them. moto keeps no ICMP type/code on NACL entries (it
 * answers them as all of ICMP), so the ICMP entries read back as `allow 1`/`allow 58`; the planner's handling of
 * type/code is covered by test/unit/migrate/nacl-plan.test.ts.
 */
export const NACL_WORLD_ENTRIES = [
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

/** The ids of the source NACL world. */
export interface NaclWorld {
  readonly srcVpc: string;
  readonly dstVpc: string;
  readonly acl: string;
  readonly srcSubnets: readonly string[];
  readonly dstSubnets: readonly string[];
}

/**
 * One custom NACL in the source VPC with both directions, IPv4 and IPv6, ICMP type/code, port ranges, a deny
 * before a wider allow, and two associated subnets (10.0.1.0/24, 10.0.2.0/24); a third source subnet stays on the
 * default NACL. The destination VPC has subnets 10.0.1.0/24, 10.0.2.0/24 (same CIDRs) and 10.0.9.0/24.
 */
export async function buildNaclWorld(src: Ec2Handle, dst: Ec2Handle): Promise<NaclWorld> {
  const srcVpc = await createVpc(src, '10.0.0.0/16');
  const dstVpc = await createVpc(dst, '10.0.0.0/16');
  const srcSubnets = [await createSubnet(src, srcVpc, '10.0.1.0/24'), await createSubnet(src, srcVpc, '10.0.2.0/24'), await createSubnet(src, srcVpc, '10.0.3.0/24')];
  const dstSubnets = [await createSubnet(dst, dstVpc, '10.0.1.0/24'), await createSubnet(dst, dstVpc, '10.0.2.0/24'), await createSubnet(dst, dstVpc, '10.0.9.0/24')];
  const acl = (
    await src.client.send(
      new CreateNetworkAclCommand({ VpcId: srcVpc, TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'Name', Value: 'edge' }, { Key: 'env', Value: 'prod' }] }] }),
    )
  ).NetworkAcl!.NetworkAclId!;
  const entry = (RuleNumber: number, Egress: boolean, Protocol: string, RuleAction: 'allow' | 'deny', cidr: string, extra: object = {}) =>
    src.client.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: acl,
        RuleNumber,
        Egress,
        Protocol,
        RuleAction,
        ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
        ...extra,
      }),
    );
  await entry(90, false, '6', 'deny', '203.0.113.0/24', { PortRange: { From: 22, To: 22 } });
  await entry(100, false, '6', 'allow', '0.0.0.0/0', { PortRange: { From: 22, To: 443 } });
  await entry(110, false, '6', 'allow', '::/0', { PortRange: { From: 443, To: 443 } });
  await entry(120, false, '1', 'allow', '10.0.0.0/8', { IcmpTypeCode: { Type: 8, Code: 0 } });
  await entry(130, false, '58', 'allow', '::/0', { IcmpTypeCode: { Type: 128, Code: -1 } });
  await entry(140, false, '17', 'allow', '0.0.0.0/0', { PortRange: { From: 1024, To: 65535 } });
  await entry(100, true, '-1', 'allow', '0.0.0.0/0');
  await entry(101, true, '-1', 'allow', '::/0');
  await entry(200, true, '47', 'allow', '192.0.2.0/24');
  const acls = await aclsOf(src, srcVpc);
  for (const subnet of srcSubnets.slice(0, 2)) {
    const assoc = acls.flatMap((a) => a.Associations ?? []).find((a) => a.SubnetId === subnet)!;
    await src.client.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc.NetworkAclAssociationId!, NetworkAclId: acl }));
  }
  return { srcVpc, dstVpc, acl, srcSubnets, dstSubnets };
}

/** The CLI on live AWS locations (moto): show, diff, lint and export, identity flags, and bad input. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEnv } from '../../helpers/env-vars.js';
import { run } from '../../../src/cli/run.js';
import type { AwsSession, Ec2Handle } from '../../../src/platforms/aws/session.js';
import { createEntry, createNetworkAcl } from '../../../src/platforms/aws-nacl/client.js';
import { authorizePermissions, createSecurityGroup, describeSecurityGroups, revokePermissions } from '../../../src/platforms/aws-sg/client.js';
import { motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { createVpc } from './world.js';

const url = motoUrlForWorker();

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...args: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await run([...args, '--endpoint-url', url], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

const json = (r: Result) => JSON.parse(r.stdout) as { policies: { name: string; meta: Record<string, string>; rules: unknown[] }[] };

describe.skipIf(!url)('CLI on live AWS locations', () => {
  let dir: string;
  let session: AwsSession;
  let us: Ec2Handle;
  let eu: Ec2Handle;
  let vpcId: string;

  // The CLI uses the standard credential chain: the environment is its first link.
  useEnv({ AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-cli-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetMoto(url);
    session = motoSession(url);
    us = session.ec2('us-east-1');
    eu = session.ec2('eu-west-1');
    vpcId = await createVpc(us, '10.0.0.0/16');
  });
  afterEach(() => session.destroy());

  /** A group with exactly these ingress CIDRs on tcp/port, and no egress. */
  async function group(ec2: Ec2Handle, vpc: string, name: string, port: number, cidrs: string[]): Promise<string> {
    const id = await createSecurityGroup(ec2, { name, description: name, vpcId: vpc });
    const [g] = await describeSecurityGroups(ec2, { groupIds: [id] });
    await revokePermissions(ec2, id, 'egress', g!.IpPermissionsEgress ?? []);
    await authorizePermissions(ec2, id, 'ingress', [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: cidrs.map((CidrIp) => ({ CidrIp })) }]);
    return id;
  }

  it('shows one group, several groups, a region and a VPC', async () => {
    const web = await group(us, vpcId, 'web', 443, ['0.0.0.0/0']);
    const db = await group(us, vpcId, 'db', 5432, ['10.0.0.0/16']);
    const one = await cli('show', `aws:us-east-1/${web}`, '--json');
    expect(one.code).toBe(0);
    expect(json(one).policies.map((p) => [p.name, p.meta.id, p.meta.vpc])).toEqual([['web', web, vpcId]]);

    const two = json(await cli('show', `aws:us-east-1/${web},${db}`, '--json'));
    expect(two.policies.map((p) => p.name).sort()).toEqual(['db', 'web']);

    // The default VPC's default group, this VPC's default group, web and db.
    const region = json(await cli('show', 'aws:us-east-1', '--json'));
    expect(region.policies.map((p) => p.name).sort()).toEqual(['db', 'default', 'default', 'web']);
    const vpc = json(await cli('show', `aws:us-east-1/${vpcId}`, '--json'));
    expect(vpc.policies.map((p) => p.name).sort()).toEqual(['db', 'default', 'web']);

    // The region may come from --region.
    expect(json(await cli('show', `aws:${web}`, '--region', 'us-east-1', '--json')).policies[0]!.meta.id).toBe(web);
    const table = await cli('show', `aws:us-east-1/${web}`);
    expect(table.stdout).toContain('0.0.0.0/0');
  });

  it('shows a network ACL', async () => {
    const acl = await createNetworkAcl(us, { vpcId });
    await createEntry(us, acl, { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'deny', CidrBlock: '198.51.100.0/24', PortRange: { From: 22, To: 22 } });
    await createEntry(us, acl, { RuleNumber: 110, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } });
    const r = json(await cli('show', `aws:us-east-1/${acl}`, '--json'));
    expect(r.policies.map((p) => [p.name, p.rules.length])).toEqual([[acl, 2]]);
  });

  it('diffs groups across regions: equal, then different', async () => {
    const a = await group(us, vpcId, 'web', 443, ['0.0.0.0/0']);
    const euVpc = await createVpc(eu, '10.1.0.0/16');
    const b = await group(eu, euVpc, 'web-copy', 443, ['0.0.0.0/0']);
    const same = await cli('diff', `aws:us-east-1/${a}`, `aws:eu-west-1/${b}`, '--json');
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).equivalent).toBe(true);
    await authorizePermissions(eu, b, 'ingress', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]);
    const different = await cli('diff', `aws:us-east-1/${a}`, `aws:eu-west-1/${b}`, '--json');
    expect(different.code).toBe(1);
    expect(JSON.parse(different.stdout).equivalent).toBe(false);
  });

  it('lints a whole region', async () => {
    await group(us, vpcId, 'ssh-open', 22, ['0.0.0.0/0']);
    const r = await cli('lint', 'aws:us-east-1');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ssh-open');
  });

  it('exports what the file parser reads: export → show equals show live', async () => {
    const web = await group(us, vpcId, 'web', 443, ['0.0.0.0/0', '10.0.0.0/8']);
    const exported = await cli('export', `aws:us-east-1/${vpcId}`);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toHaveProperty('SecurityGroups');
    const file = join(dir, 'sgs.json');
    writeFileSync(file, exported.stdout);
    const fromFile = json(await cli('show', `${file}#${web}`, '--json'));
    const live = json(await cli('show', `aws:us-east-1/${web}`, '--json'));
    // The parsers name the source in rule origins only through `where`; policies are otherwise identical.
    expect(fromFile).toEqual(live);

    const acl = await createNetworkAcl(us, { vpcId });
    const aclExport = await cli('export', `aws:us-east-1/${acl}`);
    expect(JSON.parse(aclExport.stdout).NetworkAcls[0].NetworkAclId).toBe(acl);
  });

  it('acts as another account with --role-arn', async () => {
    const other = motoSession(url, { accountId: '111111111111' });
    try {
      const oec2 = other.ec2('us-east-1');
      const otherVpc = await createVpc(oec2, '10.5.0.0/16');
      const id = await group(oec2, otherVpc, 'partner', 8443, ['10.5.0.0/16']);
      const r = json(await cli('show', `aws:us-east-1/${id}`, '--role-arn', 'arn:aws:iam::111111111111:role/auditor', '--json'));
      expect(r.policies[0]!.meta.account).toBe('111111111111');
      // Without the role the group is not visible.
      expect((await cli('show', `aws:us-east-1/${id}`)).code).toBe(2);
    } finally {
      other.destroy();
    }
  });

  it.each([
    ['an unknown group', ['show', 'aws:us-east-1/sg-0123456789abcdef0'], /^ruleport: ec2 DescribeSecurityGroups \(us-east-1\): InvalidGroup\.NotFound: .*sg-0123456789abcdef0/],
    ['a malformed group id', ['show', 'aws:us-east-1/sg-xyz'], /^ruleport: aws:us-east-1\/sg-xyz: sg-xyz: malformed sg id$/],
    ['a malformed region', ['show', 'aws:moon/sg-0123456789abcdef0'], /^ruleport: aws:moon\/sg-0123456789abcdef0: region: "moon" is not an AWS region name/],
    ['an unknown VPC', ['show', 'aws:us-east-1/vpc-0123456789abcdef0'], /^ruleport: ec2 DescribeVpcs \(us-east-1\): InvalidVpcID\.NotFound: /],
    ['export of a file', ['export', 'sgs.json'], /^ruleport: sgs\.json: export reads live AWS locations/],
  ])('answers %s with exit 2 and one line', async (_name, args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('never prints a secret, not even with --debug (success, AWS error with its stack, assumed role)', async () => {
    const id = await group(us, vpcId, 'web', 443, ['0.0.0.0/0']);
    const secrets = { AWS_ACCESS_KEY_ID: 'AKIAPROBEKEYID4242', AWS_SECRET_ACCESS_KEY: 'probe/Secret+Value/4242' };
    const before = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, secrets);
    try {
      const runs = [
        await cli('show', `aws:us-east-1/${id}`, '--debug', '--json'),
        await cli('show', 'aws:us-east-1/sg-0123456789abcdef0', '--debug'),
        await cli('lint', 'aws:us-east-1', '--debug', '--role-arn', 'arn:aws:iam::123456789012:role/auditor', '--external-id', 'probe-external-4242'),
      ];
      expect(runs.map((r) => r.code)).toEqual([0, 2, 0]);
      // The error run did print its stack: --debug was on.
      expect(runs[1]!.stderr).toMatch(/\n\s+at /);
      for (const r of runs) {
        for (const value of [...Object.values(secrets), 'probe-external-4242']) {
          expect(r.stdout + r.stderr).not.toContain(value);
        }
      }
    } finally {
      process.env.AWS_ACCESS_KEY_ID = before.id;
      process.env.AWS_SECRET_ACCESS_KEY = before.secret;
    }
  });

  it('answers a group asked for in the wrong region with exit 2', async () => {
    const id = await group(us, vpcId, 'web', 443, ['0.0.0.0/0']);
    const r = await cli('show', `aws:eu-west-1/${id}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ruleport: ec2 DescribeSecurityGroups \(eu-west-1\): InvalidGroup\.NotFound/);
  });
});

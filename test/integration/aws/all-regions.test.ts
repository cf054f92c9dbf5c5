/**
 * `--all-regions` on live locations (moto): `aws:` covers every region DescribeRegions reports as enabled — the
 * expected set is computed here from moto's own answer (opt-in status by opt-in status), not from ruleport.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_AWS_ENV, useEnv } from '../../helpers/env-vars.js';
import { run } from '../../../src/cli/run.js';
import { authorizePermissions, createSecurityGroup } from '../../../src/platforms/aws-sg/client.js';
import { motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { createVpc } from './world.js';

const url = motoUrlForWorker();

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run([...args, '--endpoint-url', url], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

type Shown = { policies: { name: string; meta: Record<string, string> }[] };

describe.skipIf(!url)('--all-regions', () => {
  let dir: string;
  let web: string;
  let api: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-regions-'));
  });
  // No region anywhere: --all-regions must not need one.
  useEnv(() => ({ ...NO_AWS_ENV, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: join(dir, 'no-config') }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    await resetMoto(url);
    const session = motoSession(url);
    const us = session.ec2('us-east-1');
    const ap = session.ec2('ap-southeast-2');
    web = await createSecurityGroup(us, { name: 'web', description: 'web', vpcId: await createVpc(us, '10.0.0.0/16') });
    api = await createSecurityGroup(ap, { name: 'api', description: 'api', vpcId: await createVpc(ap, '10.1.0.0/16') });
    await authorizePermissions(ap, api, 'ingress', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    session.destroy();
  });

  /** The regions moto reports as usable without opting in, or opted in — and the ones it reports as not opted in. */
  async function motoRegions(): Promise<{ enabled: string[]; notOptedIn: string[] }> {
    const session = motoSession(url);
    const out = await session.ec2('us-east-1').client.send(new DescribeRegionsCommand({ AllRegions: true }));
    session.destroy();
    const regions = out.Regions ?? [];
    return {
      enabled: regions.filter((r) => r.OptInStatus === 'opt-in-not-required' || r.OptInStatus === 'opted-in').map((r) => r.RegionName!).sort(),
      notOptedIn: regions.filter((r) => r.OptInStatus === 'not-opted-in').map((r) => r.RegionName!),
    };
  }

  it('show aws: reads every enabled region and says where each group lives; lint sees them all', async () => {
    const { enabled, notOptedIn } = await motoRegions();
    expect(notOptedIn.length).toBeGreaterThan(0);
    const r = await cli('show', 'aws:', '--all-regions', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const policies = (JSON.parse(r.stdout) as Shown).policies;
    // Every region has a default VPC with its default group, so every enabled region shows up, and no other.
    expect([...new Set(policies.map((p) => p.meta.region))].sort()).toEqual(enabled);
    expect(policies.find((p) => p.meta.id === web)?.meta.region).toBe('us-east-1');
    expect(policies.find((p) => p.meta.id === api)?.meta.region).toBe('ap-southeast-2');

    const lint = await cli('lint', 'aws:', '--all-regions');
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/api .*remote administration \(22\) open to the internet/);
  });

  it('export aws: --all-regions writes one describe-security-groups document the file parser reads back', async () => {
    const { enabled } = await motoRegions();
    const r = await cli('export', 'aws:', '--all-regions');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { SecurityGroups: { GroupId: string }[] };
    const ids = doc.SecurityGroups.map((g) => g.GroupId);
    expect(ids).toEqual(expect.arrayContaining([web, api]));
    // The default VPC's default group in every region, the two VPCs' default groups, web and api.
    expect(ids).toHaveLength(enabled.length + 4);
    const file = join(dir, 'all.json');
    writeFileSync(file, r.stdout);
    const shown = await cli('show', file, '--json');
    expect((JSON.parse(shown.stdout) as Shown).policies.map((p) => p.meta.id).sort()).toEqual([...ids].sort());
  });

  it('refuses --all-regions with a location that names a region or ids: one line, exit 2', async () => {
    const named = await cli('show', 'aws:us-east-1', '--all-regions');
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('ruleport: --all-regions: aws:us-east-1 already names region us-east-1\n');
    const ids = await cli('export', `aws:${web}`, '--all-regions');
    expect(ids.code).toBe(2);
    expect(ids.stderr).toBe('ruleport: --all-regions: reads every group of every region (location aws:); sg ids belong to one region\n');
  });
});

/** Sessions against moto: identity, accounts via AssumeRole, MFA from a profile, regions, and bad input. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, RemoteError } from '../../../src/model/index.js';
import { callerIdentity } from '../../../src/platforms/aws/identity.js';
import { listRegions } from '../../../src/platforms/aws/regions.js';
import { AwsSession } from '../../../src/platforms/aws/session.js';
import { describeVpcs } from '../../../src/platforms/aws/vpcs.js';
import { DEFAULT_ACCOUNT, motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { failure } from './failure.js';

const url = motoUrlForWorker();
const ROLE = 'arn:aws:iam::222222222222:role/ruleport-migrate';

describe.skipIf(!url)('AWS sessions on moto', () => {
  const sessions: AwsSession[] = [];
  const open = (s: AwsSession): AwsSession => {
    sessions.push(s);
    return s;
  };
  beforeEach(() => resetMoto(url));
  afterEach(() => {
    for (const s of sessions.splice(0)) s.destroy();
  });

  it('knows who it is, in the default account and after AssumeRole into another', async () => {
    expect((await callerIdentity(open(motoSession(url)))).account).toBe(DEFAULT_ACCOUNT);
    const other = await callerIdentity(open(motoSession(url, { accountId: '222222222222' })));
    expect(other.account).toBe('222222222222');
    expect(other.arn).toMatch(/^arn:aws:sts::222222222222:assumed-role\/ruleport-test\//);
  });

  it('assumes a role once for all regions (credentials are shared and cached)', async () => {
    let baseCalls = 0;
    const s = open(
      new AwsSession({
        endpointUrl: url,
        region: 'us-east-1',
        maxAttempts: 1,
        roleArn: ROLE,
        externalId: 'ext-1234',
        credentials: async () => {
          baseCalls++;
          return { accessKeyId: 'test', secretAccessKey: 'test' };
        },
      }),
    );
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    const vpcs = await Promise.all(regions.map((r) => describeVpcs(s.ec2(r))));
    expect(vpcs.map((v) => v[0]!.OwnerId)).toEqual(regions.map(() => '222222222222'));
    expect(baseCalls).toBe(1);
  });

  it('lists the enabled regions, sorted', async () => {
    const regions = await listRegions(open(motoSession(url)));
    expect(regions).toEqual([...regions].sort());
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1']));
  });

  it('asks for an MFA code once when the role needs one, and refuses without a way to get it', async () => {
    const asked: string[] = [];
    const s = open(
      motoSession(url, {
        roleArn: ROLE,
        mfaSerial: 'arn:aws:iam::123456789012:mfa/alice',
        mfaToken: async (serial) => {
          asked.push(serial);
          return '123456';
        },
      }),
    );
    await Promise.all([callerIdentity(s), describeVpcs(s.ec2('eu-west-1'))]);
    expect(asked).toEqual(['arn:aws:iam::123456789012:mfa/alice']);

    const noPrompt = open(motoSession(url, { roleArn: ROLE, mfaSerial: 'arn:aws:iam::123456789012:mfa/alice' }));
    const failed = callerIdentity(noPrompt);
    await expect(failed).rejects.toThrowError(InputError);
    await expect(failed).rejects.toThrowError(
      'AWS credentials: the role needs an MFA code for arn:aws:iam::123456789012:mfa/alice: pass --mfa-token or run on a terminal',
    );
    const badCode = open(motoSession(url, { roleArn: ROLE, mfaSerial: 'arn:aws:iam::123456789012:mfa/alice', mfaToken: async () => 'abc' }));
    await expect(callerIdentity(badCode)).rejects.toThrowError('AWS credentials: mfa-token: an MFA code is six digits');
  });

  describe('with a profile from the shared config files', () => {
    let dir: string;
    const saved: Record<string, string | undefined> = {};
    const vars = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ruleport-aws-'));
      writeFileSync(
        join(dir, 'config'),
        '[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-central-1\nmfa_serial = arn:aws:iam::123456789012:mfa/bob\n',
      );
      writeFileSync(join(dir, 'credentials'), '[dev]\naws_access_key_id = test\naws_secret_access_key = test\n');
      for (const v of vars) saved[v] = process.env[v];
      for (const v of vars) delete process.env[v];
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    });
    afterEach(() => {
      for (const v of vars) {
        if (saved[v] === undefined) delete process.env[v];
        else process.env[v] = saved[v];
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('uses the profile keys, its region, and its mfa_serial for --role-arn', async () => {
      const asked: string[] = [];
      const s = open(
        new AwsSession({
          endpointUrl: url,
          profile: 'dev',
          roleArn: ROLE,
          maxAttempts: 1,
          mfaToken: async (serial) => {
            asked.push(serial);
            return '654321';
          },
        }),
      );
      expect(s.defaultRegion()).toBe('eu-central-1');
      expect((await callerIdentity(s)).account).toBe('222222222222');
      expect(asked).toEqual(['arn:aws:iam::123456789012:mfa/bob']);
      expect(open(new AwsSession({ endpointUrl: url })).defaultRegion()).toBe('us-west-2');
    });

    it('says which profile is missing, on one line', async () => {
      const s = open(new AwsSession({ endpointUrl: url, profile: 'nope', region: 'us-east-1', maxAttempts: 1 }));
      const e = await failure(callerIdentity(s));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/^AWS credentials: .*nope/);
      expect(e.message).not.toContain('\n');
    });
  });

  it('refuses malformed settings before any call', () => {
    expect(() => new AwsSession({ region: 'useast1' })).toThrowError('region: "useast1" is not an AWS region name (e.g. us-east-1)');
    expect(() => new AwsSession({ endpointUrl: 'localhost:4566' })).toThrowError(InputError);
    expect(() => new AwsSession({ roleArn: 'arn:aws:iam::123:role/x' })).toThrowError(/role-arn: .* is not an IAM role ARN/);
    expect(() => open(motoSession(url)).ec2('moon-base-1x')).toThrowError(InputError);
  });

  it('reports an unreachable endpoint as one line naming the call', async () => {
    const s = open(motoSession('http://127.0.0.1:9'));
    const e = await failure(describeVpcs(s.ec2('us-east-1')));
    expect(e).toBeInstanceOf(RemoteError);
    expect(e.message).toMatch(/^ec2 DescribeVpcs \(us-east-1\): ECONNREFUSED/);
    expect(e.message).not.toContain('\n');
  });
});

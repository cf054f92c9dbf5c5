/**
 * AWS credentials never reach the output: the access keys from the environment and an MFA code given with
 * --mfa-token appear nowhere in stdout, stderr or the journal, also with --debug, on success and on an error that
 * prints a stack.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecurityGroup } from '../../../src/platforms/aws-sg/client.js';
import { runCaptured } from '../../helpers/run-cli.js';
import { expectNoSecrets } from '../../helpers/secret-leaks.js';
import { motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { createVpc } from './world.js';

const url = motoUrlForWorker();
/** moto accepts any keys, so these distinctive ones are what every signed request is made with. */
const KEY_ID = 'AKIAZLEAKCHECK7Q3Z9X';
const SECRET_KEY = 'lEaKcHeCk+Secret/Key0123456789abcdefABCD';
const MFA_CODE = '864209';
const ROLE = 'arn:aws:iam::333333333333:role/auditor';
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const MISSING_GROUP = 'sg-0fedcba9876543210';

describe.skipIf(!url)('AWS secrets stay out of the output, even with --debug', () => {
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-aws-secrets-'));
    writeFileSync(join(dir, 'config'), `[profile auditor]\nregion = us-east-1\nmfa_serial = ${SERIAL}\n`);
    writeFileSync(join(dir, 'credentials'), `[auditor]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET_KEY}\n`);
    for (const v of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']) vi.stubEnv(v, undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET_KEY);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
    await resetMoto(url);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('access keys: not in a migration\'s output or journal, nor in an error with its stack', async () => {
    const s = motoSession(url);
    const ec2 = s.ec2('us-east-1');
    const source = await createSecurityGroup(ec2, { name: 'web', description: 'web', vpcId: await createVpc(ec2) });
    const target = await createVpc(ec2, '10.9.0.0/16');
    s.destroy();
    const journal = join(dir, 'journal.jsonl');

    const migrated = await runCaptured('--debug', '--endpoint-url', url, 'migrate', 'sg', '--region', 'us-east-1', '--sg', source, '--dst-vpc', target, '--concurrency', '1', '--yes', '--journal', journal);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(readFileSync(journal, 'utf8')).toContain(source); // the journal the check below reads was written
    const failed = await runCaptured('--debug', '--endpoint-url', url, 'show', `aws:us-east-1/${MISSING_GROUP}`);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/\n\s+at /); // --debug took effect: the stack is there

    expectNoSecrets({ 'access key id': KEY_ID, 'secret access key': SECRET_KEY }, {
      'migrate stdout': migrated.stdout,
      'migrate stderr': migrated.stderr,
      'error stdout': failed.stdout,
      'error stderr': failed.stderr,
    }, { journal });
  });

  it('MFA code: not in the output of a role session, nor in an error with its stack', async () => {
    const s = motoSession(url, { accountId: '333333333333' });
    const ec2 = s.ec2('us-east-1');
    const group = await createSecurityGroup(ec2, { name: 'audited', description: 'audited', vpcId: await createVpc(ec2) });
    s.destroy();
    const role = ['--debug', '--endpoint-url', url, '--profile', 'auditor', '--role-arn', ROLE, '--mfa-token', MFA_CODE];

    const shown = await runCaptured(...role, 'show', `aws:us-east-1/${group}`, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    // The role was really assumed with the code: the group is read in the role's account.
    expect((JSON.parse(shown.stdout) as { policies: { meta: { account: string } }[] }).policies.map((p) => p.meta.account)).toEqual(['333333333333']);
    const failed = await runCaptured(...role, 'show', `aws:us-east-1/${MISSING_GROUP}`);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/\n\s+at /);

    expectNoSecrets({ 'MFA code': MFA_CODE, 'access key id': KEY_ID, 'secret access key': SECRET_KEY }, {
      'show stdout': shown.stdout,
      'show stderr': shown.stderr,
      'error stdout': failed.stdout,
      'error stderr': failed.stderr,
    });
  });
});

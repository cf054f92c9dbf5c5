/**
 * The CLI asks for the MFA code of a role on a terminal (the profile's `mfa_serial`), and refuses clearly when no
 * one can answer. moto accepts any code; what is checked is who is asked, how often, and that the code never
 * appears in the output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_AWS_ENV, useEnv } from '../../helpers/env-vars.js';
import { run } from '../../../src/cli/run.js';
import { createSecurityGroup } from '../../../src/platforms/aws-sg/client.js';
import { motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { createVpc } from './world.js';

const url = motoUrlForWorker();
const ROLE = 'arn:aws:iam::333333333333:role/auditor';
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';

describe.skipIf(!url)('MFA on a terminal', () => {
  let dir: string;
  let group: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-mfa-'));
    writeFileSync(join(dir, 'config'), `[profile auditor]\nregion = us-east-1\nmfa_serial = ${SERIAL}\n`);
    writeFileSync(join(dir, 'credentials'), '[auditor]\naws_access_key_id = test\naws_secret_access_key = test\n');
  });
  useEnv(() => ({
    ...NO_AWS_ENV,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    await resetMoto(url);
    const s = motoSession(url, { accountId: '333333333333' });
    const ec2 = s.ec2('us-east-1');
    group = await createSecurityGroup(ec2, { name: 'audited', description: 'audited', vpcId: await createVpc(ec2) });
    s.destroy();
  });

  async function cli(terminal: boolean, answer: string, ...args: string[]) {
    let stdout = '';
    let stderr = '';
    const stdin = Object.assign(new PassThrough(), { isTTY: terminal });
    stdin.end(answer);
    const code = await run([...args, '--endpoint-url', url], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s), isTTY: terminal },
      stdin,
    });
    return { code, stdout, stderr };
  }

  it('asks once for the code of the profile\'s device, and the role works', async () => {
    const r = await cli(true, '246810\n', 'show', `aws:us-east-1/${group}`, '--profile', 'auditor', '--role-arn', ROLE, '--json');
    expect(r.stderr).toBe(`MFA code for ${SERIAL}: `);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { policies: { meta: { id: string; account: string } }[] }).policies.map((p) => [p.meta.id, p.meta.account])).toEqual([[group, '333333333333']]);
    expect(r.stdout).not.toContain('246810');
  });

  it('without a terminal, says how to give the code: one line, exit 2', async () => {
    const r = await cli(false, '', 'show', `aws:us-east-1/${group}`, '--profile', 'auditor', '--role-arn', ROLE);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ruleport: AWS credentials: the role needs an MFA code for ${SERIAL}: pass --mfa-token or run on a terminal\n`);
  });
});

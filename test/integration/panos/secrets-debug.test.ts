/**
 * PAN-OS credentials never reach the output: with --debug, the administrator's password (PANOS_PASSWORD), the API
 * key it is exchanged for, and an API key given directly (PANOS_API_KEY) appear nowhere in stdout, stderr or the
 * journal of a conversion that commits, nor in the error and stack of a refused password or key.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { expectNoSecrets } from '../../helpers/secret-leaks.js';
import { cli } from './cli-run.js';

const USER = 'leak-admin';
const PASSWORD = 'Pw/leak+check7731';
const WRONG_PASSWORD = 'Wr0ng/pw+leak4419';
const WRONG_KEY = 'LUFRPTleakcheckNotAKey0123==';

const CONFIG = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<zone><entry name="untrust"/><entry name="trust"/></zone>
<rulebase><security><rules><entry name="Clean up"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry></rules></security></rulebase>
</entry></vsys></entry></devices></config>`;

/** A security group allowing `port` from anywhere: each test converts a new port, so each one commits. */
const groups = (port: number) => ({
  SecurityGroups: [
    {
      GroupId: 'sg-0123456789abcdef0',
      GroupName: 'web',
      Description: 'web',
      OwnerId: '123456789012',
      VpcId: 'vpc-0123456789abcdef0',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      IpPermissionsEgress: [],
    },
  ],
});

let sim: PanosSim;
let dir: string;

/** The key the simulator issues for the administrator: what ruleport holds after exchanging the password. */
async function issuedKey(): Promise<string> {
  const res = await fetch(`${sim.url}/api/`, { method: 'POST', body: new URLSearchParams({ type: 'keygen', user: USER, password: PASSWORD }) });
  return /<key>([^<]+)<\/key>/.exec(await res.text())![1]!;
}

beforeAll(async () => {
  sim = await startPanosSim({ config: CONFIG, commitDurationMs: 5, users: { [USER]: PASSWORD } });
  dir = mkdtempSync(join(tmpdir(), 'ruleport-panos-secrets-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `--debug convert` of a group allowing `port` onto the simulator, committing and journaling. */
function convert(port: number, journal: string, ...auth: string[]) {
  const sgFile = join(dir, `sgs-${port}.json`);
  writeFileSync(sgFile, JSON.stringify(groups(port)));
  return cli('--debug', 'convert', sgFile, '--to', `panos:${sim.url}`, ...auth, '--below', 'Clean up', '--from-zone', 'untrust', '--to-zone', 'trust', '--journal', journal, '--yes');
}

describe('PAN-OS secrets stay out of the output, even with --debug', () => {
  it('password (and the key generated from it): not in a committing conversion, nor in a refusal with its stack', async () => {
    vi.stubEnv('PANOS_API_KEY', undefined);
    vi.stubEnv('PANOS_PASSWORD', PASSWORD);
    const journal = join(dir, 'password.jsonl');
    const converted = await convert(443, journal, '--user', USER);
    expect(converted.code, converted.stderr).toBe(0);
    expect(converted.stderr).toContain('debug: panos:'); // --debug took effect
    expect(readFileSync(journal, 'utf8')).not.toBe(''); // the journal checked below was written
    expect(sim.runningXml()).toContain('0.0.0.0/0'); // and the conversion was committed

    vi.stubEnv('PANOS_PASSWORD', WRONG_PASSWORD);
    const refused = await cli('--debug', 'show', `panos:${sim.url}`, '--user', USER);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/\n\s+at /); // the stack --debug adds

    expectNoSecrets(
      { password: PASSWORD, 'wrong password': WRONG_PASSWORD, 'generated key': await issuedKey() },
      { 'convert stdout': converted.stdout, 'convert stderr': converted.stderr, 'refusal stdout': refused.stdout, 'refusal stderr': refused.stderr },
      { journal },
    );
  });

  it('API key: not in a committing conversion, nor in a refusal with its stack', async () => {
    const key = await issuedKey();
    vi.stubEnv('PANOS_PASSWORD', undefined);
    vi.stubEnv('PANOS_API_KEY', key);
    const journal = join(dir, 'key.jsonl');
    const converted = await convert(8443, journal);
    expect(converted.code, converted.stderr).toBe(0);
    expect(converted.stderr).toContain('debug: panos:');
    expect(readFileSync(journal, 'utf8')).not.toBe('');

    vi.stubEnv('PANOS_API_KEY', WRONG_KEY);
    const refused = await cli('--debug', 'show', `panos:${sim.url}`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/\n\s+at /);

    expectNoSecrets(
      { key, 'wrong key': WRONG_KEY },
      { 'convert stdout': converted.stdout, 'convert stderr': converted.stderr, 'refusal stdout': refused.stdout, 'refusal stderr': refused.stderr },
      { journal },
    );
  });
});

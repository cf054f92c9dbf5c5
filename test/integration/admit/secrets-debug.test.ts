/**
 * The Halo API secret never reaches the output: with --debug, an admit run that moves a server (and journals the
 * move) and a run whose key is refused print it nowhere — not as is, not URL-encoded, not inside a Basic header.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { run } from '../../../src/cli/run.js';
import { expectNoSecrets } from '../../helpers/secret-leaks.js';
import { admitCli, FAST, placement, removeWorkspaces, server, workspace } from './harness.js';

const KEY = { keyId: 'leakcheck-key-id', secret: 'Lk/secret+9f3e1c7a2b', access: 'full' as const };
const WRONG_SECRET = 'Wr0ng/secret+5d8b2e';
let sim: HaloSim;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0, seed: { keys: [{ key_id: KEY.keyId, secret: KEY.secret, access: KEY.access }] } });
});
afterAll(async () => {
  removeWorkspaces();
  vi.unstubAllEnvs();
  await sim.close();
});

describe('Halo secrets stay out of the output, even with --debug', () => {
  it('a run that moves a server: not in stdout, stderr or the journal', async () => {
    sim.load({ groups: [{ name: 'LeakDirty' }, { name: 'LeakClean' }] });
    sim.setScanDuration(20, 40);
    const id = server(sim, 'LeakDirty', 'leak-1');
    const ws = workspace(KEY);
    const r = await admitCli(sim, ws, ['--debug', '--from', 'LeakDirty', '--to', 'LeakClean', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(placement(sim)['leak-1']).toBe('LeakClean');
    expect(r.stderr).toContain('debug: halo:'); // --debug took effect
    expect(readFileSync(ws.journal, 'utf8')).toContain(id); // the journal checked below was written
    expectNoSecrets({ secret: KEY.secret, 'Basic credentials': `${KEY.keyId}:${KEY.secret}` }, { stdout: r.stdout, stderr: r.stderr }, { journal: ws.journal });
  });

  it('a refused secret from the environment: not in the error or its stack', async () => {
    vi.stubEnv('HALO_API_KEY_ID', KEY.keyId);
    vi.stubEnv('HALO_API_SECRET_KEY', WRONG_SECRET);
    let stdout = '';
    let stderr = '';
    const code = await run(['--debug', '--halo-url', sim.url, 'admit', '--from', 'LeakDirty', '--to', 'LeakClean', '--dry-run'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    });
    vi.unstubAllEnvs();
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ruleport: .*HALO_API_KEY_ID/m);
    expect(stderr).toMatch(/\n\s+at /); // the stack --debug adds
    expectNoSecrets({ secret: WRONG_SECRET, 'Basic credentials': `${KEY.keyId}:${WRONG_SECRET}` }, { stdout, stderr });
  });
});
